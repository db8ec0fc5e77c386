// Data transfer in ESTABLISHED: in-order delivery, out-of-order reassembly, duplicates,
// flow control against the peer's window, zero-window probing, window updates, and
// sequence numbers wrapping around 2^32.
#include "harness.hpp"

#include "sim/proto/tcp/reassembly.hpp"

#include <catch2/catch.hpp>

using namespace wirelab::tcp;
using namespace wirelab::tcp::testing;

namespace {
Connection established() {
    return established_client(1000, 5000);
}
} // namespace

TEST_CASE("established: in-order data is readable and ACKed") {
    Connection c = established();
    c.handle_segment(0, seg(TcpRepr::ACK | TcpRepr::PSH, 5001, 1001), bytes_of("hello"), server_ep);
    auto ev = c.take_events();
    REQUIRE(has_event(ev, EventKind::data_readable));
    CHECK(c.bytes_readable() == 5);
    Sent ack = only(c, 0);
    CHECK(ack.repr.ack == 5006);
    CHECK(ack.repr.window == 65535 - 5); // unread bytes use the window
    CHECK(c.recv_all() == bytes_of("hello"));
}

TEST_CASE("established: out-of-order segment buffered and ACKed") {
    Connection c = established();
    c.handle_segment(0, seg(TcpRepr::ACK, 5006, 1001), bytes_of("world"), server_ep);
    CHECK(c.bytes_readable() == 0);
    CHECK(c.stats().out_of_order == 1);
    CHECK(only(c, 0).repr.ack == 5001); // immediate duplicate ACK names the hole
    c.handle_segment(0, seg(TcpRepr::ACK, 5001, 1001), bytes_of("hello"), server_ep);
    CHECK(c.recv_all() == bytes_of("helloworld"));
    CHECK(only(c, 0).repr.ack == 5011);
}

TEST_CASE("established: overlapping and duplicate segments are trimmed, delivered once") {
    Connection c = established();
    c.handle_segment(0, seg(TcpRepr::ACK, 5001, 1001), bytes_of("abcd"), server_ep);
    c.handle_segment(0, seg(TcpRepr::ACK, 5001, 1001), bytes_of("abcd"), server_ep); // duplicate
    c.handle_segment(0, seg(TcpRepr::ACK, 5003, 1001), bytes_of("cdef"), server_ep); // overlap
    CHECK(c.recv_all() == bytes_of("abcdef"));
    CHECK(c.stats().duplicates == 1);
    CHECK(drain(c, 0).back().repr.ack == 5007);
}

TEST_CASE("established: data beyond the receive window is cut at the window edge") {
    Config cfg = quick_config();
    cfg.recv_buffer = 8;
    Connection c = established_client(1000, 5000, cfg);
    c.handle_segment(0, seg(TcpRepr::ACK, 5001, 1001), bytes_of("0123456789"), server_ep);
    CHECK(c.recv_all() == bytes_of("01234567"));
}

TEST_CASE("established: the sender respects the peer's advertised window") {
    Connection c = established_client(1000, 5000, quick_config(), 3000);
    wirelab::wire::Bytes data(10000, 'x');
    CHECK(c.send(0, data) == 10000);
    auto segs = drain(c, 0);
    std::size_t sent = 0;
    for (auto& s : segs)
        sent += s.payload.size();
    // Two full segments; the 80 bytes left of the window wait (sender SWS avoidance).
    CHECK(sent == 2920);
    CHECK(segs.front().payload.size() == 1460);
    // The peer ACKs 1460 and opens to 3000 again: 1460 more may go.
    c.handle_segment(10 * ms, seg(TcpRepr::ACK, 5001, 1001 + 1460, 3000), {}, server_ep);
    sent = 0;
    for (auto& s : drain(c, 10 * ms))
        sent += s.payload.size();
    CHECK(sent == 1460);
}

