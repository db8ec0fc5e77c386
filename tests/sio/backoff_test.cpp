// Backoff: the reference client's reconnection delays, pinned by hand and compared with
// socket.io-client's own backo2.js (tests/sio/oracle) on fixed random sequences.
#include "oracle.hpp"
#include "sim/proto/sio/backoff.hpp"

#include <catch2/catch.hpp>

using namespace wirelab::sio;
using namespace wirelab::sio::socketio;

namespace {
RandomSource from(const std::vector<double>& values, std::size_t& used) {
    return [&values, &used] { return values.at(used++); };
}
} // namespace

TEST_CASE("backoff doubles from 1 s, jitters by the random number, caps at 5 s") {
    Backoff b({});
    const std::vector<double> r{0.1, 0.25, 0.05, 0.99, 0.5};
    std::size_t used = 0;
    const auto rand = from(r, used);
    CHECK(b.duration(rand) == 1050); // floor(1.0) odd: +floor(0.1*0.5*1000)
    CHECK(b.duration(rand) == 1750); // floor(2.5) even: -250
    CHECK(b.duration(rand) == 3900);
    CHECK(b.duration(rand) == 5000);
    CHECK(b.attempts() == 4);
    b.reset();
    CHECK(b.duration(rand) == 1250);
    CHECK(used == 5);
}

TEST_CASE("backoff without jitter never draws a random number") {
    Backoff b({.min_ms = 1000, .max_ms = 5000, .jitter = 0, .factor = 2});
    const RandomSource none = []() -> double {
        FAIL("random drawn");
        return 0;
    };
    CHECK(b.duration(none) == 1000);
    CHECK(b.duration(none) == 2000);
    CHECK(b.duration(none) == 4000);
    CHECK(b.duration(none) == 5000);
}

TEST_CASE("js_to_int32 wraps like x | 0") {
    CHECK(js_to_int32(1.9) == 1);
    CHECK(js_to_int32(-1.9) == -1);
    CHECK(js_to_int32(4294967296.0 + 5) == 5);
    CHECK(js_to_int32(2147483648.0) == -2147483648);
    CHECK(js_to_int32(std::numeric_limits<double>::infinity()) == 0);
    CHECK(js_to_int32(std::numeric_limits<double>::quiet_NaN()) == 0);
}

TEST_CASE("backoff delays equal socket.io-client's on fixed random sequences") {
    REQUIRE(std::filesystem::exists(test::oracle_dir() +
                                    "/node_modules/socket.io-client/build/cjs/contrib/backo2.js"));
    struct Case {
        double min, max, jitter;
        int count;
    };
    const std::vector<Case> cases{{1000, 5000, 0.5, 12}, {1000, 5000, 0, 8},
                                  {100, 10000, 1, 20},   {500, 2147483647.0, 0.5, 40},
                                  {1000, 5000, 1.5, 6},  {1000, 1e12, 0.5, 1100}};
    std::vector<double> randoms;
    std::uint64_t x = 12345;
    for (int i = 0; i < 1100; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        randoms.push_back(static_cast<double>(x >> 11) * 0x1.0p-53);
    }
    randoms[0] = 0.0;
    randoms[1] = 0.9999999999;
    Json requests = Json::array();
    for (const auto& c : cases) {
        requests.push_back(
            Json{{"op", "backoff"},
                 {"min", c.min},
                 {"max", c.max},
                 {"jitter", c.jitter},
                 {"count", c.count},
                 {"randoms", std::vector<double>(randoms.begin(), randoms.begin() + c.count)}});
    }
    const Json answers = test::run_oracle(requests);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& c = cases[i];
        INFO("case " << i);
        Backoff b({.min_ms = c.min, .max_ms = c.max, .jitter = c.jitter, .factor = 2});
        std::size_t used = 0;
        const auto rand = from(randoms, used);
        std::vector<std::int64_t> ours;
        for (int k = 0; k < c.count; ++k)
            ours.push_back(b.duration(rand));
        CHECK(Json(ours) == answers[i]["delays"]);
        CHECK(c.count - static_cast<int>(used) == answers[i]["unused"].get<int>());
    }
}
