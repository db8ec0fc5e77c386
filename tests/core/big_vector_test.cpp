// BigVector (sim/trace/big_vector.hpp), the Trace's storage: contents survive growth (which
// remaps rather than copies), a vector may append a slice of itself, copies are deep.
#include "sim/trace/big_vector.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <span>

using wirelab::trace::BigVector;

namespace {
struct Row {
    std::uint64_t a;
    std::uint32_t b;
};
} // namespace

TEST_CASE("BigVector keeps every element across many growths") {
    BigVector<Row> v;
    CHECK(v.empty());
    const std::size_t n = 3'000'000; // 48 MB: past the huge-page threshold, grown by remap
    for (std::size_t i = 0; i < n; ++i)
        v.push_back(Row{i * 3, static_cast<std::uint32_t>(i)});
    REQUIRE(v.size() == n);
    CHECK(v.capacity() >= n);
    CHECK(v.capacity() < n + n / 4); // grows by an eighth once large, not by doubling
    bool ok = true;
    for (std::size_t i = 0; i < n; ++i)
        ok = ok && v[i].a == i * 3 && v[i].b == static_cast<std::uint32_t>(i);
    CHECK(ok);
    std::span<const Row> s = v;
    CHECK(s.size() == n);
    CHECK(s.back().b == n - 1);
}

TEST_CASE("BigVector appends a slice of itself even when that growth moves it") {
    BigVector<std::uint8_t> v;
    for (int i = 0; i < 100; ++i)
        v.push_back(static_cast<std::uint8_t>(i));
    // Append the vector to itself until it has had to grow several times.
    while (v.size() < 1'000'000)
        v.append(v.data(), v.size());
    bool ok = true;
    for (std::size_t i = 0; i < v.size(); ++i)
        ok = ok && v[i] == static_cast<std::uint8_t>(i % 100);
    CHECK(ok);
}

TEST_CASE("BigVector copies are deep and moves leave the source empty") {
    BigVector<int> a;
    for (int i = 0; i < 10; ++i)
        a.push_back(i);
    BigVector<int> b = a;
    b[0] = 42;
    CHECK(a[0] == 0);
    CHECK(b.size() == 10);
    BigVector<int> c = std::move(a);
    CHECK(a.size() == 0); // NOLINT(bugprone-use-after-move): a moved-from vector is empty
    CHECK(c.size() == 10);
    CHECK(c[9] == 9);
    a = c;
    CHECK(a.size() == 10);
    a.clear();
    CHECK(a.empty());
    a.push_back(5);
    CHECK(a[0] == 5);
}

TEST_CASE("BigVector storage released is reused, pages and all, by the next of its size") {
    struct Wide { // an element size no other test uses, so no other kept mapping competes
        std::uint64_t word[7];
    };
    const Wide* first = nullptr;
    std::size_t grown = 0;
    {
        BigVector<Wide> v;
        for (std::uint64_t i = 0; i < 200'000; ++i) // 11 MB: several growths
            v.push_back(Wide{{i, 0, 0, 0, 0, 0, i}});
        first = v.data();
        grown = v.capacity();
    }
    BigVector<Wide> w;
    w.push_back(Wide{{7, 0, 0, 0, 0, 0, 7}});
    CHECK(w.data() == first);     // the same mapping, not a new one
    CHECK(w.capacity() == grown); // with all its capacity: no growth until it is full
    CHECK(w.size() == 1);
    CHECK(w[0].word[6] == 7);
    BigVector<Wide> x; // the kept one is in use: a new mapping, which starts small
    x.push_back(Wide{});
    CHECK(x.data() != first);
    CHECK(x.capacity() < grown);
}
