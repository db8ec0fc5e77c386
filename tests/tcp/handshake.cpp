// Opening a connection: CLOSED, LISTEN, SYN-SENT and SYN-RECEIVED, one test per
// (state, input), plus the RST a closed port answers with and the state table itself.
#include "harness.hpp"

#include "sim/proto/tcp/state.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>

using namespace wirelab::tcp;
using namespace wirelab::tcp::testing;

TEST_CASE("state table: names as the RFC spells them, one row per (state, input)") {
    CHECK(std::string(to_string(State::syn_sent)) == "SYN-SENT");
    CHECK(std::string(to_string(State::syn_received)) == "SYN-RECEIVED");
    CHECK(std::string(to_string(State::fin_wait_1)) == "FIN-WAIT-1");
    CHECK(std::string(to_string(State::close_wait)) == "CLOSE-WAIT");
    CHECK(std::string(to_string(State::time_wait)) == "TIME-WAIT");
    std::set<std::pair<int, int>> seen;
    std::set<State> states;
    for (const auto& t : transitions()) {
        CHECK(seen.insert({int(t.from), int(t.input)}).second);
        states.insert(t.from);
        states.insert(t.to);
    }
    CHECK(states.size() == 11);
    CHECK(find_transition(State::fin_wait_1, Input::rcv_fin)->to == State::closing);
    CHECK_FALSE(find_transition(State::time_wait, Input::app_close));
}

TEST_CASE("closed: active open -> SYN-SENT, SYN carries the MSS") {
    Connection c(quick_config(), client_ep, server_ep, 1000);
    c.open_active(0);
    CHECK(c.state() == State::syn_sent);
    Sent s = only(c, 0);
    CHECK(s.repr.flags == TcpRepr::SYN);
    CHECK(s.repr.seq == 1000);
    CHECK(s.repr.mss == 1460);
    CHECK(s.repr.window == 65535);
    CHECK(s.repr.src_port == client_ep.port);
    CHECK(s.repr.dst_port == server_ep.port);
    CHECK(c.poll_timeout() == 1 * seconds); // initial RTO
}

TEST_CASE("syn_sent: SYN-ACK -> ESTABLISHED") {
    Connection c(quick_config(), client_ep, server_ep, 1000);
    c.open_active(0);
    drain(c, 0);
    TcpRepr sa = seg(TcpRepr::SYN | TcpRepr::ACK, 5000, 1001, 8192);
    sa.mss = 1200;
    c.handle_segment(30 * ms, sa, {}, server_ep);
    CHECK(c.state() == State::established);
    Sent ack = only(c, 30 * ms);
    CHECK(ack.repr.flags == TcpRepr::ACK);
    CHECK(ack.repr.seq == 1001);
    CHECK(ack.repr.ack == 5001);
    CHECK(c.send_mss() == 1200); // min(peer's 1200, our 1460)
    CHECK(c.snd_wnd() == 8192);
    CHECK(c.rtt().srtt() == 30 * ms); // the SYN was timed
    auto ev = c.take_events();
    CHECK(has_event(ev, EventKind::connected));
    CHECK_FALSE(c.poll_timeout()); // nothing outstanding
}

TEST_CASE("syn_sent: SYN-ACK acking the wrong sequence number -> RST, stays SYN-SENT") {
    Connection c(quick_config(), client_ep, server_ep, 1000);
    c.open_active(0);
    drain(c, 0);
    c.handle_segment(0, seg(TcpRepr::SYN | TcpRepr::ACK, 5000, 777), {}, server_ep);
    CHECK(c.state() == State::syn_sent);
    Sent rst = only(c, 0);
    CHECK(rst.repr.flags == TcpRepr::RST);
    CHECK(rst.repr.seq == 777);
}

TEST_CASE("syn_sent: RST with an acceptable ACK -> CLOSED (connection refused)") {
    Connection c(quick_config(), client_ep, server_ep, 1000);
    c.open_active(0);
    drain(c, 0);
    c.handle_segment(0, seg(TcpRepr::RST | TcpRepr::ACK, 0, 1001), {}, server_ep);
    CHECK(c.state() == State::closed);
    CHECK(has_event(c.take_events(), EventKind::reset));
    CHECK(drain(c, 0).empty());
    CHECK_FALSE(c.poll_timeout());
}