TEST_CASE("zero window: persist timer probes, window update resumes the transfer") {
    Connection c = established_client(1000, 5000, quick_config(), 0);
    c.send(0, bytes_of("queued"));
    CHECK(drain(c, 0).empty()); // nothing may go into a zero window
    REQUIRE(c.poll_timeout() == 1 * seconds);
    c.handle_timeout(1 * seconds);
    CHECK(has_event(c.take_events(), EventKind::zero_window_probe));
    Sent probe = only(c, 1 * seconds);
    CHECK(probe.payload == bytes_of("q"));
    CHECK(probe.repr.seq == 1001);
    // Still zero: the peer drops the byte and ACKs 1001; the probe byte is now in flight and
    // the retransmission timer resends it, backing off.
    c.handle_segment(1 * seconds + 10 * ms, seg(TcpRepr::ACK, 5001, 1001, 0), {}, server_ep);
    REQUIRE(c.poll_timeout());
    std::int64_t next = *c.poll_timeout();
    CHECK(next == 2 * seconds);
    c.handle_timeout(next);
    CHECK(c.poll_timeout() == 4 * seconds);
    next = 4 * seconds;
    c.handle_timeout(next);
    CHECK(only(c, next).payload == bytes_of("q"));
    // The window opens: everything goes, starting from the unaccepted probe byte.
    c.handle_segment(next + 10 * ms, seg(TcpRepr::ACK, 5001, 1001, 1000), {}, server_ep);
    Sent rest = only(c, next + 10 * ms);
    CHECK(rest.repr.seq == 1001);
    CHECK(rest.payload == bytes_of("queued"));
}

TEST_CASE("zero window: probing never gives up while the peer keeps answering") {
    Config cfg = quick_config();
    cfg.max_retransmissions = 3;
    Connection c = established_client(1000, 5000, cfg, 0);
    c.send(0, bytes_of("x"));
    drain(c, 0);
    for (int i = 0; i < 10; ++i) {
        REQUIRE(c.poll_timeout());
        std::int64_t t = *c.poll_timeout();
        c.handle_timeout(t);
        drain(c, t);
        c.handle_segment(t + ms, seg(TcpRepr::ACK, 5001, 1001, 0), {}, server_ep);
    }
    CHECK(c.state() == State::established);
}

TEST_CASE("receiver: a full buffer advertises zero, reading sends a window update") {
    Config cfg = quick_config();
    cfg.recv_buffer = 4000;
    Connection c = established_client(1000, 5000, cfg);
    wirelab::wire::Bytes chunk(2000, 'a');
    c.handle_segment(0, seg(TcpRepr::ACK, 5001, 1001), chunk, server_ep);
    c.handle_segment(0, seg(TcpRepr::ACK, 7001, 1001), chunk, server_ep);
    CHECK(drain(c, 0).back().repr.window == 0);
    std::uint8_t small[100];
    c.recv(small); // 100 bytes: less than min(buffer/2, MSS) — but the window was closed
    Sent update = only(c, 0);
    CHECK(update.repr.window == 100);
    c.recv(small);
    CHECK(drain(c, 0).empty()); // +100 is not worth a segment (receiver SWS avoidance)
    wirelab::wire::Bytes rest(1500);
    c.recv(rest);
    CHECK(only(c, 0).repr.window == 1700);
}

TEST_CASE("seq wraparound: ISNs near 2^32 on both sides, data crosses the wrap") {
    const std::uint32_t isn_a = 0xffffff00u, isn_b = 0xfffffff0u;
    Connection a(quick_config(), client_ep, server_ep, isn_a);
    Connection b(quick_config(), server_ep, Endpoint{}, isn_b);
    b.open_passive();
    a.open_active(0);
    Wire wire(a, b, {}, 9);
    REQUIRE(wire.run_until([&] { return a.state() == State::established; }));
    wirelab::wire::Bytes data(5000);
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<std::uint8_t>(i * 7);
    a.send(wire.now(), data);
    b.send(wire.now(), data);
    wirelab::wire::Bytes got_a, got_b;
    REQUIRE(wire.run_until([&] {
        auto x = b.recv_all();
        got_b.insert(got_b.end(), x.begin(), x.end());
        auto y = a.recv_all();
        got_a.insert(got_a.end(), y.begin(), y.end());
        return got_a.size() == data.size() && got_b.size() == data.size();
    }));
    CHECK(got_a == data);
    CHECK(got_b == data);
    REQUIRE(wire.run_until([&] { return a.bytes_queued() == 0; }));
    CHECK(a.snd_una() == isn_a + 1 + 5000); // wrapped past zero
    CHECK(a.snd_una() < isn_a);
}

