// wirelab::tcp::Connection, part 1 of 3: construction, the application calls (open, send,
// recv, close, abort), state changes through the table of state.cpp, and the timers.
//   app calls / handle_timeout  (this file)
//   handle_segment              -> connection_input.cpp  (RFC 9293 3.10.7)
//   poll_transmit               -> connection_output.cpp (segments, RTO, persist)
#include "sim/proto/tcp/connection.hpp"

#include "sim/proto/tcp/seq.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace wirelab::tcp {

const char* to_string(EventKind k) {
    switch (k) {
    case EventKind::state_changed: return "state_changed";
    case EventKind::connected: return "connected";
    case EventKind::data_readable: return "data_readable";
    case EventKind::peer_closed: return "peer_closed";
    case EventKind::closed: return "closed";
    case EventKind::reset: return "reset";
    case EventKind::timed_out: return "timed_out";
    case EventKind::retransmit: return "retransmit";
    case EventKind::fast_retransmit: return "fast_retransmit";
    case EventKind::zero_window_probe: return "zero_window_probe";
    }
    return "?";
}

Connection::Connection(Config config, Endpoint local, Endpoint remote, std::uint32_t isn)
    : delays_acks_(config.delayed_ack > 0), congestion_control_(config.congestion_control),
      iss_(isn), snd_una_(isn), snd_nxt_(isn), snd_max_(isn), buf_seq_(isn + 1), mss_(config.mss),
      recv_buffer_(std::min<std::uint32_t>(config.recv_buffer, 65535)),
      send_buffer_(config.send_buffer), local_(local), remote_(remote),
      rtt_(config.initial_rto, config.min_rto, config.max_rto), config_(config) {
    config_.recv_buffer = recv_buffer_;
    send_mss_ = std::min<std::uint16_t>(536, config_.mss);
}

// ---- state changes --------------------------------------------------------------------------

void Connection::transition(std::int64_t now, Input input) {
    auto row = find_transition(state_, input);
    assert(row && "TCP input without a row in the state table");
    if (!row) return;
    State from = state_;
    state_ = row->to;
    push_event({EventKind::state_changed, from, state_});
    if (state_ == State::established && from != State::established) {
        push_event({EventKind::connected, from, state_});
        if (congestion_control_)
            cwnd_ = syn_retransmitted_ ? send_mss_ : config_.initial_cwnd_segments * send_mss_;
    }
    if (state_ == State::time_wait) {
        retransmit_at_.reset();
        persist_at_.reset();
        time_wait_at_ = now + config_.time_wait;
    }
    if (state_ == State::closed) {
        drop_everything();
        if (input == Input::rcv_rst)
            push_event({EventKind::reset, from, state_});
        else if (input == Input::give_up)
            push_event({EventKind::timed_out, from, state_});
        else
            push_event({EventKind::closed, from, state_});
    }
}

void Connection::drop_everything() {
    retransmit_at_.reset();
    persist_at_.reset();
    delayed_ack_at_.reset();
    time_wait_at_.reset();
    send_buf_.clear();
    ooo_.clear();
    ooo_fin_.reset();
    ack_pending_ = false;
    resend_head_ = false;
    probe_pending_ = false;
}

// ---- application calls ----------------------------------------------------------------------

void Connection::open_active(std::int64_t now) {
    if (state_ != State::closed) return;
    transition(now, Input::app_connect); // the SYN goes out on the next poll_transmit
}

void Connection::open_passive() {
    if (state_ != State::closed) return;
    transition(0, Input::app_listen);
}

std::size_t Connection::send(std::int64_t, wire::ByteView data) {
    bool open = state_ == State::syn_sent || state_ == State::syn_received ||
                state_ == State::established || state_ == State::close_wait;
    if (!open || fin_queued_) return 0;
    std::size_t room = send_buffer_ > send_buf_.size() ? send_buffer_ - send_buf_.size() : 0;
    std::size_t n = std::min(room, data.size());
    send_buf_.append(data.first(n));
    return n;
}

std::size_t Connection::recv(std::span<std::uint8_t> out) {
    keep_borrowed();
    std::size_t n = std::min(out.size(), readable_.size());
    if (n > 0) std::memcpy(out.data(), readable_.data(), n);
    readable_.erase_front(n);
    after_read(n);
    return n;
}

