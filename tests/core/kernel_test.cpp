// Kernel: clock semantics, scheduling from inside events, run_until, event numbers,
// independence of two kernels, and determinism of a seeded run.
#include "sim/core/kernel.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

using namespace wirelab;

TEST_CASE("Kernel step advances the clock to each event's time") {
    Kernel k{1};
    std::vector<Time> seen;
    k.schedule_at(ms(5), [&] { seen.push_back(k.now()); });
    k.schedule_in(ms(2), [&] { seen.push_back(k.now()); });
    CHECK(k.pending() == 2);
    CHECK(k.next_time() == ms(2));
    CHECK(k.step());
    CHECK(k.now() == ms(2));
    CHECK(k.step());
    CHECK_FALSE(k.step());
    CHECK(seen == std::vector<Time>{ms(2), ms(5)});
    CHECK(k.executed() == 2);
    CHECK(k.pending() == 0);
}

TEST_CASE("Kernel equal times run in scheduling order, also when scheduled from events") {
    Kernel k{1};
    std::string log;
    k.schedule_at(10, [&] {
        log += 'a';
        k.schedule_in(0, [&] { log += 'd'; }); // same time, after b and c
        k.schedule_at(10, [&] { log += 'e'; });
    });
    k.schedule_at(10, [&] { log += 'b'; });
    k.schedule_at(10, [&] { log += 'c'; });
    k.run();
    CHECK(log == "abcde");
    CHECK(k.now() == 10);
}

TEST_CASE("Kernel schedule_in from a callback is relative to the event's time") {
    Kernel k{1};
    std::vector<Time> ticks;
    std::function<void()> tick = [&] {
        ticks.push_back(k.now());
        if (ticks.size() < 4) k.schedule_in(us(3), tick);
    };
    k.schedule_at(us(1), tick);
    k.run();
    CHECK(ticks == std::vector<Time>{us(1), us(4), us(7), us(10)});
}

TEST_CASE("Kernel refuses to schedule in the past") {
    Kernel k{1};
    k.schedule_at(100, [] {});
    k.run();
    CHECK_THROWS_AS(k.schedule_at(99, [] {}), std::invalid_argument);
    CHECK_THROWS_AS(k.schedule_in(-1, [] {}), std::invalid_argument);
    CHECK_NOTHROW(k.schedule_at(100, [] {}));
}

TEST_CASE("Kernel run_until runs events up to and including end, then sets the clock") {
    Kernel k{1};
    std::vector<Time> seen;
    for (Time t : {ms(1), ms(2), ms(3), ms(4)})
        k.schedule_at(t, [&] { seen.push_back(k.now()); });
    // An event before end that schedules another one still before end: both run.
    k.schedule_at(ms(2), [&] { k.schedule_at(ms(3), [&] { seen.push_back(-1); }); });
    k.run_until(ms(3));
    CHECK(seen == std::vector<Time>{ms(1), ms(2), ms(3), -1});
    CHECK(k.now() == ms(3));
    CHECK(k.pending() == 1);

    k.run_until(ms(3) + 500); // nothing due: only the clock moves
    CHECK(k.now() == ms(3) + 500);
    CHECK(seen.size() == 4);
    // Scheduling between the new clock and the next pending event is fine.
    k.schedule_at(ms(3) + 600, [&] { seen.push_back(-2); });
    k.run_until(ms(3) + 600);
    CHECK(seen.back() == -2);
    seen.pop_back();

    k.run_until(ms(1)); // the past: nothing happens, time does not go back
    CHECK(k.now() == ms(3) + 600);

    k.run_until(seconds(1));
    CHECK(seen.back() == ms(4));
    CHECK(k.now() == seconds(1));
    CHECK(k.pending() == 0);
}

