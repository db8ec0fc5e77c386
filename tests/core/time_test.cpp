// format_time / parse_duration: exact round trips and strict rejection.
#include "sim/core/time.hpp"

#include <catch2/catch.hpp>

#include <limits>

using namespace wirelab;

TEST_CASE("time unit helpers are nanosecond multiples") {
    STATIC_REQUIRE(ns(7) == 7);
    STATIC_REQUIRE(us(3) == 3'000);
    STATIC_REQUIRE(ms(20) == 20'000'000);
    STATIC_REQUIRE(seconds(2) == 2'000'000'000);
}

TEST_CASE("format_time picks the unit a ladder label needs") {
    CHECK(format_time(0) == "0 ns");
    CHECK(format_time(40) == "40 ns");
    CHECK(format_time(us(250)) == "250 us");
    CHECK(format_time(1'500) == "1.5 us");
    CHECK(format_time(us(12'500)) == "12.5 ms");
    CHECK(format_time(ms(20)) == "20 ms");
    CHECK(format_time(999'999'999) == "999.999999 ms");
    CHECK(format_time(ms(1'250)) == "1.250000 s");
    CHECK(format_time(seconds(2)) == "2.000000 s");
    CHECK(format_time(seconds(1) + 1) == "1.000000001 s");
    CHECK(format_time(-ms(3)) == "-3 ms");
}

TEST_CASE("parse_duration reads the forms scenarios and --until use") {
    CHECK(parse_duration("20ms") == ms(20));
    CHECK(parse_duration("1.5s") == ms(1'500));
    CHECK(parse_duration("250us") == us(250));
    CHECK(parse_duration("2s") == seconds(2));
    CHECK(parse_duration("7ns") == 7);
    CHECK(parse_duration("1.250000 s") == ms(1'250));
    CHECK(parse_duration("0.000000001s") == 1);
    CHECK(parse_duration("0s") == 0);
    CHECK(parse_duration("1.5000ns") == std::nullopt); // 0.5 ns is not representable
    CHECK(parse_duration("1.0ns") == 1);
}

TEST_CASE("parse_duration rejects what is not exactly a duration") {
    for (const char* bad : {"-1s", "abc", "1x", "", "s", "1", "1.s", ".5s", "+1s", "1 s ", " 1s",
                            "1e3ms", "1.2.3s", "1sec", "1S", "0.0000000001s",
                            "9223372036854775808ns", "9223372037s", "99999999999999999999999s"})
        CHECK_FALSE(parse_duration(bad).has_value());
    CHECK(parse_duration("9223372036854775807ns") == std::numeric_limits<Time>::max());
}

TEST_CASE("format_time output parses back to the same time") {
    const Time samples[] = {0,
                            1,
                            999,
                            1'000,
                            1'001,
                            12'345,
                            999'999,
                            1'000'000,
                            12'500'000,
                            123'456'789,
                            999'999'999,
                            seconds(1),
                            ms(1'250),
                            seconds(1) + 1,
                            seconds(3600) + 7,
                            std::numeric_limits<Time>::max()};
    for (Time t : samples) {
        INFO(format_time(t));
        CHECK(parse_duration(format_time(t)) == t);
    }
    // And a sweep across magnitudes.
    for (Time t = 1; t < std::numeric_limits<Time>::max() / 7; t = t * 7 + 3) {
        INFO(format_time(t));
        CHECK(parse_duration(format_time(t)) == t);
    }
}
