// Engine.IO v4 server session (see engineio_session.hpp); the client is in
// engineio_client_session.cpp. Transitions, as engine.io 6's socket.ts and polling.ts:
//   opening --open() (WebSocket) / open_polling() (handshake GET)--> open
//   open --close packet / transport close / ping timeout / parse error / over maxPayload /
//          overlapping GET / close()--> closed
//   polling upgrade: none --open_upgrade--> probing --2probe: 3probe, held GET gets 6-->
//          upgrading --5: transport = websocket, queue flushed as frames--> none;
//          any other packet, the probe WebSocket closing or upgrade_timeout_ms: upgrade_error
#include "sim/proto/sio/engineio_session.hpp"

#include <algorithm>
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

std::string_view to_string(Transport t) {
    return t == Transport::polling ? "polling" : "websocket";
}

namespace {
// The reference's answer to a request for a session on the other transport.
PollResponse bad_request() {
    return {400, "application/json", R"({"code":3,"message":"Bad request"})"};
}
} // namespace

// ---- input -------------------------------------------------------------------------------

void ServerSession::open(std::int64_t now) {
    if (state_ != SessionState::opening) return;
    state_ = SessionState::open;
    transport_ = Transport::websocket;
    send(Packet::text(PacketType::open, encode_handshake(handshake_)));
    next_ping_ = now + handshake_.ping_interval_ms * ns_per_ms;
    events_.push_back({SessionEvent::Kind::open, false, {}, {}});
}

void ServerSession::open_polling(std::int64_t now) {
    if (state_ != SessionState::opening) return;
    state_ = SessionState::open;
    transport_ = Transport::polling;
    handshake_.upgrades = {"websocket"};
    send(Packet::text(PacketType::open, encode_handshake(handshake_)));
    next_ping_ = now + handshake_.ping_interval_ms * ns_per_ms;
    events_.push_back({SessionEvent::Kind::open, false, {}, {}});
}

void ServerSession::receive_text(std::string_view text, std::int64_t now) {
    if (state_ != SessionState::open) return;
    if (static_cast<std::int64_t>(text.size()) > handshake_.max_payload) {
        if (transport_ == Transport::polling) return fail_upgrade("max payload exceeded");
        return end("max payload exceeded", 1009);
    }
    const auto packet = decode_text(text);
    if (transport_ == Transport::polling) {
        // On a polling session every WebSocket message is on the probe WebSocket.
        if (!packet) return fail_upgrade("probe error");
        return receive_probe(*packet, now);
    }
    if (!packet) return end("parse error", 1002);
    receive(*packet, now);
}

void ServerSession::receive_binary(std::string_view bytes, std::int64_t now) {
    if (state_ != SessionState::open) return;
    if (transport_ == Transport::polling) return fail_upgrade("probe error");
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
    case PacketType::upgrade: // not on an upgrade WebSocket: nothing to upgrade
    case PacketType::noop: break;
    }
}

// Socket.maybeUpgrade's onPacket: 2probe -> 3probe and a forced polling cycle (the held GET
// answered with a noop so the client can pause polling); 5 -> the WebSocket takes over.
void ServerSession::receive_probe(const Packet& packet, std::int64_t) {
    if (upgrade_ == Upgrade::probing && packet.type == PacketType::ping && packet.data == "probe") {
        out_.push_back(encode_frame(Packet::text(PacketType::pong, "probe")));
        upgrade_ = Upgrade::upgrading;
        noop_due_ = true;
        return;
    }
    if (upgrade_ == Upgrade::upgrading && packet.type == PacketType::upgrade) {
        transport_ = Transport::websocket;
        upgrade_ = Upgrade::none;
        upgrade_deadline_.reset();
        noop_due_ = false;
        // What was waiting for a GET goes out on the WebSocket, in order.
        for (const Packet& p : std::exchange(queue_, {}))
            out_.push_back(encode_frame(p));
        events_.push_back({SessionEvent::Kind::upgrade, false, {}, {}});
        return;
    }
    fail_upgrade(upgrade_ == Upgrade::none ? "no upgrade in progress" : "probe error");
}

void ServerSession::receive_transport_close() {
    if (state_ == SessionState::closed) return;
    if (transport_ == Transport::polling) {
        if (upgrade_ != Upgrade::none) fail_upgrade("transport closed");
        return;
    }
    end("transport close");
}

std::optional<PollResponse> ServerSession::handle_poll_get(std::int64_t) {
    if (state_ != SessionState::open || transport_ != Transport::polling) return bad_request();
    if (get_held_) {
        // polling.ts onPollRequest: "overlap from client" -> 400 for this one, the session
        // closes and the held GET gets the close packet.
        end("transport error");
        return PollResponse{400, "", ""};
    }
    get_held_ = true;
    return take_poll_response();
}