TEST_CASE("syn_sent: RST without ACK, or with a wrong ACK, is ignored") {
    Connection c(quick_config(), client_ep, server_ep, 1000);
    c.open_active(0);
    drain(c, 0);
    c.handle_segment(0, seg(TcpRepr::RST, 0), {}, server_ep);
    c.handle_segment(0, seg(TcpRepr::RST | TcpRepr::ACK, 0, 5), {}, server_ep);
    CHECK(c.state() == State::syn_sent);
    CHECK(drain(c, 0).empty());
}

TEST_CASE("syn_sent: SYN -> SYN-RECEIVED (simultaneous open), then ACK -> ESTABLISHED") {
    Connection c(quick_config(), client_ep, server_ep, 1000);
    c.open_active(0);
    drain(c, 0);
    c.handle_segment(0, seg(TcpRepr::SYN, 5000), {}, server_ep);
    CHECK(c.state() == State::syn_received);
    Sent sa = only(c, 0);
    CHECK(sa.repr.flags == (TcpRepr::SYN | TcpRepr::ACK));
    CHECK(sa.repr.seq == 1000); // <SEQ=ISS><ACK=RCV.NXT>
    CHECK(sa.repr.ack == 5001);
    // The peer's SYN-ACK: its SYN is old news, its ACK completes our half (RFC figure 8).
    c.handle_segment(0, seg(TcpRepr::SYN | TcpRepr::ACK, 5000, 1001), {}, server_ep);
    CHECK(c.state() == State::established);
    CHECK(drain(c, 0).empty());
}

TEST_CASE("simultaneous open: two SYN-SENT ends meet and both reach ESTABLISHED") {
    Connection a(quick_config(), client_ep, server_ep, 100);
    Connection b(quick_config(), server_ep, client_ep, 900000);
    a.open_active(0);
    b.open_active(0);
    Wire wire(a, b, {}, 1);
    CHECK(wire.run_until(
        [&] { return a.state() == State::established && b.state() == State::established; }));
    std::vector<State> seen;
    for (auto& e : a.take_events())
        if (e.kind == EventKind::state_changed) seen.push_back(e.to);
    CHECK(seen == std::vector<State>{State::syn_sent, State::syn_received, State::established});
}

TEST_CASE("listen: SYN -> SYN-RECEIVED with the remote taken from the segment") {
    Connection l(quick_config(), server_ep, Endpoint{}, 7000);
    l.open_passive();
    CHECK(l.state() == State::listen);
    TcpRepr syn = seg(TcpRepr::SYN, 300);
    syn.src_port = client_ep.port;
    syn.dst_port = server_ep.port;
    l.handle_segment(0, syn, {}, client_ep);
    CHECK(l.state() == State::syn_received);
    CHECK(l.remote() == client_ep);
    Sent sa = only(l, 0);
    CHECK(sa.repr.flags == (TcpRepr::SYN | TcpRepr::ACK));
    CHECK(sa.repr.seq == 7000);
    CHECK(sa.repr.ack == 301);
    CHECK(sa.repr.dst_port == client_ep.port);
    CHECK(sa.repr.mss == 1460);
    CHECK(l.send_mss() == 536); // no MSS option from the peer: RFC 9293 default
}

TEST_CASE("listen: RST ignored") {
    Connection l(quick_config(), server_ep, Endpoint{}, 7000);
    l.open_passive();
    l.handle_segment(0, seg(TcpRepr::RST, 1), {}, client_ep);
    CHECK(l.state() == State::listen);
    CHECK(drain(l, 0).empty());
}

TEST_CASE("listen: ACK ignored (the stage answers it with reset_for_unmatched)") {
    Connection l(quick_config(), server_ep, Endpoint{}, 7000);
    l.open_passive();
    l.handle_segment(0, seg(TcpRepr::ACK, 1, 99), {}, client_ep);
    CHECK(l.state() == State::listen);
    CHECK(drain(l, 0).empty());
}

TEST_CASE("listen: close -> CLOSED") {
    Connection l(quick_config(), server_ep, Endpoint{}, 7000);
    l.open_passive();
    l.close(0);
    CHECK(l.state() == State::closed);
}

namespace {
Connection syn_received_server() {
    Connection l(quick_config(), server_ep, Endpoint{}, 7000);
    l.open_passive();
    l.handle_segment(0, seg(TcpRepr::SYN, 300), {}, client_ep);
    drain(l, 0);
    l.take_events();
    return l;
}
} // namespace

TEST_CASE("syn_received: ACK of our SYN -> ESTABLISHED") {
    Connection s = syn_received_server();
    s.handle_segment(0, seg(TcpRepr::ACK, 301, 7001), {}, client_ep);
    CHECK(s.state() == State::established);
    CHECK(has_event(s.take_events(), EventKind::connected));
    CHECK(drain(s, 0).empty());
}

