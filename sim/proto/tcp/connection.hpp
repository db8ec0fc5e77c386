// One TCP connection (RFC 9293, retransmission timer of RFC 6298, optional RFC 5681
// congestion control) as a sans-I/O engine, shaped like quinn-proto's Connection: the caller
// feeds segments, application calls and the current time in (`handle_*`, `send`, `close`…),
// then drains what to transmit (`poll_transmit` until nullopt), when to wake it
// (`poll_timeout`) and what happened (`take_events`). It never reads a clock or a socket.
//
//   stage (sim/stack)  --handle_segment/handle_timeout-->  Connection  --poll_transmit-->  IPv4
//
// Which state follows which input is decided by the table in state.hpp; this class decides
// which input a segment amounts to (RFC 9293 3.10.7 "SEGMENT ARRIVES").
//
// For the stage: keep polling after the state reaches CLOSED (abort and give-up leave an RST
// to send); answer segments that match no connection, and non-SYN segments to a listener,
// with reset_for_unmatched(). A listener is one LISTEN Connection per port; on a SYN make a
// fresh Connection, open_passive(), and hand it the SYN (it takes the remote from `from`).
//
// Implemented: all eleven states, MSS option, flow control with sender and receiver SWS
// avoidance, persist timer, out-of-order reassembly, immediate ACK on out-of-order data,
// optional delayed ACK, RFC 5961 challenge ACKs, RFC 6298 RTO with Karn, go-back to
// SND.UNA after a timeout, RFC 5681 slow start / congestion avoidance / fast retransmit with
// NewReno partial ACKs. Not implemented: window scaling, SACK, timestamps, urgent data,
// Nagle (writes go out at once, as with TCP_NODELAY), data carried on a SYN.
#pragma once

#include "sim/proto/tcp/byte_queue.hpp"
#include "sim/proto/tcp/reassembly.hpp"
#include "sim/proto/tcp/rtt.hpp"
#include "sim/proto/tcp/seq.hpp"
#include "sim/proto/tcp/state.hpp"
#include "sim/wire/bytes.hpp"
#include "sim/wire/tcp.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

