// Engine.IO v4 client session (see engineio_session.hpp), as engine.io-client 6's socket.js,
// transports/polling.js and Socket._probe:
//   opening --open packet (WebSocket message, or in the handshake GET's payload)--> open
//   polling: one GET in flight at a time, re-polled as soon as its answer is handled; the
//            write buffer goes out as one POST when none is in flight (split at maxPayload)
//   upgrade: take_upgrade_request -> WebSocket open -> 2probe -> 3probe -> pausing (no new
//            GET/POST; wait for the ones in flight) -> 5 on the WebSocket, buffer flushed
//   open --close packet / transport close / error status / ping timeout / close()--> closed
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
    const auto packet = decode_text(text);
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
    receive(*packet, now);
}

void ClientSession::receive_binary(std::string_view bytes, std::int64_t) {
    if (state_ != SessionState::open) return;
    if (transport_ == Transport::polling) {
        if (probe_ != Probe::none) fail_upgrade("probe error");
        return;
    }
    events_.push_back({SessionEvent::Kind::message, true, std::string(bytes), {}});
}

void ClientSession::receive(const Packet& packet, std::int64_t now) {
    switch (packet.type) {
    case PacketType::ping:
        send(Packet::text(PacketType::pong, packet.data));
        ping_deadline_ =
            now + (handshake_.ping_interval_ms + handshake_.ping_timeout_ms) * ns_per_ms;
        break;
    case PacketType::message:
        events_.push_back({SessionEvent::Kind::message, packet.binary, packet.data, {}});
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
    if (state_ == SessionState::closed || transport_ != Transport::polling) return;
    if (status != 200) return end("transport error");
    if (!get) {
        flush(); // the drain: the next POST, if packets were buffered meanwhile
        return maybe_finish_upgrade();
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
    if (state_ == SessionState::open && ping_deadline_ && now >= *ping_deadline_) {
        end("ping timeout");
    }
}

// ---- commands ----------------------------------------------------------------------------

bool ClientSession::send_text(std::string_view message) {
    if (state_ != SessionState::open) return false;
    send(Packet::text(PacketType::message, std::string(message)));
    return true;
}

bool ClientSession::send_binary(std::string_view bytes) {
    if (state_ != SessionState::open) return false;
    send(Packet::bytes(std::string(bytes)));
    return true;
}

void ClientSession::close() {
    if (state_ != SessionState::open) return;
    if (transport_ == Transport::polling) {
        // Polling.doClose: the close packet in a POST, after what was still buffered
        // (Socket.close waits for the drain).
        write_buffer_.push_back(Packet::text(PacketType::close));
        requests_.push_back({"POST", std::string(polling_query) + "&sid=" + handshake_.sid,
                             encode_payload(write_buffer_)});
    } else {
        out_.push_back(encode_frame(Packet::text(PacketType::close)));
    }
    end("forced close");
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
}

void ClientSession::fail_upgrade(std::string reason) {
    if (probe_ == Probe::none) return;
    probe_ = Probe::none;
    events_.push_back({SessionEvent::Kind::upgrade_error, false, {}, std::move(reason)});
    if (transport_ == Transport::polling) {
        poll(); // a paused transport polls again
        flush();
    }
}

void ClientSession::end(std::string reason) {
    state_ = SessionState::closed;
    ping_deadline_.reset();
    probe_ = Probe::none;
    write_buffer_.clear();
    events_.push_back({SessionEvent::Kind::close, false, {}, std::move(reason)});
}

} // namespace wirelab::sio::engineio
