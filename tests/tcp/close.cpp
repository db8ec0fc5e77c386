// Closing and resetting: ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK,
// TIME-WAIT, one test per (state, input); RST and SYN handling in synchronized states.
#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace wirelab::tcp;
using namespace wirelab::tcp::testing;

namespace {
// Client ISN 1000 (next seq 1001), server ISN 5000 (next seq 5001).
Connection established() {
    return established_client(1000, 5000);
}

Connection fin_wait_1() {
    Connection c = established();
    c.close(0);
    Sent fin = only(c, 0);
    REQUIRE(fin.repr.flags == (TcpRepr::FIN | TcpRepr::ACK));
    REQUIRE(fin.repr.seq == 1001);
    c.take_events();
    return c;
}

Connection fin_wait_2() {
    Connection c = fin_wait_1();
    c.handle_segment(0, seg(TcpRepr::ACK, 5001, 1002), {}, server_ep);
    REQUIRE(c.state() == State::fin_wait_2);
    c.take_events();
    return c;
}

Connection close_wait() {
    Connection c = established();
    c.handle_segment(0, seg(TcpRepr::FIN | TcpRepr::ACK, 5001, 1001), {}, server_ep);
    REQUIRE(c.state() == State::close_wait);
    drain(c, 0);
    c.take_events();
    return c;
}
} // namespace

TEST_CASE("established: close -> FIN-WAIT-1, the FIN follows queued data") {
    Connection c = established();
    c.send(0, bytes_of("bye"));
    c.close(0);
    CHECK(c.state() == State::fin_wait_1);
    Sent s = only(c, 0);
    CHECK(s.payload == bytes_of("bye")); // data and FIN in one segment
    CHECK(s.repr.flags == (TcpRepr::FIN | TcpRepr::PSH | TcpRepr::ACK));
    CHECK(s.repr.seq == 1001);
    CHECK(c.send(0, bytes_of("more")) == 0); // no writes after close
}

TEST_CASE("established: FIN -> CLOSE-WAIT, ACKed, peer_closed") {
    Connection c = established();
    c.handle_segment(0, seg(TcpRepr::FIN | TcpRepr::ACK, 5001, 1001), {}, server_ep);
    CHECK(c.state() == State::close_wait);
    Sent ack = only(c, 0);
    CHECK(ack.repr.flags == TcpRepr::ACK);
    CHECK(ack.repr.ack == 5002);
    CHECK(has_event(c.take_events(), EventKind::peer_closed));
}

TEST_CASE("established: out-of-order FIN waits for the data before it") {
    Connection c = established();
    c.handle_segment(0, seg(TcpRepr::FIN | TcpRepr::ACK, 5004, 1001), {}, server_ep);
    CHECK(c.state() == State::established);
    CHECK(only(c, 0).repr.ack == 5001); // duplicate ACK: the hole is at 5001
    c.handle_segment(0, seg(TcpRepr::ACK, 5001, 1001), bytes_of("abc"), server_ep);
    CHECK(c.state() == State::close_wait);
    CHECK(c.recv_all() == bytes_of("abc"));
    CHECK(drain(c, 0).back().repr.ack == 5005);
}

TEST_CASE("fin_wait_1: ACK of FIN -> FIN-WAIT-2") {
    Connection c = fin_wait_1();
    c.handle_segment(0, seg(TcpRepr::ACK, 5001, 1002), {}, server_ep);
    CHECK(c.state() == State::fin_wait_2);
    CHECK_FALSE(c.poll_timeout()); // nothing left to retransmit
}

TEST_CASE("fin_wait_1: FIN -> CLOSING (simultaneous close), then ACK -> TIME-WAIT") {
    Connection c = fin_wait_1();
    c.handle_segment(0, seg(TcpRepr::FIN | TcpRepr::ACK, 5001, 1001), {}, server_ep);
    CHECK(c.state() == State::closing);
    CHECK(only(c, 0).repr.ack == 5002);
    c.handle_segment(0, seg(TcpRepr::ACK, 5002, 1002), {}, server_ep);
    CHECK(c.state() == State::time_wait);
}

