// wirelab::tcp::Connection, part 2 of 3: SEGMENT ARRIVES (RFC 9293 3.10.7), in the RFC's
// order: LISTEN, SYN-SENT, then the other states — sequence check, RST, SYN, ACK, text, FIN.
// Each function decides which Input a segment is; the state table decides where it leads.
#include "sim/proto/tcp/connection.hpp"

#include "sim/proto/tcp/seq.hpp"

#include <algorithm>
#include <cassert>

namespace wirelab::tcp {

using wire::TcpRepr;

void Connection::segment_arrives(std::int64_t now, const TcpRepr& r, wire::ByteView payload,
                                 Endpoint from, bool borrow) {
    assert(borrowed_.empty() && "borrowed text must be taken or kept before the next segment");
    ++stats_.segments_received;
    switch (state_) {
    case State::closed: return; // the stage answers with reset_for_unmatched()
    case State::listen: on_listen(now, r, from); break;
    case State::syn_sent: on_syn_sent(now, r); break;
    case State::established:
        if (predicted(r, payload.size())) {
            on_predicted(now, r, payload, borrow);
            break;
        }
        [[fallthrough]];
    default: on_synchronized(now, r, payload); break;
    }
    update_persist(now);
}

// Header prediction (Van Jacobson's, as in BSD's tcp_input): the segment the steady state of
// a connection receives — in ESTABLISHED, ACK without SYN, FIN or RST, exactly at RCV.NXT,
// its text within the window, acknowledging nothing beyond SND.MAX, with nothing waiting out
// of order and no FIN queued. For such a segment on_synchronized's checks all come out the
// same way: it is acceptable (at RCV.NXT, within the window, or empty at a zero window), not
// a probe, needs no trimming, carries an ACK worth processing, leaves the state as it is
// (no FIN of ours to be acknowledged), and its text goes straight to the readable bytes.
// on_predicted() does only what is left, in the same order, through the same helpers.
bool Connection::predicted(const TcpRepr& r, std::size_t payload_len) const {
    return (r.flags & (TcpRepr::SYN | TcpRepr::FIN | TcpRepr::RST | TcpRepr::ACK)) ==
               TcpRepr::ACK &&
           r.seq == rcv_nxt_ && payload_len <= rcv_wnd() && seq_le(r.ack, snd_max_) &&
           !fin_queued_ && ooo_.empty() && !ooo_fin_;
}

void Connection::on_predicted(std::int64_t now, const TcpRepr& r, wire::ByteView payload,
                              bool borrow) {
    // Fifth: the ACK field (process_ack, ESTABLISHED, r.ack <= SND.MAX).
    take_ack(now, r, payload.size());
    // Seventh: the text, in order, with no hole to fill (process_text).
    if (!payload.empty()) {
        if (borrow && readable_.empty())
            borrowed_ = payload; // the caller takes it or has it kept before it goes
        else
            readable_.append(payload);
        auto n = static_cast<std::uint32_t>(payload.size());
        rcv_nxt_ += n;
        stats_.bytes_received += n;
        push_event({EventKind::data_readable, state_, state_, 0, 0, bytes_readable()});
        ack_later(now);
    }
}

void Connection::take_ack(std::int64_t now, const TcpRepr& r, std::size_t payload_len) {
    if (seq_gt(r.ack, snd_una_)) {
        on_new_ack(now, r.ack);
    } else if (r.ack == snd_una_ && payload_len == 0 && !r.has(TcpRepr::FIN) &&
               r.window == snd_wnd_ && snd_max_ != snd_una_) {
        on_duplicate_ack(); // RFC 5681 2: same ACK, no data, same window, data in flight
    }
    if (snd_wnd_ == 0 && r.window == 0) retries_ = 0; // the peer is alive, just full
    // Window update if the segment is newer than the one that last set it (3.10.7.4).
    if (seq_lt(snd_wl1_, r.seq) || (snd_wl1_ == r.seq && seq_le(snd_wl2_, r.ack))) {
        // The window reopened: a probe byte beyond the old edge was dropped; send it again.
        if (snd_wnd_ == 0 && r.window > 0 && r.ack == snd_una_) snd_nxt_ = snd_una_;
        snd_wnd_ = r.window;
        max_snd_wnd_ = std::max(max_snd_wnd_, snd_wnd_);
        snd_wl1_ = r.seq;
        snd_wl2_ = r.ack;
    }
}

void Connection::learn_options(const TcpRepr& r) {
    // RFC 9293 3.7.1: without the option the peer can take 536; we never exceed our own.
    send_mss_ = std::min<std::uint16_t>(r.mss.value_or(536), mss_);
    // No window scaling: we never offer the option, so RFC 7323 says neither side scales.
}

// 3.10.7.2. Only a SYN matters; an ACK deserves an RST, which the stage sends with
// reset_for_unmatched() (a listener has no remote endpoint to address it to).
void Connection::on_listen(std::int64_t now, const TcpRepr& r, Endpoint from) {
    if (r.has(TcpRepr::RST) || r.has(TcpRepr::ACK) || !r.has(TcpRepr::SYN)) return;
    remote_ = from;
    irs_ = r.seq;
    rcv_nxt_ = r.seq + 1;
    rcv_adv_ = rcv_nxt_;
    learn_options(r);
    snd_wnd_ = r.window;
    max_snd_wnd_ = r.window;
    snd_wl1_ = r.seq;
    snd_wl2_ = iss_;
    from_listen_ = true;
    transition(now, Input::rcv_syn); // the SYN-ACK goes out on poll_transmit
}

// 3.10.7.3.
void Connection::on_syn_sent(std::int64_t now, const TcpRepr& r) {
    bool has_ack = r.has(TcpRepr::ACK);
    if (has_ack && (seq_le(r.ack, iss_) || seq_gt(r.ack, snd_max_))) {
        if (!r.has(TcpRepr::RST)) send_reset(r.ack, std::nullopt);
        return;
    }
    if (r.has(TcpRepr::RST)) {
        if (has_ack) transition(now, Input::rcv_rst); // connection refused
        return;
    }
    if (!r.has(TcpRepr::SYN)) return;
    irs_ = r.seq;
    rcv_nxt_ = r.seq + 1;
    rcv_adv_ = rcv_nxt_;
    learn_options(r);
    snd_wnd_ = r.window;
    max_snd_wnd_ = r.window;
    snd_wl1_ = r.seq;
    snd_wl2_ = has_ack ? r.ack : iss_;
    if (has_ack) {
        on_new_ack(now, r.ack);
        ack_now();
        transition(now, Input::rcv_syn_ack);
    } else {
        // Simultaneous open: answer <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
        snd_nxt_ = iss_;
        from_listen_ = false;
        transition(now, Input::rcv_syn);
    }
}

// 3.10.7.4, for SYN-RECEIVED and every synchronized state.
void Connection::on_synchronized(std::int64_t now, TcpRepr r, wire::ByteView payload) {
    const std::uint32_t wnd = rcv_wnd();

    // SYN-RECEIVED sees the peer's SYN again: our SYN-ACK was lost; send it again now.
    // In a simultaneous open its SYN-ACK arrives instead (RFC 9293 figure 8): the SYN is
    // old news, the ACK completes our half.
    if (state_ == State::syn_received && r.has(TcpRepr::SYN) && r.seq == irs_) {
        if (!r.has(TcpRepr::ACK)) {
            if (!syn_acked()) snd_nxt_ = iss_;
            return;
        }
        r.flags &= static_cast<std::uint8_t>(~TcpRepr::SYN);
        r.seq += 1;
    }

    const std::uint32_t len = r.seq_len(payload.size());
    // First: sequence number acceptable? (the four cases of the RFC's table)
    bool acceptable;
    if (len == 0)
        acceptable = wnd == 0 ? r.seq == rcv_nxt_ : seq_in(r.seq, rcv_nxt_, rcv_nxt_ + wnd);
    else if (wnd == 0)
        acceptable = false;
    else
        acceptable = seq_in(r.seq, rcv_nxt_, rcv_nxt_ + wnd) ||
                     seq_in(r.seq + len - 1, rcv_nxt_, rcv_nxt_ + wnd);
    bool zero_window_probe = !acceptable && wnd == 0 && r.seq == rcv_nxt_;
    if (!acceptable && !zero_window_probe) {
        if (!r.has(TcpRepr::RST)) {
            if (len > 0) ++stats_.duplicates;
            ack_now();
            // A retransmitted FIN in TIME-WAIT: our last ACK was lost; restart the 2MSL wait.
            if (state_ == State::time_wait && r.has(TcpRepr::FIN))
                time_wait_at_ = now + config_.time_wait;
        }
        return;
    }
    if (zero_window_probe) {
        // RFC 9293 3.10.7.4: with a zero window still process ACK and RST, drop the text.
        payload = {};
        r.flags &= static_cast<std::uint8_t>(~(TcpRepr::FIN | TcpRepr::SYN));
        ack_now();
    }

    // Second: RST. Exactly RCV.NXT resets; elsewhere in the window earns a challenge ACK
    // (RFC 5961 3.2, adopted by RFC 9293).
    if (r.has(TcpRepr::RST)) {
        if (r.seq != rcv_nxt_) return ack_now();
        if (state_ == State::syn_received && from_listen_) {
            transition(now, Input::rst_to_listen);
            remote_ = {};
            snd_nxt_ = snd_una_ = snd_max_ = iss_;
            retransmit_at_.reset();
            return;
        }
        return transition(now, Input::rcv_rst);
    }

    // Fourth: a SYN in a synchronized state gets a challenge ACK (RFC 5961 4.2).
    if (r.has(TcpRepr::SYN)) return ack_now();

    // Trim to the window: drop what is before RCV.NXT, and what is beyond its right edge.
    if (seq_lt(r.seq, rcv_nxt_)) {
        std::uint32_t skip =
            std::min<std::uint32_t>(rcv_nxt_ - r.seq, static_cast<std::uint32_t>(payload.size()));
        payload = payload.subspan(skip);
        r.seq += skip;
    }
    std::uint32_t offset = r.seq - rcv_nxt_;
    if (offset + payload.size() > wnd) {
        payload = payload.first(wnd > offset ? wnd - offset : 0);
        r.flags &= static_cast<std::uint8_t>(~TcpRepr::FIN);
    }

    // Fifth: the ACK field.
    if (!r.has(TcpRepr::ACK)) return;
    if (!process_ack(now, r, payload.size())) return;

    // Seventh and eighth: text and FIN.
    process_text(now, r, payload);
}

// Returns false when processing of the segment must stop here.
bool Connection::process_ack(std::int64_t now, const TcpRepr& r, std::size_t payload_len) {
    if (state_ == State::syn_received) {
        if (!seq_in(r.ack, snd_una_ + 1, snd_max_ + 1)) {
            send_reset(r.ack, std::nullopt); // <SEQ=SEG.ACK><CTL=RST>
            return false;
        }
        on_new_ack(now, r.ack);
        snd_wnd_ = r.window;
        max_snd_wnd_ = std::max(max_snd_wnd_, snd_wnd_);
        snd_wl1_ = r.seq;
        snd_wl2_ = r.ack;
        transition(now, Input::rcv_ack_of_syn);
    }
    if (seq_gt(r.ack, snd_max_)) { // acks something not yet sent
        ack_now();
        return false;
    }
    take_ack(now, r, payload_len);

    if (fin_acked()) {
        switch (state_) {
        case State::fin_wait_1: transition(now, Input::rcv_ack_of_fin); break;
        case State::closing: transition(now, Input::rcv_ack_of_fin); return false;
        case State::last_ack: transition(now, Input::rcv_ack_of_fin); return false;
        default: break;
        }
    }
    return state_ != State::closed;
}

void Connection::on_new_ack(std::int64_t now, std::uint32_t ack) {
    std::uint32_t acked = ack - snd_una_;
    // RTT sample only from a segment never retransmitted (Karn): retransmission clears it.
    if (timed_seq_ && seq_gt(ack, *timed_seq_)) {
        rtt_.sample(now - timed_at_);
        ++stats_.rtt_samples;
        timed_seq_.reset();
    }
    snd_una_ = ack;
    if (seq_lt(snd_nxt_, snd_una_)) snd_nxt_ = snd_una_;
    std::uint32_t data = 0;
    if (seq_gt(ack, buf_seq_)) {
        data =
            std::min<std::uint32_t>(ack - buf_seq_, static_cast<std::uint32_t>(send_buf_.size()));
        send_buf_.erase_front(data);
        buf_seq_ += data;
        stats_.bytes_acked += data;
    }
    retries_ = 0;
    if (snd_una_ == snd_max_)
        retransmit_at_.reset();
    else
        retransmit_at_ = now + rtt_.rto(); // RFC 6298 5.3

    if (!congestion_control_ || data == 0) {
        dup_acks_ = 0;
        return;
    }
    if (recover_) {
        if (seq_ge(ack, *recover_)) { // full ACK: leave fast recovery (RFC 5681 3.2 step 6)
            cwnd_ = ssthresh_;
            recover_.reset();
        } else { // partial ACK: the next hole is lost too; deflate and resend it
            cwnd_ = cwnd_ > acked ? cwnd_ - acked + send_mss_ : send_mss_;
            resend_head_ = true;
            timed_seq_.reset();
        }
    } else if (cwnd_ < ssthresh_) {
        cwnd_ += std::min<std::uint32_t>(acked, send_mss_); // slow start (RFC 5681 3.1)
    } else {
        ca_acked_ += acked; // congestion avoidance: one MSS per cwnd acknowledged
        if (ca_acked_ >= cwnd_) {
            ca_acked_ -= cwnd_;
            cwnd_ += send_mss_;
        }
    }
    dup_acks_ = 0;
}

void Connection::on_duplicate_ack() {
    ++dup_acks_;
    if (!congestion_control_) return;
    if (dup_acks_ == 3 && !recover_) { // fast retransmit (RFC 5681 3.2)
        ssthresh_ = std::max(flight_size() / 2, 2u * send_mss_);
        cwnd_ = ssthresh_ + 3u * send_mss_;
        recover_ = snd_max_;
        resend_head_ = true;
        timed_seq_.reset();
        push_event({EventKind::fast_retransmit, state_, state_, snd_una_, rtt_.rto()});
    } else if (dup_acks_ > 3 && recover_) {
        cwnd_ += send_mss_; // each further duplicate means a segment left the network
    }
}

void Connection::process_text(std::int64_t now, const TcpRepr& r, wire::ByteView payload) {
    bool takes_text =
        state_ == State::established || state_ == State::fin_wait_1 || state_ == State::fin_wait_2;
    if (!takes_text) {
        if (r.has(TcpRepr::FIN) && state_ != State::closed) ack_now(); // a repeated FIN
        return;
    }
    bool fin = r.has(TcpRepr::FIN);
    if (r.seq != rcv_nxt_) {
        // Out of order: keep it for later, and ACK at once so the sender sees the hole.
        if (!payload.empty()) {
            ooo_.insert(r.seq - rcv_nxt_, payload);
            ++stats_.out_of_order;
        }
        if (fin) ooo_fin_ = r.seq + static_cast<std::uint32_t>(payload.size());
        ack_now();
        return;
    }
    if (!payload.empty()) {
        bool filled_hole = !ooo_.empty();
        readable_.append(payload);
        auto n = static_cast<std::uint32_t>(payload.size());
        rcv_nxt_ += n;
        stats_.bytes_received += n;
        if (filled_hole) { // (nothing waits beyond RCV.NXT in the common case)
            wire::Bytes more = ooo_.advance(n);
            readable_.append(more);
            rcv_nxt_ += static_cast<std::uint32_t>(more.size());
            stats_.bytes_received += more.size();
        }
        push_event({EventKind::data_readable, state_, state_, 0, 0, readable_.size()});
        if (filled_hole || fin)
            ack_now();
        else
            ack_later(now);
    }
    if (fin) ooo_fin_ = r.seq + static_cast<std::uint32_t>(payload.size());
    if (ooo_fin_ && *ooo_fin_ == rcv_nxt_) process_fin(now);
}

void Connection::process_fin(std::int64_t now) {
    ooo_fin_.reset();
    rcv_nxt_ += 1;
    ack_now();
    push_event({EventKind::peer_closed, state_, state_});
    transition(now, Input::rcv_fin);
}

} // namespace wirelab::tcp
