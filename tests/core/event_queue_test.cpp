// EventQueue: (time, insertion) order, FIFO on ties, lazy cancel and its generation guard,
// compaction, checked against a std::multimap reference model over many random seeds.
#include "sim/core/event_queue.hpp"
#include "sim/core/random.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <utility>
#include <vector>

using namespace wirelab;

namespace {

// Pops every event with time <= limit, recording (time, label) as they run.
struct Recorder {
    explicit Recorder(EventQueue& queue) : q(queue) {}
    EventQueue& q;
    std::vector<std::pair<Time, int>> ran;
    Time now = 0;
    bool run_one(Time limit = INT64_MAX) {
        return q.run_next(limit, [this](Time t) { now = t; });
    }
    void push(Time t, int label) {
        q.push(t, [this, t, label] { ran.emplace_back(t, label); });
    }
};

} // namespace

TEST_CASE("EventQueue runs equal times first-in first-out") {
    EventQueue q;
    Recorder r{q};
    for (int i = 0; i < 5000; ++i)
        r.push(100, i);
    while (r.run_one()) {}
    REQUIRE(r.ran.size() == 5000);
    for (int i = 0; i < 5000; ++i)
        CHECK(r.ran[i].second == i);
}

TEST_CASE("EventQueue orders by time, then by insertion") {
    EventQueue q;
    Recorder r{q};
    r.push(30, 0);
    r.push(10, 1);
    r.push(20, 2);
    r.push(10, 3);
    r.push(30, 4);
    r.push(0, 5);
    r.push(-5, 6); // a bare queue accepts negative times; the order is still signed
    while (r.run_one()) {}
    const std::vector<std::pair<Time, int>> want{{-5, 6}, {0, 5},  {10, 1}, {10, 3},
                                                 {20, 2}, {30, 0}, {30, 4}};
    CHECK(r.ran == want);
}

TEST_CASE("EventQueue run_next respects its limit") {
    EventQueue q;
    Recorder r{q};
    r.push(10, 0);
    r.push(20, 1);
    CHECK(q.next_time() == 10);
    CHECK(r.run_one(9) == false);
    CHECK(r.run_one(10));
    CHECK(r.run_one(15) == false);
    CHECK(q.size() == 1);
    CHECK(r.run_one(20));
    CHECK(q.empty());
    CHECK(q.next_time() == std::nullopt);
}

TEST_CASE("EventQueue cancel before run removes the event, after run is refused") {
    EventQueue q;
    Recorder r{q};
    int fired = 0;
    TimerId a = q.push(5, [&] { ++fired; });
    TimerId b = q.push(6, [&] { ++fired; });
    CHECK(q.is_pending(a));
    CHECK(q.size() == 2);
    CHECK(q.cancel(a));
    CHECK_FALSE(q.is_pending(a));
    CHECK(q.size() == 1);
    CHECK_FALSE(q.cancel(a)); // twice
    CHECK(q.next_time() == 6);
    CHECK(r.run_one());
    CHECK(fired == 1);
    CHECK(r.now == 6);
    CHECK_FALSE(q.cancel(b)); // already ran
    CHECK_FALSE(q.cancel(TimerId{}));
    CHECK_FALSE(q.cancel(TimerId{12345, 0}));
}

TEST_CASE("EventQueue stale TimerId does not cancel the event that reused its slot") {
    EventQueue q;
    Recorder r{q};
    TimerId old = q.push(1, [] {});
    REQUIRE(q.cancel(old));
    REQUIRE_FALSE(r.run_one()); // the dead key is dropped and its slot freed
    int fired = 0;
    TimerId fresh = q.push(2, [&] { ++fired; });
    REQUIRE(fresh.slot == old.slot); // the slot really was reused...
    CHECK(fresh.generation != old.generation);
    CHECK_FALSE(q.cancel(old)); // ...yet the old handle cannot touch the new event
    CHECK(q.is_pending(fresh));
    CHECK(r.run_one());
    CHECK(fired == 1);

    TimerId ran = fresh;
    int fired2 = 0;
    TimerId next = q.push(3, [&] { ++fired2; });
    REQUIRE(next.slot == ran.slot);
    CHECK_FALSE(q.cancel(ran)); // a handle of an event that ran is stale too
    CHECK(r.run_one());
    CHECK(fired2 == 1);
}

TEST_CASE("EventQueue running event cannot cancel itself but may push and cancel others") {
    EventQueue q;
    Recorder r{q};
    TimerId self{};
    TimerId victim{};
    bool self_cancel = true;
    std::vector<int> order;
    self = q.push(10, [&] {
        self_cancel = q.cancel(self);
        CHECK(q.cancel(victim));
        q.push(10, [&] { order.push_back(2); }); // same time: after everything already queued
        q.push(11, [&] { order.push_back(3); });
        order.push_back(0);
    });
    q.push(10, [&] { order.push_back(1); });
    victim = q.push(10, [&] { order.push_back(99); });
    while (r.run_one()) {}
    CHECK_FALSE(self_cancel);
    CHECK(order == std::vector<int>{0, 1, 2, 3});
}