namespace wirelab::tcp {

constexpr std::int64_t ms = 1'000'000;
constexpr std::int64_t seconds = 1'000'000'000;

struct Endpoint {
    std::uint32_t addr = 0;
    std::uint16_t port = 0;
    bool operator==(const Endpoint&) const = default;
};

struct Config {
    std::uint16_t mss = 1460;                 // = 1460  // our receive MSS, sent on the SYN
    std::uint32_t recv_buffer = 65535;        // = 65535 // receive window (no window scaling)
    std::uint32_t send_buffer = 1u << 20;     // = 1 MiB // send() accepts up to this much unacked
    std::int64_t initial_rto = 1 * seconds;   // RFC 6298 2.1
    std::int64_t min_rto = 1 * seconds;       // RFC 6298 2.4
    std::int64_t max_rto = 60 * seconds;      // RFC 6298 2.5
    int max_retransmissions = 8;              // then abort with a timed_out event
    std::int64_t time_wait = 60 * seconds;    // 2*MSL; lessons set it short
    std::int64_t delayed_ack = 0;             // 0 = ACK at once; else RFC 9293 3.8.6.3 (<= 500 ms)
    bool congestion_control = true;           // RFC 5681 slow start / avoidance / fast retransmit
    std::uint32_t initial_cwnd_segments = 10; // RFC 6928 IW (RFC 5681 would say 2-4)
};

// What to transmit. Addresses come from the connection's endpoints. The payload is not a
// copy: it borrows the bytes from the connection's send buffer, so it stays valid until the
// next input to that connection (handle_segment, handle_timeout, send, close, abort, or its
// destruction); further poll_transmit/poll_timeout/take_events calls leave it intact. Emit it
// (or copy it) before feeding the connection again.
struct Segment {
    wire::TcpRepr repr;
    wire::ByteView payload;
};

enum class EventKind : std::uint8_t {
    state_changed,     // from -> to
    connected,         // reached ESTABLISHED
    data_readable,     // recv() has bytes (length = how many are readable now)
    peer_closed,       // the peer's FIN arrived in sequence: no more data will come
    closed,            // reached CLOSED normally (after LAST-ACK or TIME-WAIT)
    reset,             // an acceptable RST arrived; the connection is CLOSED
    timed_out,         // max_retransmissions exceeded; an RST was sent, CLOSED
    retransmit,        // the retransmission timer fired: seq = first unacked, rto = new RTO
    fast_retransmit,   // three duplicate ACKs: seq retransmitted (RFC 5681 3.2)
    zero_window_probe, // the persist timer fired: seq of the probe byte
};

const char* to_string(EventKind);

struct Event {
    EventKind kind = EventKind::state_changed;
    State from = State::closed;
    State to = State::closed;
    std::uint32_t seq = 0;
    std::int64_t rto = 0;
    std::size_t length = 0;
};

// An optional absolute time in 8 bytes (std::optional<std::int64_t> takes 16), so the four
// timers share half a cache line: the smallest int64 means "not armed" (a timer is always
// armed at now plus a non-negative interval, never there).
class Deadline {
public:
    explicit operator bool() const { return at_ != none; }
    std::int64_t operator*() const { return at_; }
    Deadline& operator=(std::int64_t t) {
        at_ = t;
        return *this;
    }
    void reset() { at_ = none; }

private:
    static constexpr std::int64_t none = std::numeric_limits<std::int64_t>::min();
    std::int64_t at_ = none;
};

struct Stats { // (the counters every segment updates first)
    std::uint64_t segments_sent = 0;
    std::uint64_t segments_received = 0;
    std::uint64_t bytes_sent = 0;     // payload bytes handed to poll_transmit, re-sends included
    std::uint64_t bytes_acked = 0;    // payload bytes acknowledged by the peer
    std::uint64_t bytes_received = 0; // payload bytes delivered in order to the receive buffer
    std::uint64_t rtt_samples = 0;
    std::uint64_t retransmissions = 0; // segments re-sent (timeout, fast retransmit)
    std::uint64_t timeouts = 0;        // retransmission timer expiries
    std::uint64_t duplicates = 0;      // segments carrying only already-received data
    std::uint64_t out_of_order = 0;    // segments buffered beyond rcv_nxt
};

class alignas(64) Connection {
public:
    // `remote` may be {0, 0} for a connection that will listen. `isn` is our initial
    // sequence number, drawn by the caller (the simulator's seeded RNG).
    Connection(Config config, Endpoint local, Endpoint remote, std::uint32_t isn);

    // ---- input ----------------------------------------------------------------------------
    // CLOSED -> SYN-SENT. Then call poll_transmit() (the SYN) and poll_timeout().
    void open_active(std::int64_t now);
    // CLOSED -> LISTEN. A LISTEN connection given a SYN goes to SYN-RECEIVED, remote := from.
    void open_passive();
    // A segment addressed to this connection (ports already matched by the caller, checksum
    // already verified). Then call poll_transmit(), poll_timeout(), take_events().
    void handle_segment(std::int64_t now, const wire::TcpRepr& repr, wire::ByteView payload,
                        Endpoint from) {
        segment_arrives(now, repr, payload, from, false);
    }
    // handle_segment, except that in-order text arriving at an empty receive buffer is not
    // copied there: it stays in `payload`, and recv_view() returns it in place. The caller
    // keeps `payload`'s bytes alive and, before they go (and before any other input to this
    // connection), either takes them with recv_view() or calls keep_borrowed(). A stage that
    // hands every arriving segment's data straight to its user thus copies nothing.
    void handle_segment_borrowing(std::int64_t now, const wire::TcpRepr& repr,
                                  wire::ByteView payload, Endpoint from) {
        segment_arrives(now, repr, payload, from, true);
    }
    // Copies borrowed text that recv_view() has not taken into the receive buffer.
    void keep_borrowed() {
        if (borrowed_.empty()) return;
        readable_.append(borrowed_); // (readable_ is empty while anything is borrowed)
        borrowed_ = {};
    }
    // Runs every timer due at `now` (retransmission, persist, delayed ACK, TIME-WAIT).
    void handle_timeout(std::int64_t now);
    // Application write: returns how many bytes the send buffer accepted (0 when full or when
    // the connection can no longer send). Then call poll_transmit().
    std::size_t send(std::int64_t now, wire::ByteView data);
    // Application read: moves up to out.size() in-order bytes out, opening the window (which
    // may queue a window update: call poll_transmit()).
    std::size_t recv(std::span<std::uint8_t> out);
    wire::Bytes recv_all();
    // recv() of every readable byte without the copy: the bytes are taken (the window opens
    // as with recv) and returned as a view into the receive buffer, valid until the next
    // handle_segment (only arriving data writes there) or the connection's destruction.
    wire::ByteView recv_view();
    // CLOSE: a FIN follows the queued data. In LISTEN or SYN-SENT the connection just closes.
    void close(std::int64_t now);
    // ABORT: an RST (when synchronized), everything queued is dropped, state CLOSED.
    void abort(std::int64_t now);

