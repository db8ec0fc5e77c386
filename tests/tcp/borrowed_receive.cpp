// handle_segment_borrowing: in-order text arriving at an empty receive buffer stays in the
// caller's bytes (recv_view() returns it in place); everything else behaves as
// handle_segment. The events a segment leaves are held in the connection (a lone one inline):
// events() / clear_events() and both take_events() forms must agree.
#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace wirelab::tcp;
using namespace wirelab::tcp::testing;

namespace {
Bytes bytes(wirelab::wire::ByteView v) {
    return Bytes(v.begin(), v.end());
}
} // namespace

TEST_CASE("borrowed receive: the view is the caller's bytes, the window counts them") {
    Connection c = established_client(1000, 5000);
    const std::uint32_t wnd = c.rcv_wnd();
    Bytes payload = bytes_of("hello, world");
    c.handle_segment_borrowing(0, seg(TcpRepr::ACK | TcpRepr::PSH, 5001, 1001), payload, server_ep);
    CHECK(c.bytes_readable() == payload.size());
    CHECK(c.rcv_wnd() == wnd - payload.size());
    CHECK(c.rcv_nxt() == 5001 + payload.size());
    REQUIRE(c.events().size() == 1);
    CHECK(c.events()[0].kind == EventKind::data_readable);
    CHECK(c.events()[0].length == payload.size());
    const wirelab::wire::ByteView v = c.recv_view();
    CHECK(v.data() == payload.data()); // not copied
    CHECK(v.size() == payload.size());
    CHECK(c.bytes_readable() == 0);
    CHECK(c.rcv_wnd() == wnd);
    c.keep_borrowed(); // nothing left: a no-op
    CHECK(c.bytes_readable() == 0);
    CHECK(only(c, 0).repr.ack == 5001 + payload.size());
}

TEST_CASE("borrowed receive: keep_borrowed copies what was not taken, in order") {
    Connection c = established_client(1000, 5000);
    Bytes first = bytes_of("abc");
    c.handle_segment_borrowing(0, seg(TcpRepr::ACK, 5001, 1001), first, server_ep);
    c.keep_borrowed();
    first.assign(first.size(), 'z'); // the caller's bytes go
    // Text at a non-empty buffer is appended, borrowing or not.
    Bytes second = bytes_of("def");
    c.handle_segment_borrowing(1 * ms, seg(TcpRepr::ACK, 5004, 1001), second, server_ep);
    c.keep_borrowed();
    second.assign(second.size(), 'z');
    CHECK(c.bytes_readable() == 6);
    CHECK(bytes(c.recv_view()) == bytes_of("abcdef"));
    // recv() after a borrow keeps it first, then reads.
    Bytes third = bytes_of("ghij");
    c.handle_segment_borrowing(2 * ms, seg(TcpRepr::ACK, 5007, 1001), third, server_ep);
    Bytes got(2);
    CHECK(c.recv(got) == 2);
    CHECK(got == bytes_of("gh"));
    third.assign(third.size(), 'z');
    CHECK(bytes(c.recv_view()) == bytes_of("ij"));
    CHECK(c.stats().bytes_received == 10);
}

TEST_CASE("borrowed receive: text off the predicted path is copied as before") {
    Connection c = established_client(1000, 5000);
    // Out of order: buffered in the reassembly queue, not borrowed.
    Bytes later = bytes_of("world");
    c.handle_segment_borrowing(0, seg(TcpRepr::ACK, 5006, 1001), later, server_ep);
    c.keep_borrowed();
    later.assign(later.size(), 'z');
    CHECK(c.bytes_readable() == 0);
    // Filling the hole takes the full path: copied, then the buffered run follows.
    Bytes hole = bytes_of("hello");
    c.handle_segment_borrowing(1 * ms, seg(TcpRepr::ACK, 5001, 1001), hole, server_ep);
    c.keep_borrowed();
    hole.assign(hole.size(), 'z');
    CHECK(bytes(c.recv_view()) == bytes_of("helloworld"));
    // Data with a FIN is not predicted either.
    Bytes tail = bytes_of("bye");
    c.handle_segment_borrowing(2 * ms, seg(TcpRepr::ACK | TcpRepr::FIN, 5011, 1001), tail,
                               server_ep);
    c.keep_borrowed();
    tail.assign(tail.size(), 'z');
    CHECK(bytes(c.recv_view()) == bytes_of("bye"));
    CHECK(c.state() == State::close_wait);
}

TEST_CASE("connection events: one inline, several in order, both take_events forms agree") {
    Connection c = established_client(1000, 5000);
    CHECK_FALSE(c.has_events());
    CHECK(c.events().empty());
    c.handle_segment(0, seg(TcpRepr::ACK, 5001, 1001), bytes_of("ab"), server_ep);
    REQUIRE(c.has_events());
    REQUIRE(c.events().size() == 1);
    CHECK(c.events()[0].kind == EventKind::data_readable);
    c.clear_events();
    CHECK_FALSE(c.has_events());
    // Text with a FIN: data_readable, peer_closed, then the state change, in that order.
    c.handle_segment(1 * ms, seg(TcpRepr::ACK | TcpRepr::FIN, 5003, 1001), bytes_of("cd"),
                     server_ep);
    REQUIRE(c.events().size() == 3);
    CHECK(c.events()[0].kind == EventKind::data_readable);
    CHECK(c.events()[0].length == 4);
    CHECK(c.events()[1].kind == EventKind::peer_closed);
    CHECK(c.events()[2].kind == EventKind::state_changed);
    CHECK(c.events()[2].to == State::close_wait);
    std::vector<Event> into{Event{}};
    c.take_events(into);
    REQUIRE(into.size() == 3);
    CHECK(into[1].kind == EventKind::peer_closed);
    CHECK_FALSE(c.has_events());
    CHECK(c.take_events().empty());
    // After several, a lone event is inline again.
    c.close(2 * ms);
    auto events = c.take_events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].to == State::last_ack);
}