TEST_CASE("Kernel cancel before and after the event runs") {
    Kernel k{1};
    int fired = 0;
    TimerId a = k.schedule_in(10, [&] { ++fired; });
    TimerId b = k.schedule_in(20, [&] { ++fired; });
    CHECK(k.is_pending(a));
    CHECK(k.cancel(a));
    CHECK_FALSE(k.is_pending(a));
    CHECK(k.pending() == 1);
    k.run();
    CHECK(fired == 1);
    CHECK(k.now() == 20); // the cancelled event did not move the clock
    CHECK_FALSE(k.cancel(b));
    CHECK(k.executed() == 1);
}

TEST_CASE("Kernel retransmission-timer pattern: re-arm cancels the previous timer") {
    Kernel k{1};
    TimerId rto{};
    int expirations = 0;
    auto arm = [&] {
        k.cancel(rto);
        rto = k.schedule_in(ms(200), [&] { ++expirations; });
    };
    for (int i = 0; i < 50; ++i)
        k.schedule_at(ms(10) * i, arm); // an ACK every 10 ms
    k.run();
    CHECK(expirations == 1);
    CHECK(k.now() == ms(490) + ms(200));
}

TEST_CASE("Kernel current_event numbers events in execution order, 0 outside") {
    Kernel k{1};
    std::vector<std::uint64_t> ids;
    CHECK(k.current_event() == 0);
    k.schedule_at(5, [&] {
        ids.push_back(k.current_event());
        k.schedule_in(1, [&] { ids.push_back(k.current_event()); });
    });
    k.schedule_at(2, [&] { ids.push_back(k.current_event()); });
    k.run();
    CHECK(ids == std::vector<std::uint64_t>{1, 2, 3});
    CHECK(k.current_event() == 0);
}

TEST_CASE("Kernel refuses re-entrant step from inside an event") {
    Kernel k{1};
    bool threw = false;
    k.schedule_in(1, [&] {
        try {
            k.step();
        } catch (const std::logic_error&) {
            threw = true;
        }
    });
    k.schedule_in(2, [] {});
    k.run();
    CHECK(threw);
    CHECK(k.executed() == 2);
}

TEST_CASE("Kernel exception from an event propagates and leaves the kernel usable") {
    Kernel k{1};
    k.schedule_in(1, [] { throw std::runtime_error("boom"); });
    int fired = 0;
    k.schedule_in(2, [&] { ++fired; });
    CHECK_THROWS_AS(k.run(), std::runtime_error);
    CHECK(k.current_event() == 0);
    k.run();
    CHECK(fired == 1);
}

namespace {
// A small randomized workload: events draw delays from the kernel's generator and log.
std::vector<std::pair<Time, std::uint64_t>> workload(Kernel& k, int events) {
    std::vector<std::pair<Time, std::uint64_t>> log;
    std::function<void()> ev = [&] {
        log.emplace_back(k.now(), k.random().next_u64());
        if (static_cast<int>(log.size()) + static_cast<int>(k.pending()) < events)
            k.schedule_in(static_cast<Time>(k.random().exponential(1000.0)), ev);
    };
    for (int i = 0; i < 8; ++i)
        k.schedule_in(static_cast<Time>(k.random().below(100)), ev);
    k.run();
    return log;
}
} // namespace

TEST_CASE("Kernel two kernels are independent and the same seed gives the same run") {
    Kernel a{77}, b{77}, c{78};
    REQUIRE(a.random().next_u64() == Random{77}.next_u64());
    // Interleave a and c: a run of one never disturbs the other.
    int a_fired = 0, c_fired = 0;
    a.schedule_at(10, [&] { ++a_fired; });
    c.schedule_at(5, [&] { ++c_fired; });
    CHECK(c.step());
    CHECK(a.now() == 0);
    CHECK(a.pending() == 1);
    CHECK(a.executed() == 0);
    a.run();
    CHECK(a_fired == 1);
    CHECK(c_fired == 1);
    CHECK(c.now() == 5);

    // Same seed, same run — even with another kernel running in between.
    Kernel d{77};
    const auto lb = workload(b, 500);
    const auto lc = workload(c, 500);
    const auto la = workload(d, 500);
    CHECK(la.size() == 500);
    CHECK(la == lb);
    CHECK(la != lc);
}
