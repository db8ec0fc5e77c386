// Engine.IO v4 server and client sessions (see engineio_session.hpp). Transitions:
//   server: opening --open()--> open --close packet / transport close / ping timeout /
//           parse error / over maxPayload / close()--> closed
//   client: opening --open packet--> open --(same causes)--> closed
#include "sim/proto/sio/engineio_session.hpp"

#include <utility>

namespace wirelab::sio::engineio {

std::string_view to_string(SessionState s) {
    switch (s) {
    case SessionState::opening: return "opening";
    case SessionState::open: return "open";
    case SessionState::closed: return "closed";
    }
    return "?";
}

// ---- server ------------------------------------------------------------------------------

void ServerSession::open(std::int64_t now) {
    if (state_ != SessionState::opening) return;
    state_ = SessionState::open;
    out_.push_back(encode_frame(Packet::text(PacketType::open, encode_handshake(handshake_))));
    next_ping_ = now + handshake_.ping_interval_ms * ns_per_ms;
    events_.push_back({SessionEvent::Kind::open, false, {}, {}});
}

void ServerSession::receive_text(std::string_view text, std::int64_t now) {
    if (state_ != SessionState::open) return;
    if (static_cast<std::int64_t>(text.size()) > handshake_.max_payload) {
        return end("max payload exceeded", 1009);
    }
    const auto packet = decode_text(text);
    if (!packet) return end("parse error", 1002);
    receive(*packet, now);
}

void ServerSession::receive_binary(std::string_view bytes, std::int64_t now) {
    if (state_ != SessionState::open) return;
    if (static_cast<std::int64_t>(bytes.size()) > handshake_.max_payload) {
        return end("max payload exceeded", 1009);
    }
    receive(Packet::bytes(std::string(bytes)), now);
}

void ServerSession::receive(const Packet& packet, std::int64_t now) {
    switch (packet.type) {
    case PacketType::pong:
        // The pong answers our ping: disarm the timeout, the next ping is an interval away.
        if (pong_deadline_) {
            pong_deadline_.reset();
            next_ping_ = now + handshake_.ping_interval_ms * ns_per_ms;
        }
        break;
    case PacketType::message:
        events_.push_back({SessionEvent::Kind::message, packet.binary, packet.data, {}});
        break;
    case PacketType::close: end("transport close"); break;
    case PacketType::open: end("parse error", 1002); break; // only the server sends open
    case PacketType::ping:    // v4 clients do not ping; the reference ignores it
    case PacketType::upgrade: // already on the WebSocket
    case PacketType::noop: break;
    }
}

void ServerSession::receive_transport_close() {
    if (state_ != SessionState::closed) end("transport close");
}

void ServerSession::handle_timeout(std::int64_t now) {
    if (state_ != SessionState::open) return;
    if (pong_deadline_ && now >= *pong_deadline_) return end("ping timeout");
    if (next_ping_ && now >= *next_ping_) {
        next_ping_.reset();
        out_.push_back(encode_frame(Packet::text(PacketType::ping)));
        pong_deadline_ = now + handshake_.ping_timeout_ms * ns_per_ms;
    }
}

bool ServerSession::send_text(std::string_view message) {
    if (state_ != SessionState::open) return false;
    out_.push_back(encode_frame(Packet::text(PacketType::message, std::string(message))));
    return true;
}

bool ServerSession::send_binary(std::string_view bytes) {
    if (state_ != SessionState::open) return false;
    out_.push_back(encode_frame(Packet::bytes(std::string(bytes))));
    return true;
}

void ServerSession::close() {
    if (state_ != SessionState::open) return;
    out_.push_back(encode_frame(Packet::text(PacketType::close)));
    end("forced close");
}

std::optional<std::int64_t> ServerSession::poll_timeout() const {
    if (state_ != SessionState::open) return std::nullopt;
    return pong_deadline_ ? pong_deadline_ : next_ping_;
}

void ServerSession::end(std::string reason, std::uint16_t code) {
    state_ = SessionState::closed;
    close_code_ = code;
    next_ping_.reset();
    pong_deadline_.reset();
    events_.push_back({SessionEvent::Kind::close, false, {}, std::move(reason)});
}

// ---- client ------------------------------------------------------------------------------

void ClientSession::receive_text(std::string_view text, std::int64_t now) {
    if (state_ == SessionState::closed) return;
    const auto packet = decode_text(text);
    if (!packet) return end("parse error");
    if (state_ == SessionState::opening) {
        const auto h =
            packet->type == PacketType::open ? decode_handshake(packet->data) : std::nullopt;
        if (!h) return end("parse error");
        handshake_ = *h;
        state_ = SessionState::open;
        ping_deadline_ = now + (h->ping_interval_ms + h->ping_timeout_ms) * ns_per_ms;
        events_.push_back({SessionEvent::Kind::open, false, {}, {}});
        return;
    }
    switch (packet->type) {
    case PacketType::ping:
        out_.push_back(encode_frame(Packet::text(PacketType::pong, packet->data)));
        ping_deadline_ =
            now + (handshake_.ping_interval_ms + handshake_.ping_timeout_ms) * ns_per_ms;
        break;
    case PacketType::message:
        events_.push_back({SessionEvent::Kind::message, packet->binary, packet->data, {}});
        break;
    case PacketType::close: end("transport close"); break;
    case PacketType::open: end("parse error"); break;
    case PacketType::pong:
    case PacketType::upgrade:
    case PacketType::noop: break;
    }
}

void ClientSession::receive_binary(std::string_view bytes, std::int64_t) {
    if (state_ != SessionState::open) return;
    events_.push_back({SessionEvent::Kind::message, true, std::string(bytes), {}});
}

void ClientSession::receive_transport_close() {
    if (state_ != SessionState::closed) end("transport close");
}

void ClientSession::handle_timeout(std::int64_t now) {
    if (state_ == SessionState::open && ping_deadline_ && now >= *ping_deadline_) {
        end("ping timeout");
    }
}

bool ClientSession::send_text(std::string_view message) {
    if (state_ != SessionState::open) return false;
    out_.push_back(encode_frame(Packet::text(PacketType::message, std::string(message))));
    return true;
}

bool ClientSession::send_binary(std::string_view bytes) {
    if (state_ != SessionState::open) return false;
    out_.push_back(encode_frame(Packet::bytes(std::string(bytes))));
    return true;
}

void ClientSession::close() {
    if (state_ != SessionState::open) return;
    out_.push_back(encode_frame(Packet::text(PacketType::close)));
    end("forced close");
}

void ClientSession::end(std::string reason) {
    state_ = SessionState::closed;
    ping_deadline_.reset();
    events_.push_back({SessionEvent::Kind::close, false, {}, std::move(reason)});
}

} // namespace wirelab::sio::engineio
