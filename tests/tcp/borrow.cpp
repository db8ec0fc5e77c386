// poll_transmit's Segment borrows its payload from the send buffer instead of copying it:
// each segment of a burst must see its own bytes (odd lengths, unaligned offsets into the
// buffer), views must survive the following poll_transmit calls, and retransmissions after
// partial ACKs (the buffer's front consumed, then compacted) must still read the right bytes.
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <cstring>

using namespace wirelab::tcp;
using namespace wirelab::tcp::testing;

namespace {
// Bytes whose value depends on their position, so a payload read at the wrong offset shows.
Bytes pattern(std::size_t n, std::size_t from = 0) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i)
        b[i] = static_cast<std::uint8_t>((from + i) * 7 + (from + i) / 251);
    return b;
}

Bytes bytes(wirelab::wire::ByteView v) {
    return Bytes(v.begin(), v.end());
}
} // namespace

TEST_CASE("borrowed payload: a burst of segments, each view intact until the next input") {
    Connection c = established_client(1000, 5000);
    const Bytes data = pattern(3 * 1460 + 333); // odd tail
    REQUIRE(c.send(0, data) == data.size());
    // Keep every Segment (not a copy) until the burst is over: later polls must not disturb
    // earlier views.
    std::vector<Segment> burst;
    while (auto s = c.poll_transmit(0))
        burst.push_back(*s);
    REQUIRE(burst.size() == 4);
    std::size_t off = 0;
    for (const Segment& s : burst) {
        CHECK(s.repr.seq == 1001 + off);
        CHECK(bytes(s.payload) == Bytes(data.begin() + off, data.begin() + off + s.payload.size()));
        off += s.payload.size();
    }
    CHECK(off == data.size());
    CHECK(burst.back().payload.size() == 333);
    CHECK(burst.back().repr.has(TcpRepr::PSH));
    CHECK_FALSE(burst.front().repr.has(TcpRepr::PSH));
    CHECK(c.stats().bytes_sent == data.size());
}

TEST_CASE("borrowed payload: odd writes and partial ACKs leave unaligned offsets") {
    Connection c = established_client(1000, 5000);
    Bytes all;
    std::uint32_t acked = 1001;
    for (std::size_t k = 0; k < 40; ++k) {
        const std::size_t len = 1 + (k * 37) % 301; // 1..301 bytes, never aligned
        Bytes chunk = pattern(len, all.size());
        REQUIRE(c.send(0, chunk) == len);
        std::uint32_t first_seq = 1001 + static_cast<std::uint32_t>(all.size());
        all.insert(all.end(), chunk.begin(), chunk.end());
        Sent s = only(c, 0);
        CHECK(s.repr.seq == first_seq);
        CHECK(s.payload == chunk);
        // ACK all but an odd number of the sent bytes, so the unacked front sits mid-buffer.
        std::uint32_t end = 1001 + static_cast<std::uint32_t>(all.size());
        std::uint32_t ack = end - static_cast<std::uint32_t>(k % 3);
        if (ack > acked) {
            c.handle_segment(0, seg(TcpRepr::ACK, 5001, ack), {}, server_ep);
            acked = ack;
        }
        CHECK(c.bytes_queued() == end - acked);
    }
}

TEST_CASE("borrowed payload: a retransmission after the buffer front was consumed") {
    Connection c = established_client(1000, 5000);
    // 6000 bytes: the first ACK consumes 4383 of them (past ByteQueue's compaction
    // threshold), so the resend reads from a buffer that has moved its bytes down.
    const Bytes data = pattern(6000);
    REQUIRE(c.send(0, data) == data.size());
    auto first = drain(c, 0);
    REQUIRE(first.size() == 5);
    c.handle_segment(10 * ms, seg(TcpRepr::ACK, 5001, 1001 + 4383), {}, server_ep);
    drain(c, 10 * ms);
    REQUIRE(c.bytes_queued() == 6000 - 4383);
    // Let the retransmission timer fire: the head segment goes again, from byte 4383.
    auto t = c.poll_timeout();
    REQUIRE(t);
    c.handle_timeout(*t);
    Sent again = only(c, *t);
    CHECK(again.repr.seq == 1001 + 4383);
    CHECK(again.payload.size() == std::min<std::size_t>(6000 - 4383, 1460));
    CHECK(again.payload == Bytes(data.begin() + 4383, data.begin() + 4383 + again.payload.size()));
    // More data appended after the move: the following segment continues seamlessly.
    const Bytes more = pattern(777, 6000);
    REQUIRE(c.send(*t, more) == more.size());
    c.handle_segment(*t + 10 * ms, seg(TcpRepr::ACK, 5001, 1001 + 6000), {}, server_ep);
    Sent next = only(c, *t + 10 * ms);
    CHECK(next.repr.seq == 1001 + 6000);
    CHECK(next.payload == more);
}

