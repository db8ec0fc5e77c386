// Retransmission (RFC 6298): the RTO estimator, back-off, Karn's rule, giving up, resending
// SYN, SYN-ACK, data and FIN; fast retransmit and congestion window (RFC 5681).
#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace wirelab::tcp;
using namespace wirelab::tcp::testing;

TEST_CASE("rtt: RFC 6298 SRTT/RTTVAR and the clamped RTO") {
    RttEstimator e(1 * seconds, 200 * ms, 60 * seconds);
    CHECK(e.rto() == 1 * seconds);
    e.sample(100 * ms); // SRTT = R, RTTVAR = R/2, RTO = 100 + 4*50 = 300 ms
    CHECK(e.srtt() == 100 * ms);
    CHECK(e.rttvar() == 50 * ms);
    CHECK(e.rto() == 300 * ms);
    e.sample(200 * ms); // RTTVAR = 3/4*50 + 1/4*100 = 62.5; SRTT = 7/8*100 + 1/8*200 = 112.5
    CHECK(e.rttvar() == 62'500'000);
    CHECK(e.srtt() == 112'500'000);
    CHECK(e.rto() == 362'500'000);
    e.sample(1 * ms);
    e.sample(1 * ms);
    e.sample(1 * ms);
    CHECK(e.rto() >= 200 * ms); // never under min_rto
    for (int i = 0; i < 20; ++i)
        e.back_off();
    CHECK(e.rto() == 60 * seconds); // never over max_rto
}

TEST_CASE("retransmit: initial RTO 1 s then 2 s, 4 s (back-off)") {
    Connection c(quick_config(), client_ep, server_ep, 1000);
    c.open_active(0);
    CHECK(only(c, 0).repr.flags == TcpRepr::SYN);
    c.take_events();
    std::int64_t expect[] = {1 * seconds, 3 * seconds, 7 * seconds, 15 * seconds};
    std::int64_t rto[] = {2 * seconds, 4 * seconds, 8 * seconds, 16 * seconds};
    for (int i = 0; i < 4; ++i) {
        REQUIRE(c.poll_timeout() == expect[i]);
        c.handle_timeout(expect[i]);
        auto ev = c.take_events();
        REQUIRE(ev.size() == 1);
        CHECK(ev[0].kind == EventKind::retransmit);
        CHECK(ev[0].seq == 1000);
        CHECK(ev[0].rto == rto[i]);
        Sent syn = only(c, expect[i]);
        CHECK(syn.repr.flags == TcpRepr::SYN);
        CHECK(syn.repr.seq == 1000);
    }
    CHECK(c.stats().retransmissions == 4);
}

TEST_CASE("retransmit: gives up after max_retransmissions, RST, timed_out") {
    Config cfg = quick_config();
    cfg.max_retransmissions = 2;
    Connection c = established_client(1000, 5000, cfg);
    c.send(0, bytes_of("lost"));
    drain(c, 0);
    c.handle_timeout(1 * seconds);
    drain(c, 1 * seconds);
    c.handle_timeout(3 * seconds);
    drain(c, 3 * seconds);
    CHECK(c.state() == State::established);
    c.handle_timeout(7 * seconds);
    CHECK(c.state() == State::closed);
    CHECK(has_event(c.take_events(), EventKind::timed_out));
    CHECK(only(c, 7 * seconds).repr.flags == TcpRepr::RST);
    CHECK_FALSE(c.poll_timeout());
}

TEST_CASE("karn: no RTT sample from a retransmitted segment") {
    Connection c(quick_config(), client_ep, server_ep, 1000);
    c.open_active(0);
    drain(c, 0);
    c.handle_timeout(1 * seconds); // SYN lost, resent at 1 s
    drain(c, 1 * seconds);
    // The SYN-ACK arrives 50 ms after the resend: ambiguous, so no sample; RTO stays 2 s.
    TcpRepr sa = seg(TcpRepr::SYN | TcpRepr::ACK, 5000, 1001);
    c.handle_segment(1 * seconds + 50 * ms, sa, {}, server_ep);
    CHECK(c.state() == State::established);
    CHECK_FALSE(c.rtt().has_sample());
    CHECK(c.stats().rtt_samples == 0);
    CHECK(c.rtt().rto() == 2 * seconds);
    CHECK(c.cwnd() == c.send_mss()); // SYN was lost: one-segment initial window (RFC 5681)
    // A fresh segment is timed: the backed-off RTO goes once a real sample arrives.
    c.send(2 * seconds, bytes_of("x"));
    drain(c, 2 * seconds);
    c.handle_segment(2 * seconds + 40 * ms, seg(TcpRepr::ACK, 5001, 1002), {}, server_ep);
    CHECK(c.stats().rtt_samples == 1);
    CHECK(c.rtt().srtt() == 40 * ms);
    CHECK(c.rtt().rto() == 1 * seconds); // 40 + 4*20 ms, clamped up to min_rto
}