    // ---- output ---------------------------------------------------------------------------
    // The next segment to send, or nullopt. Call until nullopt after every input.
    // (Inline: most calls find nothing to send, and say so without a call.)
    std::optional<Segment> poll_transmit(std::int64_t now) {
        if (rst_pending_ || ack_pending_ || resend_head_ || probe_pending_ || snd_nxt_ == iss_ ||
            has_new_output())
            return next_segment(now);
        update_persist(now);
        return std::nullopt;
    }
    // The earliest pending timer (absolute ns), or nullopt when none is armed.
    std::optional<std::int64_t> poll_timeout() const {
        std::optional<std::int64_t> t;
        if (retransmit_at_) t = *retransmit_at_;
        auto earliest = [&t](const Deadline& timer) {
            if (timer && (!t || *timer < *t)) t = *timer;
        };
        earliest(persist_at_);
        earliest(delayed_ack_at_);
        earliest(time_wait_at_);
        return t;
    }
    // Events since the last call, oldest first.
    std::vector<Event> take_events();
    bool has_events() const { return event_count_ != 0; }
    // take_events() into `into` (cleared first).
    void take_events(std::vector<Event>& into) {
        into.assign(events().begin(), events().end());
        clear_events();
    }
    // The events since the last clear_events(), oldest first, without moving them: valid
    // until the next input or clear_events(). (A lone event, the common case, is kept on a
    // line of the connection a segment reads anyway; more go to a vector.)
    std::span<const Event> events() const {
        if (event_count_ <= 1) return {&first_event_, event_count_};
        return more_events_;
    }
    void clear_events() {
        if (event_count_ > 1) more_events_.clear();
        event_count_ = 0;
    }

