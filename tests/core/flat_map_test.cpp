// FlatMap (sim/core/flat_map.hpp): the same answers as std::unordered_map under random
// inserts, lookups and erasures, including keys that collide into long probe runs.
#include "sim/core/flat_map.hpp"
#include "sim/core/random.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <unordered_map>

using wirelab::FlatMap;

TEST_CASE("FlatMap finds what was inserted and nothing else") {
    FlatMap<std::uint32_t> m;
    CHECK(m.find(7) == nullptr);
    CHECK_FALSE(m.erase(7));
    m[7] = 70;
    m[0] = 1; // key 0 is an ordinary key
    REQUIRE(m.find(7) != nullptr);
    CHECK(*m.find(7) == 70);
    CHECK(*m.find(0) == 1);
    CHECK(m.find(8) == nullptr);
    CHECK(m.size() == 2);
    m[7] = 71; // assignment, not a second entry
    CHECK(m.size() == 2);
    CHECK(*m.find(7) == 71);
    CHECK(m.erase(7));
    CHECK(m.find(7) == nullptr);
    CHECK(m.size() == 1);
}

TEST_CASE("FlatMap agrees with unordered_map under random inserts and erasures") {
    // Few distinct keys spaced by a power of two: many share their home slot, so erasure's
    // backward shift is exercised across wrap-around runs.
    const std::uint64_t spacing =
        GENERATE(std::uint64_t{1}, std::uint64_t{1} << 32, std::uint64_t{0x10000});
    wirelab::Random rng{42};
    FlatMap<std::uint64_t> m;
    std::unordered_map<std::uint64_t, std::uint64_t> ref;
    for (int step = 0; step < 50'000; ++step) {
        const std::uint64_t key = rng.below(3000) * spacing;
        switch (rng.below(3)) {
        case 0:
            m[key] = static_cast<std::uint64_t>(step);
            ref[key] = static_cast<std::uint64_t>(step);
            break;
        case 1: REQUIRE(m.erase(key) == (ref.erase(key) == 1)); break;
        default: {
            const std::uint64_t* v = m.find(key);
            auto it = ref.find(key);
            REQUIRE((v != nullptr) == (it != ref.end()));
            if (v) REQUIRE(*v == it->second);
        }
        }
        REQUIRE(m.size() == ref.size());
    }
    for (const auto& [k, v] : ref) {
        REQUIRE(m.find(k) != nullptr);
        CHECK(*m.find(k) == v);
    }
}