PollResponse ServerSession::handle_poll_post(std::string_view body, std::int64_t now) {
    if (state_ != SessionState::open || transport_ != Transport::polling) return bad_request();
    if (static_cast<std::int64_t>(body.size()) > handshake_.max_payload) {
        end("max payload exceeded");
        return {413, "", ""};
    }
    // decodePayload: the packets before a malformed one are still handled.
    for (;;) {
        const auto sep = body.find(record_separator);
        const auto packet = decode_text(body.substr(0, sep));
        if (!packet) {
            end("parse error");
            break;
        }
        receive(*packet, now);
        if (state_ != SessionState::open || sep == std::string_view::npos) break;
        body.remove_prefix(sep + 1);
    }
    // text/html, not text/plain: the reference avoids a download dialog in some browsers.
    return {200, "text/html", "ok"};
}

void ServerSession::receive_poll_abort() {
    if (state_ != SessionState::open || transport_ != Transport::polling || !get_held_) return;
    get_held_ = false;
    end("transport error");
}

bool ServerSession::open_upgrade(std::int64_t now) {
    if (state_ != SessionState::open || transport_ != Transport::polling ||
        upgrade_ != Upgrade::none)
        return false;
    upgrade_ = Upgrade::probing;
    upgrade_deadline_ = now + upgrade_timeout_ms * ns_per_ms;
    return true;
}

void ServerSession::handle_timeout(std::int64_t now) {
    if (state_ != SessionState::open) return;
    if (upgrade_deadline_ && now >= *upgrade_deadline_) fail_upgrade("upgrade timeout");
    if (pong_deadline_ && now >= *pong_deadline_) return end("ping timeout");
    if (next_ping_ && now >= *next_ping_) {
        next_ping_.reset();
        send(Packet::text(PacketType::ping));
        pong_deadline_ = now + handshake_.ping_timeout_ms * ns_per_ms;
    }
}

// ---- commands ----------------------------------------------------------------------------

bool ServerSession::send_text(std::string_view message) {
    if (state_ != SessionState::open) return false;
    if (transport_ == Transport::websocket) {
        // send() + encode_frame() of the message packet, encoded once in place.
        std::string text;
        text.reserve(1 + message.size());
        text.push_back(static_cast<char>('0' + static_cast<int>(PacketType::message)));
        text.append(message);
        out_.push_back({false, std::move(text)});
        return true;
    }
    send(Packet::text(PacketType::message, std::string(message)));
    return true;
}

bool ServerSession::send_binary(std::string_view bytes) {
    if (state_ != SessionState::open) return false;
    send(Packet::bytes(std::string(bytes)));
    return true;
}

void ServerSession::close() {
    if (state_ != SessionState::open) return;
    send(Packet::text(PacketType::close));
    end("forced close");
}

// ---- output ------------------------------------------------------------------------------

std::optional<PollResponse> ServerSession::take_poll_response() {
    if (!get_held_) return std::nullopt;
    const bool ready = !queue_.empty() || noop_due_ || state_ != SessionState::open ||
                       transport_ != Transport::polling;
    if (!ready) return std::nullopt;
    get_held_ = false;
    return payload_response();
}

std::optional<std::int64_t> ServerSession::poll_timeout() const {
    if (state_ != SessionState::open) return std::nullopt;
    std::optional<std::int64_t> t = pong_deadline_ ? pong_deadline_ : next_ping_;
    if (upgrade_deadline_ && (!t || *upgrade_deadline_ < *t)) t = upgrade_deadline_;
    return t;
}

// ---- helpers -----------------------------------------------------------------------------

void ServerSession::send(Packet packet) {
    if (transport_ == Transport::websocket) {
        out_.push_back(encode_frame(packet));
    } else {
        queue_.push_back(std::move(packet));
    }
}

// The whole queue as one payload (a noop when empty: the upgrade's forced cycle, or a GET
// still held when the session left polling).
PollResponse ServerSession::payload_response() {
    noop_due_ = false;
    if (queue_.empty()) queue_.push_back(Packet::text(PacketType::noop));
    PollResponse r;
    r.body = encode_payload(queue_);
    queue_.clear();
    return r;
}

void ServerSession::fail_upgrade(std::string reason) {
    if (upgrade_ == Upgrade::none && reason != "no upgrade in progress") return;
    upgrade_ = Upgrade::none;
    upgrade_deadline_.reset();
    noop_due_ = false;
    events_.push_back({SessionEvent::Kind::upgrade_error, false, {}, std::move(reason)});
}

void ServerSession::end(std::string reason, std::uint16_t code) {
    state_ = SessionState::closed;
    close_code_ = code;
    next_ping_.reset();
    pong_deadline_.reset();
    upgrade_deadline_.reset();
    upgrade_ = Upgrade::none;
    noop_due_ = false;
    if (transport_ == Transport::polling) {
        // polling.ts doClose: a held GET gets the close packet; a forced close first
        // delivers what was queued (Socket.close waits for the drain).
        if (reason != "forced close") queue_.clear();
        if (queue_.empty() || queue_.back().type != PacketType::close)
            queue_.push_back(Packet::text(PacketType::close));
    }
    events_.push_back({SessionEvent::Kind::close, false, {}, std::move(reason)});
}

} // namespace wirelab::sio::engineio
