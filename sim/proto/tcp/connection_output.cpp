// wirelab::tcp::Connection, part 3 of 3: what goes on the wire and when. poll_transmit()
// hands out, in priority order: a pending RST, the SYN (or SYN-ACK), a retransmission of the
// first unacknowledged segment, a zero-window probe, new data (and FIN) within
// min(peer window, cwnd), and finally a bare ACK. The retransmission timer follows RFC 6298
// (one timer, restarted on new ACKs, backed off on expiry); after a timeout the sender goes
// back to SND.UNA and, with congestion control, restarts from a one-segment window.
#include "sim/proto/tcp/connection.hpp"

#include "sim/proto/tcp/seq.hpp"

#include <algorithm>

namespace wirelab::tcp {

using wire::TcpRepr;

std::vector<Event> Connection::take_events() {
    std::vector<Event> out(events().begin(), events().end());
    clear_events();
    return out;
}

void Connection::push_more_event(const Event& e) {
    if (event_count_ == 1) {
        more_events_.clear();
        more_events_.push_back(first_event_);
    }
    more_events_.push_back(e);
    if (event_count_ < 2) event_count_ = 2; // (2 means "in more_events_")
}

// Everything poll_transmit() may hand out, in priority order (its inline fast path has found
// that at least one source may have something).
std::optional<Segment> Connection::next_segment(std::int64_t now) {
    std::optional<Segment> seg;
    if (rst_pending_) {
        seg = Segment{rst_, {}};
        rst_pending_ = false;
    } else if (state_ != State::closed && state_ != State::listen) {
        // Each source is asked only when it may have something: the SYN while SND.NXT is
        // still at the ISS, new data while bytes or a FIN are unsent (the steady state asks
        // neither, and most calls end with nothing to send).
        if (snd_nxt_ == iss_) seg = syn_segment(now);
        if (!seg && resend_head_) {
            resend_head_ = false;
            seg = head_retransmission(now);
        }
        if (!seg && probe_pending_) {
            probe_pending_ = false;
            if (can_send_data() && seq_lt(snd_nxt_, data_end_seq())) {
                // Whatever the window allows, at least one byte (a zero-window probe).
                std::uint32_t edge = snd_una_ + snd_wnd_;
                std::uint32_t usable = seq_gt(edge, snd_nxt_) ? edge - snd_nxt_ : 0;
                std::uint32_t len = std::min({std::max<std::uint32_t>(usable, 1),
                                              data_end_seq() - snd_nxt_, std::uint32_t{send_mss_}});
                seg = data_segment(now, snd_nxt_, len, false);
                snd_nxt_ += len;
            }
        }
        if (!seg && has_new_output()) seg = new_data_segment(now);
        // A bare ACK carries SND.MAX, not a rolled-back SND.NXT: the peer may already hold
        // everything up to SND.MAX and would find an older sequence number unacceptable,
        // ignore the ACK field and answer with its own ACK (an ACK war).
        if (!seg && ack_pending_ && state_ != State::syn_sent)
            seg = Segment{header(TcpRepr::ACK, snd_max_), {}};
    }
    if (!seg) {
        update_persist(now);
        return std::nullopt;
    }
    ++stats_.segments_sent;
    stats_.bytes_sent += seg->payload.size();
    return seg;
}

TcpRepr Connection::header(std::uint8_t flags, std::uint32_t seq) {
    TcpRepr r;
    r.src_port = local_.port;
    r.dst_port = remote_.port;
    r.seq = seq;
    r.flags = flags;
    r.window = static_cast<std::uint16_t>(rcv_wnd());
    if (flags & TcpRepr::ACK) {
        r.ack = rcv_nxt_;
        ack_pending_ = false;
        delayed_ack_at_.reset();
        rcv_adv_ = rcv_nxt_ + r.window;
    }
    return r;
}

// Bookkeeping shared by everything that occupies sequence space.
void Connection::on_sent(std::int64_t now, std::uint32_t seq, std::uint32_t seq_len) {
    if (seq_len == 0) return;
    if (seq_lt(seq, snd_max_)) {
        ++stats_.retransmissions;
        if (seq == iss_) syn_retransmitted_ = true;
    } else if (!timed_seq_) {
        timed_seq_ = seq; // Karn: only a first transmission is ever timed
        timed_at_ = now;
    }
    if (seq_gt(seq + seq_len, snd_max_)) snd_max_ = seq + seq_len;
    if (!retransmit_at_) retransmit_at_ = now + rtt_.rto();
}

std::optional<Segment> Connection::syn_segment(std::int64_t now) {
    if (syn_acked() || snd_nxt_ != iss_) return std::nullopt;
    bool have_peer_syn = state_ != State::syn_sent;
    if (state_ != State::syn_sent && state_ != State::syn_received && state_ != State::fin_wait_1)
        return std::nullopt;
    TcpRepr r = header(have_peer_syn ? TcpRepr::SYN | TcpRepr::ACK : TcpRepr::SYN, iss_);
    r.mss = config_.mss;
    snd_nxt_ = iss_ + 1;
    on_sent(now, iss_, 1);
    return Segment{r, {}};
}

Segment Connection::data_segment(std::int64_t now, std::uint32_t seq, std::size_t len, bool fin) {
    std::uint8_t flags = TcpRepr::ACK;
    const std::size_t first = seq - buf_seq_;
    if (len > 0 && seq + static_cast<std::uint32_t>(len) == data_end_seq()) flags |= TcpRepr::PSH;
    if (fin) flags |= TcpRepr::FIN;
    Segment s{header(flags, seq), wire::ByteView(send_buf_.data() + first, len)};
    on_sent(now, seq, s.repr.seq_len(len));
    return s;
}

std::optional<Segment> Connection::head_retransmission(std::int64_t now) {
    if (!syn_acked()) {
        snd_nxt_ = iss_;
        return syn_segment(now);
    }
    if (!can_send_data()) return std::nullopt;
    const std::uint32_t data_end = data_end_seq();
    const std::uint32_t sent_end = seq_lt(snd_max_, data_end) ? snd_max_ : data_end;
    std::uint32_t len = seq_gt(sent_end, snd_una_) ? sent_end - snd_una_ : 0;
    len = std::min<std::uint32_t>(len, send_mss_);
    bool fin = fin_sent() && snd_una_ + len == data_end;
    if (len == 0 && !fin) return std::nullopt;
    Segment s = data_segment(now, snd_una_, len, fin);
    std::uint32_t end = snd_una_ + len + (fin ? 1 : 0);
    if (seq_lt(snd_nxt_, end)) snd_nxt_ = end;
    return s;
}

std::optional<Segment> Connection::new_data_segment(std::int64_t now) {
    if (!can_send_data()) return std::nullopt;
    const std::uint32_t data_end = data_end_seq();
    std::uint32_t avail = seq_lt(snd_nxt_, data_end) ? data_end - snd_nxt_ : 0;
    std::uint32_t wnd = std::min(snd_wnd_, cwnd_);
    std::uint32_t edge = snd_una_ + wnd;
    std::uint32_t usable = seq_gt(edge, snd_nxt_) ? edge - snd_nxt_ : 0;
    std::uint32_t len = std::min({avail, usable, std::uint32_t{send_mss_}});
    // Sender-side SWS avoidance (RFC 9293 3.8.6.2.1), without Nagle: send a full segment,
    // everything that is queued, or at least half the largest window the peer offered.
    if (len > 0 && len < avail && len < send_mss_ && len < max_snd_wnd_ / 2) len = 0;
    bool fin = fin_queued_ && snd_nxt_ + len == data_end;
    if (len == 0 && !fin) return std::nullopt;
    Segment s = data_segment(now, snd_nxt_, len, fin);
    snd_nxt_ += len + (fin ? 1 : 0);
    return s;
}

void Connection::on_retransmit_timeout(std::int64_t now) {
    retransmit_at_.reset();
    if (retries_ >= config_.max_retransmissions) {
        if (state_ != State::syn_sent) send_reset(snd_max_, std::nullopt);
        transition(now, Input::give_up);
        return;
    }
    ++retries_;
    ++stats_.timeouts;
    rtt_.back_off();    // RFC 6298 5.5
    timed_seq_.reset(); // Karn: the timed segment may be the one we resend
    if (congestion_control_ && syn_acked()) {
        ssthresh_ = std::max(flight_size() / 2, 2u * send_mss_); // RFC 5681 (4)
        cwnd_ = send_mss_;
        ca_acked_ = 0;
        dup_acks_ = 0;
        recover_.reset();
    }
    snd_nxt_ = snd_una_; // go back: resend from the first unacknowledged byte (or the SYN)
    resend_head_ = syn_acked();
    retransmit_at_ = now + rtt_.rto(); // RFC 6298 5.6
    push_event({EventKind::retransmit, state_, state_, snd_una_, rtt_.rto()});
}

void Connection::on_persist_timeout(std::int64_t) {
    persist_at_.reset();
    ++persist_count_;
    probe_pending_ = true;
    if (snd_wnd_ == 0) push_event({EventKind::zero_window_probe, state_, state_, snd_nxt_, 0});
}

} // namespace wirelab::tcp