    // ---- inspection -----------------------------------------------------------------------
    State state() const { return state_; }
    Endpoint local() const { return local_; }
    Endpoint remote() const { return remote_; }
    const Config& config() const { return config_; }
    const Stats& stats() const { return stats_; }
    std::uint32_t isn() const { return iss_; }
    std::uint32_t peer_isn() const { return irs_; }
    std::uint32_t snd_una() const { return snd_una_; }
    std::uint32_t snd_nxt() const { return snd_nxt_; }
    std::uint32_t snd_wnd() const { return snd_wnd_; }
    std::uint32_t rcv_nxt() const { return rcv_nxt_; }
    std::uint32_t rcv_wnd() const {
        auto used = static_cast<std::uint32_t>(bytes_readable());
        return used >= recv_buffer_ ? 0 : recv_buffer_ - used;
    }
    std::uint16_t send_mss() const { return send_mss_; }
    std::uint32_t cwnd() const { return cwnd_; }
    std::uint32_t ssthresh() const { return ssthresh_; }
    const RttEstimator& rtt() const { return rtt_; }
    std::size_t bytes_readable() const { return readable_.size() + borrowed_.size(); }
    std::size_t bytes_queued() const { return send_buf_.size(); } // unacked + unsent
    // Where send() will put its next byte (null before the first send): only an address, for
    // a caller that loads it ahead (TcpStage::warm_send).
    const std::uint8_t* send_address() const { return send_buf_.back_address(); }
    bool is_open() const { return state_ != State::closed; }

private:
    // connection.cpp: state changes, timers, helpers
    void transition(std::int64_t now, Input input);
    void push_event(const Event& e) {
        if (event_count_ == 0) {
            first_event_ = e;
            event_count_ = 1;
            return;
        }
        push_more_event(e);
    }
    void push_more_event(const Event& e);
    void segment_arrives(std::int64_t now, const wire::TcpRepr& r, wire::ByteView payload,
                         Endpoint from, bool borrow);
    std::uint32_t data_end_seq() const {
        return buf_seq_ + static_cast<std::uint32_t>(send_buf_.size());
    }
    bool syn_acked() const { return seq_gt(snd_una_, iss_); }
    bool fin_sent() const { return fin_queued_ && seq_gt(snd_max_, data_end_seq()); }
    bool fin_acked() const { return fin_queued_ && seq_gt(snd_una_, data_end_seq()); }
    bool can_send_data() const {
        switch (state_) {
        case State::established:
        case State::close_wait:
        case State::fin_wait_1:
        case State::closing:
        case State::last_ack: return syn_acked();
        default: return false;
        }
    }
    // new_data_segment() has something to offer only with unsent bytes or an unsent FIN.
    bool has_new_output() const {
        const std::uint32_t end = data_end_seq();
        return seq_lt(snd_nxt_, end) || (fin_queued_ && snd_nxt_ == end);
    }
    std::uint32_t flight_size() const { return snd_max_ - snd_una_; }
    // The persist timer runs while we have unsent data that the window holds back (zero, or
    // too small to be worth a segment under SWS avoidance) and nothing is in flight to elicit
    // an ACK (RFC 9293 3.8.6.1 and the override timeout of 3.8.6.2.1); it backs off like the
    // RTO. Checked after every input and every empty poll_transmit, so the common case (no
    // unsent data) is decided here, inline.
    void update_persist(std::int64_t now) {
        bool needed = seq_lt(snd_max_, data_end_seq()) && snd_una_ == snd_max_ && !retransmit_at_ &&
                      can_send_data();
        if (!needed) {
            persist_at_.reset();
            if (snd_una_ != snd_max_) persist_count_ = 0;
        } else if (!persist_at_) {
            arm_persist(now);
        }
    }
    void arm_persist(std::int64_t now);
    void after_read(std::size_t n); // recv's window update
    void drop_everything();
    // connection_input.cpp: RFC 9293 3.10.7 SEGMENT ARRIVES
    void on_listen(std::int64_t now, const wire::TcpRepr& r, Endpoint from);
    void on_syn_sent(std::int64_t now, const wire::TcpRepr& r);
    void on_synchronized(std::int64_t now, wire::TcpRepr r, wire::ByteView payload);
    bool predicted(const wire::TcpRepr& r, std::size_t payload_len) const;
    void on_predicted(std::int64_t now, const wire::TcpRepr& r, wire::ByteView payload,
                      bool borrow);
    bool process_ack(std::int64_t now, const wire::TcpRepr& r, std::size_t payload_len);
    // An acceptable ACK (at most SND.MAX): a new ACK or a duplicate (RFC 5681 2), then the
    // send window update (RFC 9293 3.10.7.4). Shared by the full path and the prediction.
    void take_ack(std::int64_t now, const wire::TcpRepr& r, std::size_t payload_len);
    void on_new_ack(std::int64_t now, std::uint32_t ack);
    void on_duplicate_ack();
    void process_text(std::int64_t now, const wire::TcpRepr& r, wire::ByteView payload);
    void process_fin(std::int64_t now);
    void learn_options(const wire::TcpRepr& r);
    void send_reset(std::uint32_t seq, std::optional<std::uint32_t> ack);
    void ack_now();
    void ack_later(std::int64_t now);
    // connection_output.cpp: what to send and when
    std::optional<Segment> next_segment(std::int64_t now); // poll_transmit() past its fast path
    wire::TcpRepr header(std::uint8_t flags, std::uint32_t seq);
    Segment data_segment(std::int64_t now, std::uint32_t seq, std::size_t len, bool fin);
    std::optional<Segment> syn_segment(std::int64_t now);
    std::optional<Segment> head_retransmission(std::int64_t now);
    std::optional<Segment> new_data_segment(std::int64_t now);
    void on_sent(std::int64_t now, std::uint32_t seq, std::uint32_t seq_len);
    void on_retransmit_timeout(std::int64_t now);
    void on_persist_timeout(std::int64_t now);