TEST_CASE("fin_wait_1: FIN that also ACKs our FIN -> TIME-WAIT") {
    Connection c = fin_wait_1();
    c.handle_segment(0, seg(TcpRepr::FIN | TcpRepr::ACK, 5001, 1002), {}, server_ep);
    CHECK(c.state() == State::time_wait);
    CHECK(only(c, 0).repr.ack == 5002);
}

TEST_CASE("fin_wait_1: data still arrives and is delivered") {
    Connection c = fin_wait_1();
    c.handle_segment(0, seg(TcpRepr::ACK | TcpRepr::PSH, 5001, 1002), bytes_of("late"), server_ep);
    CHECK(c.state() == State::fin_wait_2);
    CHECK(c.recv_all() == bytes_of("late"));
}

TEST_CASE("fin_wait_2: FIN -> TIME-WAIT") {
    Connection c = fin_wait_2();
    c.handle_segment(5 * ms, seg(TcpRepr::FIN | TcpRepr::ACK, 5001, 1002), {}, server_ep);
    CHECK(c.state() == State::time_wait);
    CHECK(only(c, 5 * ms).repr.ack == 5002);
    CHECK(c.poll_timeout() == 5 * ms + 2 * seconds);
}

TEST_CASE("time_wait: expires after the configured length") {
    Config cfg = quick_config();
    cfg.time_wait = 750 * ms;
    Connection c = established_client(1000, 5000, cfg);
    c.close(0);
    drain(c, 0);
    c.handle_segment(0, seg(TcpRepr::FIN | TcpRepr::ACK, 5001, 1002), {}, server_ep);
    drain(c, 0);
    REQUIRE(c.state() == State::time_wait);
    REQUIRE(c.poll_timeout() == 750 * ms);
    c.handle_timeout(749 * ms);
    CHECK(c.state() == State::time_wait);
    c.handle_timeout(750 * ms);
    CHECK(c.state() == State::closed);
    CHECK(has_event(c.take_events(), EventKind::closed));
    CHECK_FALSE(c.poll_timeout());
}

TEST_CASE("time_wait: a retransmitted FIN is ACKed again and restarts the timer") {
    Connection c = fin_wait_2();
    c.handle_segment(0, seg(TcpRepr::FIN | TcpRepr::ACK, 5001, 1002), {}, server_ep);
    drain(c, 0);
    c.handle_segment(1 * seconds, seg(TcpRepr::FIN | TcpRepr::ACK, 5001, 1002), {}, server_ep);
    CHECK(c.state() == State::time_wait);
    CHECK(only(c, 1 * seconds).repr.ack == 5002);
    CHECK(c.poll_timeout() == 3 * seconds);
}

TEST_CASE("close_wait: close -> LAST-ACK with a FIN") {
    Connection c = close_wait();
    c.close(0);
    CHECK(c.state() == State::last_ack);
    Sent fin = only(c, 0);
    CHECK(fin.repr.flags == (TcpRepr::FIN | TcpRepr::ACK));
    CHECK(fin.repr.ack == 5002);
}

TEST_CASE("close_wait: we can still send data") {
    Connection c = close_wait();
    CHECK(c.send(0, bytes_of("reply")) == 5);
    CHECK(only(c, 0).payload == bytes_of("reply"));
}

TEST_CASE("last_ack: ACK of FIN -> CLOSED") {
    Connection c = close_wait();
    c.close(0);
    drain(c, 0);
    c.handle_segment(0, seg(TcpRepr::ACK, 5002, 1002), {}, server_ep);
    CHECK(c.state() == State::closed);
    CHECK(has_event(c.take_events(), EventKind::closed));
}

TEST_CASE("last_ack: FIN retransmitted on timeout") {
    Connection c = close_wait();
    c.close(0);
    drain(c, 0);
    REQUIRE(c.poll_timeout() == 1 * seconds);
    c.handle_timeout(1 * seconds);
    Sent again = only(c, 1 * seconds);
    CHECK(again.repr.flags == (TcpRepr::FIN | TcpRepr::ACK));
    CHECK(again.repr.seq == 1001);
}

TEST_CASE("established: RST at RCV.NXT -> CLOSED, reset event") {
    Connection c = established();
    c.handle_segment(0, seg(TcpRepr::RST, 5001), {}, server_ep);
    CHECK(c.state() == State::closed);
    CHECK(has_event(c.take_events(), EventKind::reset));
}