TEST_CASE("retransmit: SYN-ACK resent by the server when the handshake ACK never comes") {
    Connection s(quick_config(), server_ep, Endpoint{}, 7000);
    s.open_passive();
    TcpRepr syn = seg(TcpRepr::SYN, 300);
    s.handle_segment(0, syn, {}, client_ep);
    drain(s, 0);
    s.handle_timeout(1 * seconds);
    Sent again = only(s, 1 * seconds);
    CHECK(again.repr.flags == (TcpRepr::SYN | TcpRepr::ACK));
    CHECK(again.repr.seq == 7000);
    CHECK(again.repr.ack == 301);
}

TEST_CASE("retransmit: lost data is resent from SND.UNA, one segment after the timeout") {
    Connection c = established_client(1000, 5000);
    wirelab::wire::Bytes data(4000, 'd');
    c.send(0, data);
    auto first = drain(c, 0);
    REQUIRE(first.size() == 3); // 1460 + 1460 + 1080, initial window 10 segments
    c.handle_timeout(1 * seconds);
    auto again = drain(c, 1 * seconds);
    REQUIRE(again.size() == 1); // cwnd = 1 MSS after a timeout
    CHECK(again[0].repr.seq == 1001);
    CHECK(again[0].payload.size() == 1460);
    CHECK(c.ssthresh() == 2 * 1460); // max(FlightSize/2, 2*SMSS)
    // ACK of everything: the whole transfer is done, the timer stops.
    c.handle_segment(1 * seconds + 20 * ms, seg(TcpRepr::ACK, 5001, 5001), {}, server_ep);
    CHECK(c.bytes_queued() == 0);
    CHECK_FALSE(c.poll_timeout());
}

TEST_CASE("retransmit: FIN resent after a timeout in FIN-WAIT-1") {
    Connection c = established_client(1000, 5000);
    c.close(0);
    drain(c, 0);
    c.handle_timeout(1 * seconds);
    Sent fin = only(c, 1 * seconds);
    CHECK(fin.repr.flags == (TcpRepr::FIN | TcpRepr::ACK));
    CHECK(fin.repr.seq == 1001);
}

TEST_CASE("fast retransmit: three duplicate ACKs resend the missing segment at once") {
    Connection c = established_client(1000, 5000);
    wirelab::wire::Bytes data(1460 * 6, 'f');
    c.send(0, data);
    REQUIRE(drain(c, 0).size() == 6);
    const std::uint32_t cwnd_before = c.cwnd();
    for (int i = 0; i < 2; ++i) {
        c.handle_segment(10 * ms, seg(TcpRepr::ACK, 5001, 1001), {}, server_ep);
        CHECK(drain(c, 10 * ms).empty());
    }
    c.handle_segment(10 * ms, seg(TcpRepr::ACK, 5001, 1001), {}, server_ep);
    CHECK(has_event(c.take_events(), EventKind::fast_retransmit));
    Sent again = only(c, 10 * ms);
    CHECK(again.repr.seq == 1001);
    CHECK(c.ssthresh() == 3 * 1460); // FlightSize 6 segments / 2
    CHECK(c.cwnd() < cwnd_before);
    // The retransmission fills the hole; the full ACK ends recovery at cwnd = ssthresh.
    c.handle_segment(20 * ms, seg(TcpRepr::ACK, 5001, 1001 + 6 * 1460), {}, server_ep);
    CHECK(c.cwnd() == 3 * 1460);
}

TEST_CASE("congestion control: slow start grows cwnd by one MSS per ACK") {
    Connection c = established_client(1000, 5000);
    CHECK(c.cwnd() == 10 * 1460);
    wirelab::wire::Bytes data(1460 * 4, 's');
    c.send(0, data);
    drain(c, 0);
    for (int i = 1; i <= 4; ++i)
        c.handle_segment(10 * ms, seg(TcpRepr::ACK, 5001, 1001 + i * 1460), {}, server_ep);
    CHECK(c.cwnd() == 14 * 1460);
}