TEST_CASE("borrowed payload: a FIN alone carries an empty view, data+FIN the tail") {
    Connection c = established_client(1000, 5000);
    REQUIRE(c.send(0, bytes_of("x")) == 1);
    c.close(0);
    Sent s = only(c, 0);
    CHECK(s.payload == bytes_of("x"));
    CHECK(s.repr.has(TcpRepr::FIN));
    c.handle_segment(10 * ms, seg(TcpRepr::ACK, 5001, 1002), {}, server_ep); // data, not FIN
    CHECK(drain(c, 10 * ms).empty());
    auto t = c.poll_timeout();
    REQUIRE(t);
    c.handle_timeout(*t);
    Sent fin = only(c, *t);
    CHECK(fin.repr.has(TcpRepr::FIN));
    CHECK(fin.repr.seq == 1002);
    CHECK(fin.payload.empty());
}

TEST_CASE("recv_view: every readable byte, without a copy, and the window opens as with recv") {
    Config cfg = quick_config();
    cfg.recv_buffer = 4000;
    Connection c = established_client(1000, 5000, cfg);
    const Bytes first = pattern(2000), second = pattern(2000, 2000);
    c.handle_segment(0, seg(TcpRepr::ACK, 5001, 1001), first, server_ep);
    c.handle_segment(0, seg(TcpRepr::ACK, 7001, 1001), second, server_ep);
    CHECK(drain(c, 0).back().repr.window == 0);
    // Nothing readable: an empty view, and no window update.
    Connection idle = established_client(1000, 5000, cfg);
    CHECK(idle.recv_view().empty());
    CHECK(drain(idle, 0).empty());

    wirelab::wire::ByteView v = c.recv_view();
    const Bytes all = pattern(4000); // first, then second
    CHECK(bytes(v) == all);
    CHECK(c.bytes_readable() == 0);
    CHECK(c.rcv_wnd() == 4000);
    // The window had closed: the update goes out at once, as after recv().
    Sent update = only(c, 0);
    CHECK(update.repr.window == 4000);
    // The view survives what is not an arriving segment: polls, a send, its transmission.
    REQUIRE(c.send(0, pattern(10)) == 10);
    drain(c, 0);
    CHECK(bytes(v) == all);
    CHECK(c.recv_view().empty()); // read once only

    // More data after the view was taken: read again, in order, the same way.
    const Bytes third = pattern(300, 4000);
    c.handle_segment(0, seg(TcpRepr::ACK, 9001, 1011), third, server_ep);
    CHECK(bytes(c.recv_view()) == third);
    CHECK(c.stats().bytes_received == 4300);
}

TEST_CASE("recv_view: a partial recv() first, then the rest as a view") {
    Connection c = established_client(1000, 5000);
    const Bytes data = pattern(1000);
    c.handle_segment(0, seg(TcpRepr::ACK, 5001, 1001), data, server_ep);
    drain(c, 0);
    std::uint8_t head[100];
    REQUIRE(c.recv(head) == 100);
    CHECK(Bytes(head, head + 100) == Bytes(data.begin(), data.begin() + 100));
    CHECK(bytes(c.recv_view()) == Bytes(data.begin() + 100, data.end()));
    CHECK(c.bytes_readable() == 0);
}