TEST_CASE("EventQueue frees the slot even if the callback throws") {
    EventQueue q;
    Recorder r{q};
    TimerId id = q.push(1, [] { throw 42; });
    CHECK_THROWS_AS(r.run_one(), int);
    CHECK(q.empty());
    TimerId again = q.push(2, [] {});
    CHECK(again.slot == id.slot);
    CHECK_FALSE(q.cancel(id));
    CHECK(q.cancel(again));
}

TEST_CASE("EventQueue compaction after mass cancel keeps the survivors in order") {
    EventQueue q;
    Recorder r{q};
    std::vector<TimerId> ids;
    for (int i = 0; i < 10000; ++i)
        ids.push_back(q.push(10000 - i, [&r, i] { r.ran.emplace_back(0, i); }));
    for (int i = 0; i < 10000; ++i)
        if (i % 10 != 3) REQUIRE(q.cancel(ids[i]));
    CHECK(q.size() == 1000);
    for (int i = 0; i < 10000; ++i)
        CHECK(q.is_pending(ids[i]) == (i % 10 == 3));
    std::vector<Time> times;
    while (q.run_next(INT64_MAX, [&](Time t) { times.push_back(t); })) {}
    REQUIRE(times.size() == 1000);
    for (std::size_t i = 1; i < times.size(); ++i)
        CHECK(times[i - 1] < times[i]);
}

TEST_CASE("EventQueue clear drops everything and stales the handles") {
    EventQueue q;
    int fired = 0;
    TimerId a = q.push(1, [&] { ++fired; });
    TimerId b = q.push(2, [&] { ++fired; });
    q.cancel(b);
    q.clear();
    CHECK(q.empty());
    CHECK_FALSE(q.cancel(a));
    CHECK_FALSE(q.run_next(INT64_MAX, [](Time) {}));
    q.push(3, [&] { ++fired; });
    CHECK(q.run_next(INT64_MAX, [](Time) {}));
    CHECK(fired == 1);
}