TEST_CASE("reassembly: overlapping inserts keep the first copy, advance returns the run") {
    Reassembly q;
    auto b = [](const char* s) { return bytes_of(s); };
    CHECK(q.insert(5, b("fgh")) == 3);
    CHECK(q.insert(3, b("XXfgXX")) == 3); // only 3,4 and 8 are new
    CHECK(q.buffered() == 6);
    CHECK(q.insert(20, b("z")) == 1);
    CHECK(q.advance(1).empty());        // hole at new offset 0 (old 1..2)
    CHECK(q.advance(2) == b("XXfghX")); // old offsets 3..8 are now contiguous from 0
    CHECK(q.buffered() == 1);
    CHECK(q.advance(11) == b("z"));
    CHECK(q.empty());
}

TEST_CASE("delayed ack: a lone segment is ACKed after the delay, a second one at once") {
    Config cfg = quick_config();
    cfg.delayed_ack = 200 * ms;
    Connection c = established_client(1000, 5000, cfg);
    c.handle_segment(0, seg(TcpRepr::ACK, 5001, 1001), bytes_of("one"), server_ep);
    CHECK(drain(c, 0).empty());
    CHECK(c.poll_timeout() == 200 * ms);
    c.handle_timeout(200 * ms);
    CHECK(only(c, 200 * ms).repr.ack == 5004);
    c.handle_segment(300 * ms, seg(TcpRepr::ACK, 5004, 1001), bytes_of("two"), server_ep);
    CHECK(drain(c, 300 * ms).empty());
    c.handle_segment(310 * ms, seg(TcpRepr::ACK, 5007, 1001), bytes_of("three"), server_ep);
    CHECK(only(c, 310 * ms).repr.ack == 5012); // every second segment: no waiting
    CHECK_FALSE(c.poll_timeout());
}

TEST_CASE("delayed ack: outgoing data carries the pending ACK") {
    Config cfg = quick_config();
    cfg.delayed_ack = 200 * ms;
    Connection c = established_client(1000, 5000, cfg);
    c.handle_segment(0, seg(TcpRepr::ACK, 5001, 1001), bytes_of("ping"), server_ep);
    c.send(10 * ms, bytes_of("pong"));
    Sent s = only(c, 10 * ms);
    CHECK(s.payload == bytes_of("pong"));
    CHECK(s.repr.ack == 5005);
    CHECK(c.poll_timeout() == 10 * ms + 1 * seconds); // only the retransmission timer is left
}

TEST_CASE("zero receive window: new data is dropped but its ACK field is processed") {
    Config cfg = quick_config();
    cfg.recv_buffer = 4;
    Connection c = established_client(1000, 5000, cfg);
    c.send(0, bytes_of("req"));
    drain(c, 0);
    c.handle_segment(0, seg(TcpRepr::ACK, 5001, 1001), bytes_of("full"), server_ep);
    drain(c, 0);
    REQUIRE(c.rcv_wnd() == 0);
    c.handle_segment(0, seg(TcpRepr::ACK, 5005, 1004), bytes_of("more"), server_ep);
    CHECK(c.snd_una() == 1004); // "req" acknowledged
    CHECK(c.bytes_readable() == 4);
    Sent ack = only(c, 0);
    CHECK(ack.repr.ack == 5005);
    CHECK(ack.repr.window == 0);
}