TEST_CASE("established: RST inside the window but not at RCV.NXT -> challenge ACK") {
    Connection c = established();
    c.handle_segment(0, seg(TcpRepr::RST, 5100), {}, server_ep);
    CHECK(c.state() == State::established);
    CHECK(only(c, 0).repr.flags == TcpRepr::ACK);
}

TEST_CASE("established: RST outside the window ignored") {
    Connection c = established();
    c.handle_segment(0, seg(TcpRepr::RST, 5001 + 70000), {}, server_ep);
    c.handle_segment(0, seg(TcpRepr::RST, 4000), {}, server_ep);
    CHECK(c.state() == State::established);
    CHECK(drain(c, 0).empty());
}

TEST_CASE("established: SYN -> challenge ACK, state unchanged") {
    Connection c = established();
    c.handle_segment(0, seg(TcpRepr::SYN, 5001), {}, server_ep);
    CHECK(c.state() == State::established);
    CHECK(only(c, 0).repr.ack == 5001);
}

TEST_CASE("established: ACK of data never sent -> ACK, ignored") {
    Connection c = established();
    c.handle_segment(0, seg(TcpRepr::ACK, 5001, 9000), {}, server_ep);
    CHECK(c.snd_una() == 1001);
    CHECK(only(c, 0).repr.flags == TcpRepr::ACK);
}

TEST_CASE("established: abort sends RST and forgets everything") {
    Connection c = established();
    c.send(0, bytes_of("never"));
    c.abort(0);
    CHECK(c.state() == State::closed);
    Sent rst = only(c, 0);
    CHECK(rst.repr.flags == TcpRepr::RST);
    CHECK(rst.repr.seq == 1001);
    CHECK_FALSE(c.poll_timeout());
}

TEST_CASE("full close both ways through the wire: TIME-WAIT on the closer, CLOSED on both") {
    Connection client(quick_config(), client_ep, server_ep, 10);
    Connection server(quick_config(), server_ep, Endpoint{}, 20);
    server.open_passive();
    client.open_active(0);
    Wire wire(client, server, {}, 3);
    REQUIRE(wire.run_until([&] { return server.state() == State::established; }));
    client.close(wire.now());
    REQUIRE(wire.run_until([&] { return server.state() == State::close_wait; }));
    server.close(wire.now());
    REQUIRE(wire.run_until([&] { return server.state() == State::closed; }));
    CHECK(client.state() == State::time_wait);
    REQUIRE(wire.run_until([&] { return client.state() == State::closed; }));
    CHECK(wire.now() >= 2 * seconds);
}

TEST_CASE("simultaneous close through the wire: both FIN-WAIT-1 -> CLOSING -> TIME-WAIT") {
    Connection a(quick_config(), client_ep, server_ep, 10);
    Connection b(quick_config(), server_ep, Endpoint{}, 20);
    b.open_passive();
    a.open_active(0);
    Wire wire(a, b, {}, 4);
    REQUIRE(wire.run_until([&] { return b.state() == State::established; }));
    a.take_events();
    b.take_events();
    a.close(wire.now());
    b.close(wire.now());
    REQUIRE(wire.run_until(
        [&] { return a.state() == State::time_wait && b.state() == State::time_wait; }));
    for (auto* c : {&a, &b}) {
        std::vector<State> path;
        for (auto& e : c->take_events())
            if (e.kind == EventKind::state_changed) path.push_back(e.to);
        CHECK(path == std::vector<State>{State::fin_wait_1, State::closing, State::time_wait});
    }
    REQUIRE(
        wire.run_until([&] { return a.state() == State::closed && b.state() == State::closed; }));
}

TEST_CASE("abort through the wire: the peer sees a reset mid-transfer") {
    Connection a(quick_config(), client_ep, server_ep, 10);
    Connection b(quick_config(), server_ep, Endpoint{}, 20);
    b.open_passive();
    a.open_active(0);
    Wire wire(a, b, {}, 5);
    REQUIRE(wire.run_until([&] { return b.state() == State::established; }));
    a.send(wire.now(), Bytes(50000, 'z'));
    REQUIRE(wire.run_until([&] { return b.bytes_readable() > 0; }));
    a.abort(wire.now());
    REQUIRE(wire.run_until([&] { return b.state() == State::closed; }));
    CHECK(has_event(b.take_events(), EventKind::reset));
}