TEST_CASE("EventQueue matches a multimap model under random push, cancel and pop") {
    // The default generation epoch, and tiny ones: a slot then renews (sweeps its dead
    // entries, moves its latest cancelled generation up) every few events it runs or loses.
    const std::uint32_t epoch = GENERATE(1u << 30, 2u, 8u);
    const auto seed = GENERATE(range<std::uint64_t>(1, 41));
    CAPTURE(epoch, seed);
    Random rng{seed};
    EventQueue q{epoch};
    // Model: (time, seq) -> label; seq is the insertion order, so the map order is the
    // order the queue must run events in.
    std::map<std::pair<Time, std::uint64_t>, int> model;
    std::vector<std::pair<TimerId, std::pair<Time, std::uint64_t>>> handles;
    std::vector<int> ran;
    std::uint64_t seq = 0;
    Time now = 0;
    // Few distinct times so ties are frequent; the time span sometimes jumps far.
    const std::uint64_t spans[] = {4, 1000, 300'000, 1ull << 42};
    const std::uint64_t span = spans[rng.below(4)];
    for (int op = 0; op < 4000; ++op) {
        const double u = rng.uniform01();
        if (u < 0.5) {
            const Time t = now + static_cast<Time>(rng.below(span));
            const int label = op;
            TimerId id = q.push(t, [&ran, label] { ran.push_back(label); });
            model.emplace(std::pair{t, seq}, label);
            handles.emplace_back(id, std::pair{t, seq});
            ++seq;
        } else if (u < 0.75 && !handles.empty()) {
            auto& [id, key] = handles[rng.below(handles.size())];
            const bool in_model = model.erase(key) == 1;
            CHECK(q.cancel(id) == in_model);
        } else {
            const bool any = !model.empty();
            const std::size_t before = ran.size();
            CHECK(q.run_next(INT64_MAX, [&](Time t) { now = t; }) == any);
            if (any) {
                REQUIRE(ran.size() == before + 1);
                CHECK(ran.back() == model.begin()->second);
                CHECK(now == model.begin()->first.first);
                model.erase(model.begin());
            }
        }
        REQUIRE(q.size() == model.size());
    }
    while (!model.empty()) {
        REQUIRE(q.run_next(INT64_MAX, [&](Time t) { now = t; }));
        CHECK(ran.back() == model.begin()->second);
        model.erase(model.begin());
    }
    CHECK(q.empty());
}

TEST_CASE("EventQueue a cancelled far-future event stays dead while its slot is reused") {
    const std::uint32_t epoch = GENERATE(2u, 4u, 1u << 30);
    CAPTURE(epoch);
    EventQueue q{epoch};
    Recorder r{q};
    // A retransmission timer armed far ahead and cancelled: its entry waits in a high bucket
    // while the slot it used runs thousands of near events (each push reuses the slot).
    const TimerId far = q.push(1'000'000'000, [&r] { r.ran.emplace_back(-1, -1); });
    REQUIRE(q.cancel(far));
    for (int k = 0; k < 5000; ++k) {
        r.push(k, k);
        REQUIRE(r.run_one());
    }
    r.push(2'000'000'000, 7); // a live event beyond the dead one
    while (r.run_one()) {}
    REQUIRE(r.ran.size() == 5001);
    CHECK(r.ran.back() == std::pair<Time, int>{2'000'000'000, 7});
    CHECK_FALSE(q.cancel(far));
    CHECK(q.empty());
}

TEST_CASE("EventQueue refuses a generation epoch that is not a power of two in [2, 2^30]") {
    CHECK_THROWS_AS(EventQueue{0}, std::invalid_argument);
    CHECK_THROWS_AS(EventQueue{1}, std::invalid_argument);
    CHECK_THROWS_AS(EventQueue{12}, std::invalid_argument);
    CHECK_THROWS_AS(EventQueue{1u << 31}, std::invalid_argument);
    CHECK_NOTHROW(EventQueue{2});
}

TEST_CASE("EventQueue refuses a push before the last event run, and an empty callback") {
    EventQueue q;
    q.push(1'000, [] {});
    REQUIRE(q.run_next(INT64_MAX, [](Time) {}));
    CHECK_THROWS_AS(q.push(999, [] {}), std::invalid_argument);
    CHECK_THROWS_AS(q.push(1'000, Callback{}), std::invalid_argument);
    CHECK_NOTHROW(q.push(1'000, [] {}));
    CHECK(q.size() == 1);
}

TEST_CASE("EventQueue next_time and a refused run_next do not raise the push floor") {
    EventQueue q;
    std::vector<int> order;
    q.push(10, [&] { order.push_back(10); });
    q.push(1'000'000, [&] { order.push_back(1'000'000); });
    REQUIRE(q.run_next(INT64_MAX, [](Time) {}));
    CHECK(q.next_time() == 1'000'000);
    CHECK_FALSE(q.run_next(999'999, [](Time) {}));
    // Still allowed: anything at or after the last event run (10), before the peeked one.
    q.push(11, [&] { order.push_back(11); });
    q.push(500'000, [&] { order.push_back(500'000); });
    while (q.run_next(INT64_MAX, [](Time) {})) {}
    CHECK(order == std::vector<int>{10, 11, 500'000, 1'000'000});
}

TEST_CASE("EventQueue keeps FIFO ties across digit boundaries and large jumps") {
    // Times chosen around multiples of 256 and 65536, where the radix buckets change,
    // each scheduled three times, in an interleaved order.
    const std::vector<Time> times{
        255, 256, 257, 65'535, 65'536, 65'537, 1LL << 40, (1LL << 40) + 255, (1LL << 40) + 256,
        0,   1};
    EventQueue q;
    std::vector<std::pair<Time, int>> ran;
    int label = 0;
    for (int round = 0; round < 3; ++round)
        for (Time t : times) {
            const int l = label++;
            q.push(t, [&ran, t, l] { ran.emplace_back(t, l); });
        }
    while (q.run_next(INT64_MAX, [](Time) {})) {}
    REQUIRE(ran.size() == times.size() * 3);
    for (std::size_t i = 1; i < ran.size(); ++i) {
        INFO(i);
        CHECK((ran[i - 1].first < ran[i].first ||
               (ran[i - 1].first == ran[i].first && ran[i - 1].second < ran[i].second)));
    }
}

TEST_CASE("EventQueue push whose callable throws while being stored leaves the queue intact") {
    struct Throws {
        Throws() = default;
        Throws(const Throws&) { throw std::runtime_error("copy"); }
        void operator()() const {}
    };
    EventQueue q;
    const Throws t;
    CHECK_THROWS_AS(q.push(5, t), std::runtime_error);
    CHECK(q.empty());
    int fired = 0;
    TimerId id = q.push(6, [&] { ++fired; });
    CHECK(q.is_pending(id));
    CHECK(q.run_next(INT64_MAX, [](Time) {}));
    CHECK(fired == 1);
}

namespace {
// An event that logs its warm() calls as (label, level) and its run as (label, -1), and
// says a deeper level has more to load below last_level.
struct Warmed {
    std::vector<std::pair<int, int>>* log;
    int label;
    unsigned last_level = EventQueue::warm_depth;
    void operator()() { log->emplace_back(label, -1); }
    bool warm(unsigned level) const {
        log->emplace_back(label, static_cast<int>(level));
        return level + 1 < last_level;
    }
};
} // namespace

TEST_CASE("run_next warms each of the next events one level further per event run") {
    constexpr int depth = static_cast<int>(EventQueue::warm_depth);
    EventQueue q;
    std::vector<std::pair<int, int>> log;
    const int count = depth + 4;
    for (int i = 0; i < count; ++i)
        q.push(Time{10} + i, Warmed{&log, i});
    REQUIRE(q.run_next(INT64_MAX, [](Time) {}));
    // Event 0 ran after events 1 ... depth were warmed at level 0, in run order.
    std::vector<std::pair<int, int>> expected;
    for (int n = 1; n <= depth; ++n)
        expected.emplace_back(n, 0);
    expected.emplace_back(0, -1);
    CHECK(log == expected);

    // The window moves by one: those still ahead go one level deeper, the new one starts at 0.
    log.clear();
    REQUIRE(q.run_next(INT64_MAX, [](Time) {}));
    REQUIRE(log.size() == static_cast<std::size_t>(depth) + 1);
    CHECK(log.front() == std::pair<int, int>{2, 1});
    CHECK(log[static_cast<std::size_t>(depth) - 1] == std::pair<int, int>{depth + 1, 0});
    CHECK(log.back() == std::pair<int, int>{1, -1});

    // An event that waited its whole way through the window got every level, in order.
    log.clear();
    while (q.run_next(INT64_MAX, [](Time) {})) {}
    std::vector<int> levels;
    for (const auto& [label, level] : log)
        if (label == depth + 2 && level >= 0) levels.push_back(level);
    std::vector<int> all(static_cast<std::size_t>(depth));
    for (int l = 0; l < depth; ++l)
        all[static_cast<std::size_t>(l)] = l;
    CHECK(levels == all);
}

TEST_CASE("an event scheduled close ahead is warmed from level 0") {
    EventQueue q;
    std::vector<std::pair<int, int>> log;
    for (int i = 0; i < 4; ++i)
        q.push(Time{100} + i, Warmed{&log, i});
    REQUIRE(q.run_next(INT64_MAX, [](Time) {}));
    REQUIRE(q.run_next(INT64_MAX, [](Time) {})); // events 2 and 3 have had levels 0 and 1
    q.push(102, Warmed{&log, 9});                // due with event 2, ahead of event 3
    log.clear();
    REQUIRE(q.run_next(INT64_MAX, [](Time) {}));
    const std::vector<std::pair<int, int>> expected{{9, 0}, {3, 2}, {2, -1}};
    CHECK(log == expected);
}

TEST_CASE("run_next warms in run order across equal times and skips cancelled events") {
    EventQueue q;
    std::vector<std::pair<int, int>> log;
    q.push(5, Warmed{&log, 0});
    q.push(5, Warmed{&log, 1}); // equal times: FIFO, bucket 0
    const TimerId gone = q.push(6, Warmed{&log, 2});
    q.push(7, Warmed{&log, 3});
    q.push(Time{1} << 40, Warmed{&log, 4}); // far ahead: not looked at
    REQUIRE(q.cancel(gone));
    REQUIRE(q.run_next(INT64_MAX, [](Time) {}));
    const std::vector<std::pair<int, int>> expected{{1, 0}, {3, 0}, {0, -1}};
    CHECK(log == expected);
    // Warming changes nothing: the rest run in order, the cancelled one never.
    log.clear();
    while (q.run_next(INT64_MAX, [](Time) {})) {}
    std::vector<int> ran;
    for (const auto& [label, level] : log)
        if (level == -1) ran.push_back(label);
    CHECK(ran == std::vector<int>{1, 3, 4});
}

TEST_CASE("an event whose warm has nothing deeper to load is not warmed again") {
    EventQueue q;
    std::vector<std::pair<int, int>> log;
    q.push(1, Warmed{&log, 0});
    q.push(Time{10}, Warmed{&log, 1, 2}); // levels 0 and 1, then nothing
    for (int i = 0; i < 6; ++i)
        q.push(Time{2} + i, Warmed{&log, 2 + i, 1});
    while (q.run_next(INT64_MAX, [](Time) {})) {}
    std::vector<int> levels_of_1;
    for (const auto& [label, level] : log)
        if (label == 1 && level >= 0) levels_of_1.push_back(level);
    CHECK(levels_of_1 == std::vector<int>{0, 1});
    for (const auto& [label, level] : log)
        if (label >= 2) CHECK(level <= 0); // level 0 said: nothing deeper
}
