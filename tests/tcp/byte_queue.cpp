// ByteQueue (the send and receive buffers of tcp::Connection) against a std::deque model:
// appends of odd sizes, partial and full erases from the front, growth while bytes sit
// mid-buffer, compaction past its threshold, copies and moves.
#include "sim/proto/tcp/byte_queue.hpp"

#include <catch2/catch.hpp>

#include <deque>
#include <random>
#include <vector>

using wirelab::tcp::ByteQueue;

namespace {
bool same(const ByteQueue& q, const std::deque<std::uint8_t>& model) {
    if (q.size() != model.size() || q.empty() != model.empty()) return false;
    auto v = q.view();
    return v.size() == model.size() && std::equal(v.begin(), v.end(), model.begin());
}
} // namespace

TEST_CASE("ByteQueue: random appends and erases match a deque") {
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        std::mt19937_64 rng(seed);
        ByteQueue q;
        std::deque<std::uint8_t> model;
        std::uint8_t next = 0;
        for (int step = 0; step < 2000; ++step) {
            if (rng() % 3 != 0) {
                // Mostly small odd writes, sometimes one bigger than everything held so far.
                std::size_t n = rng() % 8 == 0 ? rng() % 9000 : rng() % 301;
                std::vector<std::uint8_t> chunk(n);
                for (auto& b : chunk)
                    b = next++;
                q.append(chunk);
                model.insert(model.end(), chunk.begin(), chunk.end());
            } else {
                std::size_t n = model.empty() ? 0 : rng() % (model.size() + 1);
                q.erase_front(n);
                model.erase(model.begin(), model.begin() + static_cast<std::ptrdiff_t>(n));
            }
            REQUIRE(same(q, model));
        }
    }
}

TEST_CASE("ByteQueue: the front moves past the compaction threshold, then more arrives") {
    ByteQueue q;
    std::vector<std::uint8_t> a(10000);
    for (std::size_t i = 0; i < a.size(); ++i)
        a[i] = static_cast<std::uint8_t>(i * 13);
    q.append(a);
    q.erase_front(4097); // past 4096 but under half: no compaction yet
    q.erase_front(1000); // now over half: the rest moves down
    REQUIRE(q.size() == 10000 - 5097);
    CHECK(std::equal(q.view().begin(), q.view().end(), a.begin() + 5097));
    q.append(a); // fits behind the moved bytes or grows: either way contiguous
    REQUIRE(q.size() == 2 * 10000 - 5097);
    CHECK(std::equal(q.view().begin(), q.view().begin() + (10000 - 5097), a.begin() + 5097));
    CHECK(std::equal(q.view().begin() + (10000 - 5097), q.view().end(), a.begin()));
    q.erase_front(q.size());
    CHECK(q.empty());
    CHECK(q.view().empty());
    q.append({}); // nothing to add
    CHECK(q.empty());
}

TEST_CASE("ByteQueue: copies are deep, moves leave the source empty") {
    ByteQueue q;
    const std::vector<std::uint8_t> bytes{1, 2, 3, 4, 5, 6, 7};
    q.append(bytes);
    q.erase_front(2);
    ByteQueue c = q;
    q.erase_front(1);
    q.append(bytes);
    REQUIRE(c.size() == 5);
    CHECK(std::equal(c.view().begin(), c.view().end(), bytes.begin() + 2));
    c = q;
    CHECK(c.size() == q.size());
    CHECK(std::equal(c.view().begin(), c.view().end(), q.view().begin()));
    ByteQueue m = std::move(c);
    CHECK(m.size() == q.size());
    CHECK(c.empty()); // NOLINT: checking the moved-from state on purpose
    c.append(bytes);  // and it is usable again
    CHECK(c.size() == bytes.size());
}
