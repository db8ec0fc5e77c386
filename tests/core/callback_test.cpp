// Callback: inline storage for small captures, heap fallback for large ones, move-only
// ownership with exactly one destruction of the stored callable.
#include "sim/core/callback.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <memory>
#include <utility>
#include <vector>

using wirelab::Callback;

namespace {
struct Counted {
    int* alive;
    int* calls;
    explicit Counted(int* a, int* c) : alive(a), calls(c) { ++*alive; }
    Counted(const Counted& o) : alive(o.alive), calls(o.calls) { ++*alive; }
    Counted(Counted&& o) noexcept : alive(o.alive), calls(o.calls) { ++*alive; }
    ~Counted() { --*alive; }
    void operator()() { ++*calls; }
};
struct Big {
    std::array<char, 200> pad{};
    int* alive;
    int* calls;
    Big(int* a, int* c) : alive(a), calls(c) { ++*alive; }
    Big(const Big& o) : pad(o.pad), alive(o.alive), calls(o.calls) { ++*alive; }
    ~Big() { --*alive; }
    void operator()() { *calls += pad[0] + 1; }
};
} // namespace

TEST_CASE("Callback runs a small lambda and is empty after a move") {
    int x = 0;
    Callback a = [&x] { x += 1; };
    REQUIRE(a);
    a();
    Callback b = std::move(a);
    CHECK_FALSE(a); // NOLINT(bugprone-use-after-move): the moved-from state is specified
    b();
    CHECK(x == 2);
    Callback c;
    CHECK_FALSE(c);
    c = std::move(b);
    c();
    CHECK(x == 3);
}

TEST_CASE("Callback destroys inline and heap callables exactly once") {
    int alive = 0, calls = 0;
    {
        Callback small{Counted{&alive, &calls}};
        Callback big{Big{&alive, &calls}};
        CHECK(alive == 2);
        Callback small2 = std::move(small);
        Callback big2 = std::move(big);
        CHECK(alive == 2);
        small2();
        big2();
        CHECK(calls == 2);
        big2 = std::move(small2); // the Big is destroyed, the Counted moves over
        CHECK(alive == 1);
        big2();
        CHECK(calls == 3);
        big2.reset();
        CHECK(alive == 0);
    }
    CHECK(alive == 0);
}

TEST_CASE("Callback holds move-only captures") {
    auto p = std::make_unique<int>(41);
    int out = 0;
    Callback cb = [p = std::move(p), &out] { out = *p + 1; };
    Callback moved = std::move(cb);
    moved();
    CHECK(out == 42);
}

namespace {
struct Warmable {
    std::vector<unsigned>* levels;
    int* runs;
    void operator()() { ++*runs; }
    bool warm(unsigned level) const {
        levels->push_back(level);
        return true;
    }
};
struct BigWarmable { // too large for the inline storage: held on the heap
    std::vector<unsigned>* levels;
    char pad[64];
    void operator()() {}
    bool warm(unsigned level) const {
        levels->push_back(level);
        return true;
    }
};
} // namespace

TEST_CASE("Callback::warm reaches the callable's warm, inline or on the heap, and nothing else") {
    std::vector<unsigned> levels;
    int runs = 0;
    Callback inline_cb{Warmable{&levels, &runs}};
    inline_cb.warm(3);
    inline_cb.warm(0);
    CHECK(levels == std::vector<unsigned>{3, 0});
    CHECK(runs == 0); // warming never runs the event
    inline_cb();
    CHECK(runs == 1);

    Callback heap_cb{BigWarmable{&levels, {}}};
    heap_cb.warm(7);
    CHECK(levels == std::vector<unsigned>{3, 0, 7});
    Callback moved = std::move(heap_cb);
    moved.warm(1);
    CHECK(levels.back() == 1);

    Callback plain{[&runs] { ++runs; }};
    plain.warm(2); // a callable without warm(): nothing happens
    Callback empty;
    empty.warm(2);
    CHECK(levels.size() == 4);
    CHECK(runs == 1);
}
