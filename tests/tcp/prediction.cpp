// Header prediction (Connection::predicted / on_predicted): the steady-state segment in
// ESTABLISHED skips on_synchronized's checks. These cases sit on each edge of the prediction,
// where one more byte, one more sequence number or one more flag sends the segment down the
// full path instead — and the outcome must be what RFC 9293 3.10.7.4 says either way.
#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace wirelab::tcp;
using namespace wirelab::tcp::testing;

namespace {
std::size_t readable_events(const std::vector<Event>& events) {
    return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [](const Event& e) {
        return e.kind == EventKind::data_readable;
    }));
}
} // namespace

TEST_CASE("prediction: text that exactly fills the window is taken, one byte more is cut") {
    Config cfg = quick_config();
    cfg.recv_buffer = 1000;
    for (std::size_t extra : {0u, 1u}) {
        Connection c = established_client(1000, 5000, cfg);
        Bytes data(1000 + extra, 'x');
        c.handle_segment(0, seg(TcpRepr::ACK | TcpRepr::PSH, 5001, 1001), data, server_ep);
        CHECK(c.bytes_readable() == 1000);
        CHECK(c.rcv_nxt() == 6001);
        CHECK(c.stats().bytes_received == 1000);
        auto events = c.take_events();
        CHECK(readable_events(events) == 1);
        Sent ack = only(c, 0);
        CHECK(ack.repr.ack == 6001);
        CHECK(ack.repr.window == 0);
    }
}

TEST_CASE("prediction: an ACK of SND.MAX is taken, one beyond is answered and ignored") {
    Connection c = established_client(1000, 5000);
    const auto samples = c.stats().rtt_samples; // (the handshake's)
    REQUIRE(c.send(0, bytes_of("hello")) == 5);
    drain(c, 0);
    // Beyond what was sent: not processed, answered with an ACK at once.
    c.handle_segment(1 * ms, seg(TcpRepr::ACK, 5001, 1007), {}, server_ep);
    CHECK(c.snd_una() == 1001);
    Sent answer = only(c, 1 * ms);
    CHECK(answer.repr.seq == 1006);
    CHECK(answer.repr.ack == 5001);
    CHECK(c.poll_timeout().has_value()); // the data is still in flight
    // Exactly SND.MAX: everything acknowledged, the timer stops, nothing to answer.
    c.handle_segment(2 * ms, seg(TcpRepr::ACK, 5001, 1006), {}, server_ep);
    CHECK(c.snd_una() == 1006);
    CHECK(c.stats().bytes_acked == 5);
    CHECK(c.stats().rtt_samples == samples + 1);
    CHECK_FALSE(c.poll_timeout().has_value());
    CHECK(drain(c, 2 * ms).empty());
}

TEST_CASE("prediction: in-order text waits for the delayed ACK, text filling a hole does not") {
    Config cfg = quick_config();
    cfg.delayed_ack = 200 * ms;
    Connection c = established_client(1000, 5000, cfg);
    c.handle_segment(0, seg(TcpRepr::ACK, 5001, 1001), bytes_of("aaaa"), server_ep);
    CHECK(drain(c, 0).empty()); // predicted: delayed
    CHECK(c.poll_timeout() == 200 * ms);
    // Out of order (beyond RCV.NXT): buffered, ACKed at once.
    c.handle_segment(1 * ms, seg(TcpRepr::ACK, 5009, 1001), bytes_of("cccc"), server_ep);
    CHECK(only(c, 1 * ms).repr.ack == 5005);
    // At RCV.NXT, but a hole is being filled: the full path, ACKed at once, both runs readable.
    c.handle_segment(2 * ms, seg(TcpRepr::ACK, 5005, 1001), bytes_of("bbbb"), server_ep);
    CHECK(only(c, 2 * ms).repr.ack == 5013);
    Bytes got(c.bytes_readable());
    c.recv(got);
    CHECK(got == bytes_of("aaaabbbbcccc"));
    // Back to the steady state: predicted again, delayed again.
    c.handle_segment(3 * ms, seg(TcpRepr::ACK, 5013, 1001), bytes_of("dd"), server_ep);
    CHECK(drain(c, 3 * ms).empty());
    CHECK(c.rcv_nxt() == 5015);
}

TEST_CASE("prediction: a FIN, a SYN or an old segment takes the full path") {
    SECTION("text with FIN: readable, then the peer's close") {
        Connection c = established_client(1000, 5000);
        c.handle_segment(0, seg(TcpRepr::ACK | TcpRepr::FIN, 5001, 1001), bytes_of("bye"),
                         server_ep);
        auto events = c.take_events();
        CHECK(has_event(events, EventKind::data_readable));
        CHECK(has_event(events, EventKind::peer_closed));
        CHECK(c.state() == State::close_wait);
        CHECK(only(c, 0).repr.ack == 5005);
    }
    SECTION("a SYN in ESTABLISHED earns a challenge ACK, nothing else") {
        Connection c = established_client(1000, 5000);
        c.handle_segment(0, seg(TcpRepr::SYN | TcpRepr::ACK, 5001, 1001), {}, server_ep);
        CHECK(c.state() == State::established);
        CHECK(only(c, 0).repr.ack == 5001);
    }
    SECTION("an old duplicate: counted, ACKed, not readable twice") {
        Connection c = established_client(1000, 5000);
        c.handle_segment(0, seg(TcpRepr::ACK, 5001, 1001), bytes_of("once"), server_ep);
        drain(c, 0);
        c.handle_segment(0, seg(TcpRepr::ACK, 5001, 1001), bytes_of("once"), server_ep);
        CHECK(c.bytes_readable() == 4);
        CHECK(c.stats().duplicates == 1);
        CHECK(only(c, 0).repr.ack == 5005);
    }
}

TEST_CASE("prediction: duplicate ACKs counted through it lead to fast retransmit") {
    Connection c = established_client(1000, 5000);
    Bytes data(4 * 1460, 'd'); // four full segments (the harness peer offers MSS 1460)
    REQUIRE(c.send(0, data) == data.size());
    auto sent = drain(c, 0);
    REQUIRE(sent.size() == 4);
    // The peer lost the first one: three duplicate ACKs of SND.UNA, same window, no text.
    for (int i = 0; i < 3; ++i)
        c.handle_segment(1 * ms, seg(TcpRepr::ACK, 5001, 1001), {}, server_ep);
    CHECK(has_event(c.take_events(), EventKind::fast_retransmit));
    Sent again = only(c, 1 * ms);
    CHECK(again.repr.seq == 1001);
    CHECK(c.stats().retransmissions == 1);
    // A window change is not a duplicate ACK (RFC 5681 2): no second fast retransmit.
    c.handle_segment(2 * ms, seg(TcpRepr::ACK, 5001, 1001, 30000), {}, server_ep);
    CHECK(c.snd_wnd() == 30000);
}
