// Value spellings a lesson file accepts: durations, bandwidths, addresses, did-you-mean.
#include "sim/scenario/load.hpp"

#include <catch2/catch.hpp>

using namespace wirelab::scenario;

TEST_CASE("durations parse to exact nanoseconds in every unit", "[units]") {
    CHECK(parse_duration("20ms") == 20'000'000);
    CHECK(parse_duration("1.5s") == 1'500'000'000);
    CHECK(parse_duration("250us") == 250'000);
    CHECK(parse_duration("250\xc2\xb5s") == 250'000);
    CHECK(parse_duration("100ns") == 100);
    CHECK(parse_duration("2s") == 2'000'000'000);
    CHECK(parse_duration("0s") == 0);
    CHECK(parse_duration("0.000000001s") == 1);
    CHECK(parse_duration("1.250ms") == 1'250'000);
    CHECK(parse_duration("10 ms") == 10'000'000);
    CHECK(parse_duration("-5ms") == -5'000'000);
    CHECK(parse_duration("9223372036s") == 9'223'372'036'000'000'000);
}

TEST_CASE("durations refuse missing units, bad numbers, sub-ns and overflow", "[units]") {
    for (const char* bad : {"", "20", "ms", "20 minutes", "1.s", ".5s", "1..5s", "0.5ns",
                            "0.0000000001s", "9223372037s", "1e3ms", "20MS", " 20ms", "20ms "})
        CHECK_FALSE(parse_duration(bad).has_value());
}

TEST_CASE("bandwidths parse bps kbps Mbps Gbps exactly", "[units]") {
    CHECK(parse_bandwidth("100Mbps") == 100'000'000);
    CHECK(parse_bandwidth("1.5Gbps") == 1'500'000'000);
    CHECK(parse_bandwidth("64kbps") == 64'000);
    CHECK(parse_bandwidth("9600bps") == 9600);
    CHECK(parse_bandwidth("0bps") == 0);
    for (const char* bad : {"100", "100MBps", "100mbps", "1.5bps", "-1Mbps", "Mbps", "10 Gb"})
        CHECK_FALSE(parse_bandwidth(bad).has_value());
}

TEST_CASE("format_duration prints the largest exact unit", "[units]") {
    CHECK(format_duration(1'500'000'000) == "1.5s");
    CHECK(format_duration(20'000'000) == "20ms");
    CHECK(format_duration(1'250'000) == "1.25ms");
    CHECK(format_duration(999) == "999ns");
    CHECK(format_duration(0) == "0ns");
    CHECK(format_duration(-5'000'000) == "-5ms");
    CHECK(parse_duration(format_duration(123'456'789)) == 123'456'789);
}

TEST_CASE("IPv4 and MAC addresses round-trip and refuse malformed text", "[units]") {
    CHECK(parse_ipv4("10.0.0.1") == 0x0a000001u);
    CHECK(parse_ipv4("255.255.255.255") == 0xffffffffu);
    CHECK(format_ipv4(0xc0a80101u) == "192.168.1.1");
    for (const char* bad :
         {"10.0.0", "10.0.0.256", "10.0.0.1.2", "010.0.0.1", "a.b.c.d", "", "10.0.0.1 ", "10..0.1"})
        CHECK_FALSE(parse_ipv4(bad).has_value());
    auto mac = parse_mac("02:aa:BB:cc:dd:0e");
    REQUIRE(mac);
    CHECK(format_mac(*mac) == "02:aa:bb:cc:dd:0e");
    CHECK(parse_mac("02-00-00-00-00-01").has_value());
    for (const char* bad : {"02:00:00:00:00", "02:00:00:00:00:0g", "02:00-00:00:00:01",
                            "0200.0000.0001", "02:00:00:00:00:001"})
        CHECK_FALSE(parse_mac(bad).has_value());
}

TEST_CASE("action names map both ways", "[units]") {
    for (std::string_view name : action_kind_names) {
        auto kind = parse_action_kind(name);
        REQUIRE(kind);
        CHECK(to_string(*kind) == name);
    }
    CHECK(std::string(to_string(ActionKind::tcp_connect)) == "tcp.connect");
    CHECK_FALSE(parse_action_kind("tcp.conect"));
}

TEST_CASE("suggest finds the nearest word within two edits", "[units]") {
    std::vector<std::string_view> stages(known_stages.begin(), known_stages.end());
    CHECK(suggest("tpc", stages) == "tcp"); // a transposition is one edit
    CHECK(suggest("ipv6", stages) == "ipv4");
    CHECK(suggest("ether", stages) == "eth");
    CHECK(suggest("TCP", stages) == "tcp");
    CHECK(suggest("websocket", stages) == "");
    CHECK(suggest("xy", stages) == ""); // rewriting the whole word is no misspelling
    std::vector<std::string_view> keys = {"name", "ip", "mac"};
    CHECK(suggest("nmae", keys) == "name");
    CHECK(suggest("", keys) == "");
}

TEST_CASE("an error formats as file:line:col: error: message", "[units]") {
    Error e{{"scenarios/x.toml", 12, 9}, "unknown stage \"tpc\" (did you mean \"tcp\"?)"};
    CHECK(e.format() == "scenarios/x.toml:12:9: error: unknown stage \"tpc\" (did you mean "
                        "\"tcp\"?)");
}