wire::ByteView Connection::recv_view() {
    if (!borrowed_.empty()) { // all that is readable (readable_ is empty meanwhile)
        const wire::ByteView out = borrowed_;
        borrowed_ = {};
        after_read(out.size());
        return out;
    }
    const wire::ByteView out = readable_.view();
    // Taking everything empties the queue without moving a byte: the view stays intact
    // until data is appended again.
    readable_.erase_front(out.size());
    after_read(out.size());
    return out;
}

void Connection::after_read(std::size_t n) {
    // Receiver-side SWS avoidance (RFC 9293 3.8.6.2.2): announce the opened window once it
    // grew by min(buffer/2, MSS), or at once if it had closed.
    std::uint32_t edge = rcv_nxt_ + rcv_wnd();
    std::uint32_t grown = edge - rcv_adv_;
    std::uint32_t threshold = std::min<std::uint32_t>(recv_buffer_ / 2, mss_);
    bool synchronized = is_synchronized(state_) && state_ != State::close_wait &&
                        state_ != State::closing && state_ != State::last_ack &&
                        state_ != State::time_wait;
    if (n > 0 && synchronized && seq_gt(edge, rcv_adv_) &&
        (grown >= threshold || rcv_adv_ == rcv_nxt_))
        ack_now();
}

wire::Bytes Connection::recv_all() {
    wire::Bytes out(bytes_readable());
    recv(out);
    return out;
}

void Connection::close(std::int64_t now) {
    switch (state_) {
    case State::listen:
    case State::syn_sent: transition(now, Input::app_close); break;
    case State::syn_received:
    case State::established:
    case State::close_wait:
        fin_queued_ = true; // FIN goes out after the queued data
        transition(now, Input::app_close);
        break;
    default: break; // already closing
    }
}

void Connection::abort(std::int64_t now) {
    if (state_ == State::closed) return;
    bool send_rst = state_ == State::syn_received || is_synchronized(state_);
    if (send_rst && state_ != State::time_wait) send_reset(snd_max_, std::nullopt);
    transition(now, Input::app_abort);
}

void Connection::send_reset(std::uint32_t seq, std::optional<std::uint32_t> ack) {
    wire::TcpRepr r;
    r.src_port = local_.port;
    r.dst_port = remote_.port;
    r.seq = seq;
    r.flags = wire::TcpRepr::RST;
    if (ack) {
        r.flags |= wire::TcpRepr::ACK;
        r.ack = *ack;
    }
    rst_ = r;
    rst_pending_ = true;
}

void Connection::ack_now() {
    ack_pending_ = true;
    delayed_ack_at_.reset();
}

void Connection::ack_later(std::int64_t now) {
    // RFC 9293 3.8.6.3: delay at most config.delayed_ack, and ACK every second full segment.
    if (!delays_acks_ || delayed_ack_at_) return ack_now();
    delayed_ack_at_ = now + config_.delayed_ack;
}

// ---- timers ---------------------------------------------------------------------------------

void Connection::handle_timeout(std::int64_t now) {
    if (time_wait_at_ && *time_wait_at_ <= now) {
        time_wait_at_.reset();
        transition(now, Input::time_wait_done);
        return;
    }
    if (delayed_ack_at_ && *delayed_ack_at_ <= now) ack_now();
    if (retransmit_at_ && *retransmit_at_ <= now) on_retransmit_timeout(now);
    if (persist_at_ && *persist_at_ <= now) on_persist_timeout(now);
}

// The persist timer's interval: the RTO, doubled per probe already sent, at most max_rto.
void Connection::arm_persist(std::int64_t now) {
    std::int64_t interval = rtt_.rto();
    for (int i = 0; i < persist_count_ && interval < config_.max_rto; ++i)
        interval *= 2;
    persist_at_ = now + std::min(interval, config_.max_rto);
}

// ---- unmatched segments ---------------------------------------------------------------------

std::optional<wire::TcpRepr> reset_for_unmatched(const wire::TcpRepr& seg,
                                                 std::size_t payload_len) {
    if (seg.has(wire::TcpRepr::RST)) return std::nullopt;
    wire::TcpRepr r;
    r.src_port = seg.dst_port;
    r.dst_port = seg.src_port;
    if (seg.has(wire::TcpRepr::ACK)) {
        r.seq = seg.ack; // <SEQ=SEG.ACK><CTL=RST>
        r.flags = wire::TcpRepr::RST;
    } else {
        r.seq = 0; // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
        r.ack = seg.seq + seg.seq_len(payload_len);
        r.flags = wire::TcpRepr::RST | wire::TcpRepr::ACK;
    }
    return r;
}

} // namespace wirelab::tcp
