// Reassembly makes its block map on the first out-of-order insert (most connections never
// need one); these pin what that must not change: a fresh or cleared queue is empty and
// advances to nothing, and a copy is deep. And the Connection's copies of its Config: the
// receive buffer is clamped to 65535 in both, the window follows the clamp.
#include "sim/proto/tcp/connection.hpp"
#include "sim/proto/tcp/reassembly.hpp"

#include <catch2/catch.hpp>

#include <string_view>

using namespace wirelab;
using namespace wirelab::tcp;

namespace {
wire::Bytes text(std::string_view s) {
    return wire::Bytes(s.begin(), s.end());
}
} // namespace

TEST_CASE("reassembly storage: fresh and cleared queues are empty, copies are deep") {
    Reassembly q;
    CHECK(q.empty());
    CHECK(q.buffered() == 0);
    CHECK(q.advance(5).empty());
    CHECK(q.empty());

    CHECK(q.insert(4, text("efg")) == 3);
    CHECK_FALSE(q.empty());
    Reassembly copy = q;
    CHECK(copy.buffered() == 3);
    CHECK(q.insert(1, text("bcd")) == 3);
    CHECK(q.buffered() == 6);
    CHECK(copy.buffered() == 3); // the copy kept its own blocks
    CHECK(copy.advance(4) == text("efg"));
    CHECK(copy.empty());
    CHECK(q.buffered() == 6);

    Reassembly assigned;
    assigned = q;
    q.clear();
    CHECK(q.empty());
    CHECK(q.advance(1).empty());
    CHECK(assigned.advance(1) == text("bcdefg"));

    Reassembly moved = std::move(assigned);
    CHECK(moved.empty());
    CHECK(moved.insert(2, text("x")) == 1);
    CHECK(moved.buffered() == 1);
}

TEST_CASE("connection: the receive buffer is clamped to 65535, in the window and the config") {
    Config cfg;
    cfg.recv_buffer = 1u << 20;
    Connection c(cfg, Endpoint{1, 1000}, Endpoint{2, 80}, 7);
    CHECK(c.config().recv_buffer == 65535);
    CHECK(c.rcv_wnd() == 65535);
    cfg.recv_buffer = 1000;
    Connection small(cfg, Endpoint{1, 1000}, Endpoint{2, 80}, 7);
    CHECK(small.config().recv_buffer == 1000);
    CHECK(small.rcv_wnd() == 1000);
    Connection copy = small;
    CHECK(copy.rcv_wnd() == 1000);
}