    // The members are ordered by when they are touched, not by topic: with thousands of
    // connections each one's state is cold when a segment arrives or data is sent, so every
    // cache line a steady-state call touches is a miss. The object starts on a line
    // (alignas): line 0 holds the state, the flags and the sequence space; 1 the two byte
    // queues and the borrowed text; 2 the timers, reassembly and the endpoints; 3 the lone
    // event and congestion control; 4 RTT timing and the estimator; 5 the counters a
    // segment updates; then what the steady state never reads. (A client receiving data and
    // answering with an ACK reads lines 0-3 and 5; a sender taking an ACK, 0-5.)
    State state_ = State::closed;
    bool fin_queued_ = false;
    bool ack_pending_ = false;
    bool resend_head_ = false; // retransmit the first unacknowledged segment
    bool probe_pending_ = false;
    bool rst_pending_ = false; // rst_ is to be sent
    // Constant after construction, from config_ (read here instead of there):
    bool delays_acks_ = false;       // config_.delayed_ack > 0
    bool congestion_control_ = true; // config_.congestion_control

    // Send sequence space (RFC 9293 3.3.1). send_buf_[0] has sequence number buf_seq_:
    // acknowledged bytes are popped, unsent ones wait for the window. The FIN, once queued,
    // takes the sequence number data_end_seq().
    std::uint32_t iss_ = 0;
    std::uint32_t snd_una_ = 0;
    std::uint32_t snd_nxt_ = 0;
    std::uint32_t snd_max_ = 0; // highest sequence number sent + 1 (snd_nxt_ < it: resending)
    std::uint32_t snd_wnd_ = 0;
    std::uint32_t snd_wl1_ = 0;
    std::uint32_t snd_wl2_ = 0;
    std::uint32_t max_snd_wnd_ = 0;
    std::uint32_t buf_seq_ = 0;
    // Receive sequence space.
    std::uint32_t rcv_nxt_ = 0;
    std::uint32_t rcv_adv_ = 0;     // right edge of the window we last advertised
    std::uint16_t send_mss_ = 536;  // RFC 9293 3.7.1 default until the peer's MSS arrives
    std::uint16_t mss_ = 0;         // config_.mss
    std::uint32_t recv_buffer_ = 0; // config_.recv_buffer (clamped)
    std::uint32_t send_buffer_ = 0; // config_.send_buffer

    ByteQueue send_buf_;
    ByteQueue readable_;
    // In-order text handle_segment_borrowing() left in the caller's buffer (readable_ is
    // empty while this is not): it follows readable_'s bytes in sequence.
    wire::ByteView borrowed_;

    // Timers (absolute ns), then reassembly and the endpoints.
    Deadline retransmit_at_;
    Deadline persist_at_;
    Deadline delayed_ack_at_;
    Deadline time_wait_at_;
    Reassembly ooo_;                       // out-of-order data beyond rcv_nxt_
    std::optional<std::uint32_t> ooo_fin_; // sequence number of a FIN that arrived early
    Endpoint local_;
    Endpoint remote_;

    // The lone event, then congestion control (RFC 5681, NewReno recovery of RFC 6582 in its
    // simplest form).
    Event first_event_; // events()[0] while event_count_ is 1
    std::uint8_t event_count_ = 0;
    bool from_listen_ = false; // SYN-RECEIVED entered from LISTEN (an RST returns there)
    bool syn_retransmitted_ = false;
    std::uint32_t cwnd_ = 0xffffffff;
    std::uint32_t ssthresh_ = 0xffffffff;
    std::uint32_t ca_acked_ = 0; // bytes acked since cwnd last grew in congestion avoidance
    int dup_acks_ = 0;
    int retries_ = 0;
    int persist_count_ = 0;
    std::optional<std::uint32_t> recover_; // set while in fast recovery: snd_max at entry

    // RTT timing and the estimator, then the counters (the ones every segment updates first).
    std::optional<std::uint32_t> timed_seq_; // first byte of the segment timed for RTT
    std::int64_t timed_at_ = 0;
    RttEstimator rtt_;
    Stats stats_;

    std::uint32_t irs_ = 0;
    std::vector<Event> more_events_; // events() while event_count_ is 2 or more
    Config config_;
    wire::TcpRepr rst_; // the RST to send while rst_pending_
};

// For a segment that matched no connection: the RST a closed port answers with
// (RFC 9293 3.10.7.1), ports swapped; nullopt if the segment itself is an RST.
std::optional<wire::TcpRepr> reset_for_unmatched(const wire::TcpRepr& segment,
                                                 std::size_t payload_len);

} // namespace wirelab::tcp
