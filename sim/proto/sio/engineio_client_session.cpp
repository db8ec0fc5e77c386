// Engine.IO v4 client session (see engineio_session.hpp), as engine.io-client 6's socket.js,
// transports/polling.js and Socket._probe:
//   opening --open packet (WebSocket message, or in the handshake GET's payload)--> open
//   polling: one GET in flight at a time, re-polled as soon as its answer is handled; the
//            write buffer goes out as one POST when none is in flight (split at maxPayload)
//   upgrade: take_upgrade_request -> WebSocket open -> 2probe -> 3probe -> pausing (no new
//            GET/POST; wait for the ones in flight) -> 5 on the WebSocket, buffer flushed
//   open --close()--> closing: the buffer drains (one POST at a time), then the close packet
//            alone in a last POST --> closed ("forced close"); that POST's answer is awaited
//   open --close packet / transport close / error status / ping timeout--> closed
#include "sim/proto/sio/engineio_session.hpp"

#include <algorithm>
#include <utility>

namespace wirelab::sio::engineio {

namespace {
constexpr std::string_view polling_query = "EIO=4&transport=polling";
}

// ---- input -------------------------------------------------------------------------------

void ClientSession::start(std::int64_t) {
    if (state_ != SessionState::opening || transport_ != Transport::polling || get_in_flight_)
        return;
    get_in_flight_ = true;
    requests_.push_back({"GET", std::string(polling_query), {}});
}

void ClientSession::receive_text(std::string_view text, std::int64_t now) {
    if (state_ == SessionState::closed) return;
    auto packet = decode_text(text);
    if (transport_ == Transport::polling) {
        // Only the probe WebSocket carries messages while the session is on polling.
        if (state_ != SessionState::open || probe_ == Probe::none) return;
        if (!packet) return fail_upgrade("probe error");
        return receive_probe(*packet);
    }
    if (!packet) return end("parse error");
    if (state_ == SessionState::opening) {
        const auto h =
            packet->type == PacketType::open ? decode_handshake(packet->data) : std::nullopt;
        if (!h) return end("parse error");
        return on_handshake(*h, now);
    }
    receive(std::move(*packet), now);
}

std::optional<std::string_view> ClientSession::plain_message(std::string_view text) const {
    if (state_ != SessionState::open || transport_ != Transport::websocket || !events_.empty() ||
        text.empty() || text[0] != '0' + static_cast<int>(PacketType::message))
        return std::nullopt;
    return text.substr(1);
}

void ClientSession::receive_binary(std::string_view bytes, std::int64_t) {
    if (state_ != SessionState::open) return;
    if (transport_ == Transport::polling) {
        if (probe_ != Probe::none) fail_upgrade("probe error");
        return;
    }
    events_.push_back({SessionEvent::Kind::message, true, std::string(bytes), {}});
}

void ClientSession::receive(Packet packet, std::int64_t now) {
    switch (packet.type) {
    case PacketType::ping:
        // Socket._sendPacket drops packets once "closing", the pong too.
        if (!closing_) send(Packet::text(PacketType::pong, packet.data));
        ping_deadline_ =
            now + (handshake_.ping_interval_ms + handshake_.ping_timeout_ms) * ns_per_ms;
        break;
    case PacketType::message:
        events_.push_back({SessionEvent::Kind::message, packet.binary, std::move(packet.data), {}});
        break;
    case PacketType::close: end("transport close"); break;
    case PacketType::open: end("parse error"); break;
    case PacketType::pong:
    case PacketType::upgrade:
    case PacketType::noop: break;
    }
}

// Socket._probe: only "3probe" is the right answer to "2probe".
void ClientSession::receive_probe(const Packet& packet) {
    if (probe_ == Probe::probing && packet.type == PacketType::pong && packet.data == "probe") {
        probe_ = Probe::pausing;
        return maybe_finish_upgrade();
    }
    fail_upgrade("probe error");
}

void ClientSession::on_handshake(const Handshake& h, std::int64_t now) {
    handshake_ = h;
    state_ = SessionState::open;
    ping_deadline_ = now + (h.ping_interval_ms + h.ping_timeout_ms) * ns_per_ms;
    events_.push_back({SessionEvent::Kind::open, false, {}, {}});
    // The probe (Socket._probe). No timer of ours bounds it, as in engine.io-client 6.6: its
    // WebSocket open has no timeout, and the heartbeat keeps running on polling. What ends a
    // stalled probe is the server (engine.io closes a probe that sends no 5 within
    // upgradeTimeout, 10 s: receive_transport_close -> "probe error: transport closed") or
    // the session closing; a probe WebSocket that never opens waits as long as the session.
    if (transport_ == Transport::polling && allow_upgrade_ &&
        std::find(h.upgrades.begin(), h.upgrades.end(), "websocket") != h.upgrades.end())
        upgrade_wanted_ = true;
}

void ClientSession::receive_transport_close() {
    if (state_ == SessionState::closed) return;
    if (transport_ == Transport::polling) {
        if (probe_ != Probe::none) fail_upgrade("probe error: transport closed");
        return;
    }
    end("transport close");
}

void ClientSession::receive_poll_response(std::string_view method, int status,
                                          std::string_view body, std::int64_t now) {
    const bool get = method == "GET";
    if (get ? !get_in_flight_ : !post_in_flight_) return;
    (get ? get_in_flight_ : post_in_flight_) = false;
    if (!get) close_post_pending_ = false; // the close POST: answered (or failed), done
    if (state_ == SessionState::closed || transport_ != Transport::polling) return;
    // Request.onError -> Polling.onError("xhr poll error" / "xhr post error").
    if (status != 200) return fail(get ? "xhr poll error" : "xhr post error");
    if (!get) {
        flush(); // the drain: the next POST, if packets were buffered meanwhile
        maybe_finish_upgrade();
        return maybe_finish_close();
    }
    // Polling.onData: each packet of the payload, a close packet ends the transport.
    for (;;) {
        const auto sep = body.find(record_separator);
        const auto packet = decode_text(body.substr(0, sep));
        if (!packet) return end("parse error");
        if (state_ == SessionState::opening) {
            const auto h =
                packet->type == PacketType::open ? decode_handshake(packet->data) : std::nullopt;
            if (!h) return end("parse error");
            on_handshake(*h, now);
        } else {
            receive(*packet, now);
        }
        if (state_ == SessionState::closed) return;
        if (sep == std::string_view::npos) break;
        body.remove_prefix(sep + 1);
    }
    if (transport_ == Transport::polling && probe_ != Probe::pausing) poll();
    flush();
    maybe_finish_upgrade();
    maybe_finish_close();
}

void ClientSession::handle_upgrade_open(std::int64_t) {
    if (state_ != SessionState::open || transport_ != Transport::polling || probe_ != Probe::none)
        return;
    probe_ = Probe::probing;
    out_.push_back(encode_frame(Packet::text(PacketType::ping, "probe")));
}

void ClientSession::handle_upgrade_error(std::string reason) {
    if (state_ != SessionState::open || transport_ != Transport::polling) return;
    probe_ = Probe::probing; // so that fail_upgrade reports it
    fail_upgrade("probe error: " + reason);
}

void ClientSession::handle_timeout(std::int64_t now) {
    if (!ping_deadline_ || now < *ping_deadline_) return;
    if (state_ == SessionState::open) return end("ping timeout");
    // The close POST never came back: engine.io-client does not wait for it at all (its XHR
    // has no timeout unless requestTimeout is set); we keep its connection no longer than
    // the heartbeat would have kept the session.
    close_post_pending_ = false;
    ping_deadline_.reset();
}

// ---- commands ----------------------------------------------------------------------------

bool ClientSession::send_text(std::string_view message) {
    if (state_ != SessionState::open || closing_) return false;
    send(Packet::text(PacketType::message, std::string(message)));
    return true;
}

bool ClientSession::send_binary(std::string_view bytes) {
    if (state_ != SessionState::open || closing_) return false;
    send(Packet::bytes(std::string(bytes)));
    return true;
}

// Socket.close: "closing", then close() at the drain (or after the upgrade). While still
// opening, Polling.doClose would defer the close packet to "open", but Socket._onClose strips
// the transport's listeners right after, so nothing is ever sent: the same here.
void ClientSession::close() {
    if (state_ == SessionState::closed || closing_) return;
    if (state_ == SessionState::opening) return end("forced close");
    closing_ = true;
    maybe_finish_close();
}

// ---- helpers -----------------------------------------------------------------------------

void ClientSession::send(Packet packet) {
    if (transport_ == Transport::websocket) {
        out_.push_back(encode_frame(packet));
        return;
    }
    write_buffer_.push_back(std::move(packet));
    flush();
}

// Socket.flush + _getWritablePackets: one POST at a time, none while upgrading, and no
// more packets in one than fit in maxPayload.
void ClientSession::flush() {
    if (transport_ != Transport::polling || state_ != SessionState::open || post_in_flight_ ||
        probe_ == Probe::pausing || write_buffer_.empty())
        return;
    std::size_t take = write_buffer_.size();
    std::int64_t size = 1;
    for (std::size_t i = 0; i < write_buffer_.size(); ++i) {
        size += static_cast<std::int64_t>(encode_text(write_buffer_[i]).size()) - 1;
        if (i > 0 && size > handshake_.max_payload) {
            take = i;
            break;
        }
        size += 2;
    }
    post_in_flight_ = true;
    requests_.push_back({"POST", std::string(polling_query) + "&sid=" + handshake_.sid,
                         encode_payload(std::span<const Packet>(write_buffer_.data(), take))});
    write_buffer_.erase(write_buffer_.begin(), write_buffer_.begin() + static_cast<long>(take));
}

void ClientSession::poll() {
    if (get_in_flight_ || state_ != SessionState::open) return;
    get_in_flight_ = true;
    requests_.push_back({"GET", std::string(polling_query) + "&sid=" + handshake_.sid, {}});
}

// Polling.pause finished (no GET, no POST in flight): 5 on the WebSocket, which now
// carries the session and whatever was buffered meanwhile.
void ClientSession::maybe_finish_upgrade() {
    if (probe_ != Probe::pausing || get_in_flight_ || post_in_flight_) return;
    probe_ = Probe::none;
    transport_ = Transport::websocket;
    out_.push_back(encode_frame(Packet::text(PacketType::upgrade)));
    for (const Packet& p : std::exchange(write_buffer_, {}))
        out_.push_back(encode_frame(p));
    events_.push_back({SessionEvent::Kind::upgrade, false, {}, {}});
    maybe_finish_close(); // a close() that waited for the upgrade (waitForUpgrade)
}

// The drain is done (nothing buffered, no POST in flight) and no upgrade is pausing the
// transport: the close packet goes out on its own, and the session is over.
void ClientSession::maybe_finish_close() {
    if (!closing_ || state_ != SessionState::open || probe_ == Probe::pausing ||
        !write_buffer_.empty() || post_in_flight_)
        return;
    const Packet close_packet = Packet::text(PacketType::close);
    if (transport_ == Transport::polling) {
        // Polling.doClose: write([{type: "close"}]), a POST of its own.
        post_in_flight_ = close_post_pending_ = true;
        requests_.push_back({"POST", std::string(polling_query) + "&sid=" + handshake_.sid,
                             encode_payload(std::span<const Packet>(&close_packet, 1))});
    } else {
        out_.push_back(encode_frame(close_packet));
    }
    const auto deadline = ping_deadline_;
    end("forced close");
    if (close_post_pending_) ping_deadline_ = deadline; // bounds the wait for its answer
}

void ClientSession::fail_upgrade(std::string reason) {
    if (probe_ == Probe::none) return;
    probe_ = Probe::none;
    events_.push_back({SessionEvent::Kind::upgrade_error, false, {}, std::move(reason)});
    if (transport_ == Transport::polling) {
        poll(); // a paused transport polls again
        flush();
        maybe_finish_close();
    }
}

// Socket._onError: the error, then the close.
void ClientSession::fail(std::string error) {
    events_.push_back({SessionEvent::Kind::error, false, {}, std::move(error)});
    end("transport error");
}

void ClientSession::end(std::string reason) {
    state_ = SessionState::closed;
    ping_deadline_.reset();
    probe_ = Probe::none;
    write_buffer_.clear();
    events_.push_back({SessionEvent::Kind::close, false, {}, std::move(reason)});
}

} // namespace wirelab::sio::engineio