TEST_CASE("syn_received: unacceptable ACK -> RST <SEQ=SEG.ACK>") {
    Connection s = syn_received_server();
    s.handle_segment(0, seg(TcpRepr::ACK, 301, 9999), {}, client_ep);
    CHECK(s.state() == State::syn_received);
    Sent rst = only(s, 0);
    CHECK(rst.repr.flags == TcpRepr::RST);
    CHECK(rst.repr.seq == 9999);
}

TEST_CASE("syn_received: RST -> LISTEN when opened passively") {
    Connection s = syn_received_server();
    s.handle_segment(0, seg(TcpRepr::RST, 301), {}, client_ep);
    CHECK(s.state() == State::listen);
    CHECK_FALSE(s.poll_timeout());
}

TEST_CASE("syn_received: the peer's SYN again -> SYN-ACK again") {
    Connection s = syn_received_server();
    s.handle_segment(10 * ms, seg(TcpRepr::SYN, 300), {}, client_ep);
    Sent sa = only(s, 10 * ms);
    CHECK(sa.repr.flags == (TcpRepr::SYN | TcpRepr::ACK));
    CHECK(sa.repr.seq == 7000);
    CHECK(s.stats().retransmissions == 1);
}

TEST_CASE("syn_received: data with the handshake ACK is delivered") {
    Connection s = syn_received_server();
    Bytes hello = bytes_of("hello");
    s.handle_segment(0, seg(TcpRepr::ACK | TcpRepr::PSH, 301, 7001), hello, client_ep);
    CHECK(s.state() == State::established);
    CHECK(s.recv_all() == hello);
    CHECK(only(s, 0).repr.ack == 306);
}

TEST_CASE("closed port answers RST") {
    TcpRepr syn = seg(TcpRepr::SYN, 41);
    auto rst = reset_for_unmatched(syn, 0);
    REQUIRE(rst);
    CHECK(rst->flags == (TcpRepr::RST | TcpRepr::ACK));
    CHECK(rst->seq == 0);
    CHECK(rst->ack == 42); // SEG.SEQ + SEG.LEN, the SYN counting one
    CHECK(rst->src_port == syn.dst_port);
    CHECK(rst->dst_port == syn.src_port);

    auto for_data = reset_for_unmatched(seg(TcpRepr::PSH, 100), 10);
    CHECK(for_data->ack == 110);

    auto for_ack = reset_for_unmatched(seg(TcpRepr::ACK, 5, 1234), 0);
    CHECK(for_ack->flags == TcpRepr::RST);
    CHECK(for_ack->seq == 1234);

    CHECK_FALSE(reset_for_unmatched(seg(TcpRepr::RST | TcpRepr::ACK, 5, 6), 0));
}

TEST_CASE("closed: a segment to a CLOSED connection is ignored") {
    Connection c(quick_config(), client_ep, server_ep, 1);
    c.handle_segment(0, seg(TcpRepr::SYN, 5), {}, server_ep);
    CHECK(c.state() == State::closed);
    CHECK(drain(c, 0).empty());
}

TEST_CASE("syn_received: close -> FIN-WAIT-1, the FIN waits for the handshake ACK") {
    Connection s = syn_received_server();
    s.close(0);
    CHECK(s.state() == State::fin_wait_1);
    CHECK(drain(s, 0).empty()); // our SYN is not acknowledged yet
    s.handle_segment(0, seg(TcpRepr::ACK, 301, 7001), {}, client_ep);
    CHECK(s.state() == State::fin_wait_1);
    Sent fin = only(s, 0);
    CHECK(fin.repr.flags == (TcpRepr::FIN | TcpRepr::ACK));
    CHECK(fin.repr.seq == 7001);
}

TEST_CASE("syn_sent: data written before the handshake goes with the first ACK") {
    Connection c(quick_config(), client_ep, server_ep, 1000);
    c.open_active(0);
    drain(c, 0);
    CHECK(c.send(0, bytes_of("GET /")) == 5);
    CHECK(drain(c, 0).empty());
    c.handle_segment(0, seg(TcpRepr::SYN | TcpRepr::ACK, 5000, 1001), {}, server_ep);
    Sent s = only(c, 0);
    CHECK(s.payload == bytes_of("GET /"));
    CHECK(s.repr.seq == 1001);
    CHECK(s.repr.ack == 5001);
    CHECK(s.repr.flags == (TcpRepr::PSH | TcpRepr::ACK));
}
