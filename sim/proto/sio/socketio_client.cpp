// socketio::Client: the reference client's Manager + Socket for one namespace. The
// transitions follow socket.io-client 4.8's manager.js (open, onopen, onclose, reconnect,
// onreconnect) and socket.js (onopen -> CONNECT, onconnect -> emitBuffered, ondisconnect),
// including the order in which their events fire.
#include "sim/proto/sio/socketio_client.hpp"

namespace wirelab::sio::socketio {

using engineio::ns_per_ms;
using engineio::SessionEvent;
using Kind = ClientEvent::Kind;

namespace {
ClientEvent make(Kind kind, Json data = {}, std::string reason = {}, std::uint32_t attempt = 0) {
    ClientEvent e;
    e.kind = kind;
    e.data = std::move(data);
    e.reason = std::move(reason);
    e.attempt = attempt;
    return e;
}
} // namespace

std::string_view to_string(ClientEvent::Kind k) {
    switch (k) {
    case ClientEvent::Kind::connect: return "connect";
    case ClientEvent::Kind::disconnect: return "disconnect";
    case ClientEvent::Kind::connect_error: return "connect_error";
    case ClientEvent::Kind::event: return "event";
    case ClientEvent::Kind::ack: return "ack";
    case ClientEvent::Kind::reconnect_attempt: return "reconnect_attempt";
    case ClientEvent::Kind::reconnect: return "reconnect";
    case ClientEvent::Kind::reconnect_error: return "reconnect_error";
    case ClientEvent::Kind::reconnect_failed: return "reconnect_failed";
    }
    return "?";
}

Client::Client(ClientConfig config)
    : config_(std::move(config)),
      backoff_({config_.reconnection_delay_ms, config_.reconnection_delay_max_ms,
                config_.randomization_factor, 2}),
      root_nsp_(config_.nsp == "/") {}

// ---- input -------------------------------------------------------------------------------

void Client::handle_transport_open(std::int64_t) {
    // Nothing to send: the Engine.IO server speaks first (its open packet).
}

void Client::handle_transport_error(std::int64_t now, std::string reason) {
    if (phase_ != Phase::opening) return;
    on_open_failed(now, std::move(reason));
}

// Inputs go to the session, or to the closing one while there is no other (open_transport
// waits for it), so two sessions never share the sockets.
engineio::ClientSession* Client::engine() {
    if (session_) return &*session_;
    return closing_ ? &*closing_ : nullptr;
}

void Client::after_input(std::int64_t now) {
    session_ ? on_session(now) : on_closing(now);
}

void Client::receive_text(std::string_view text, std::int64_t now) {
    if (!engine()) return;
    // A broadcast's usual frame, a message on the open WebSocket session, is decoded where it
    // lies rather than copied into a session event first; on_session would do the same.
    if (const auto message = session_ ? session_->plain_message(text) : std::nullopt) {
        if (on_message(*message, false, now)) pump();
        return;
    }
    engine()->receive_text(text, now);
    after_input(now);
}

bool Client::receive_plain_event(std::string_view text, std::string& name, EventArgs& args) {
    // receive_text -> plain_message -> on_message's plain event, then pump() (which finds
    // nothing to do on a quiet WebSocket session); the event's fields land in name/args.
    if (!root_nsp_ || !events_.empty() || !out_.empty() || !commands_.empty() || !session_ ||
        !session_->quiet())
        return false;
    const auto message = session_->plain_message(text);
    std::string_view args_tail;
    if (!message || !decoder_.add_event_text(*message, name, args_tail)) return false;
    args.assign_tail(args_tail);
    return true;
}

void Client::receive_binary(std::string_view bytes, std::int64_t now) {
    if (!engine()) return;
    engine()->receive_binary(bytes, now);
    after_input(now);
}

void Client::receive_transport_close(std::int64_t now) {
    if (!engine()) return;
    engine()->receive_transport_close();
    after_input(now);
}

void Client::receive_http_response(std::string_view method, int status, std::string_view body,
                                   std::int64_t now) {
    if (!engine()) return;
    engine()->receive_poll_response(method, status, body, now);
    after_input(now);
}

void Client::handle_http_error(std::string_view method, std::int64_t now) {
    // An XHR error: the reference's "xhr poll error" / "xhr post error" -> transport error.
    receive_http_response(method, 0, {}, now);
}

void Client::handle_upgrade_open(std::int64_t now) {
    if (!engine()) return;
    engine()->handle_upgrade_open(now);
    after_input(now);
}

void Client::handle_upgrade_error(std::int64_t now, std::string reason) {
    if (!engine()) return;
    engine()->handle_upgrade_error(std::move(reason));
    after_input(now);
}

void Client::handle_timeout(std::int64_t now) {
    if (reconnect_at_ && now >= *reconnect_at_) {
        reconnect_at_.reset();
        if (!skip_reconnect_) {
            events_.push_back(make(Kind::reconnect_attempt, {}, {}, backoff_.attempts()));
            open_transport(now);
        }
    }
    if (open_deadline_ && now >= *open_deadline_) {
        commands_.push_back(TransportCommand::close);
        if (std::exchange(open_after_close_, false)) closing_.reset(); // closed with the rest
        on_open_failed(now, "timeout");
    }
    if (engine()) {
        engine()->handle_timeout(now);
        after_input(now);
    }
}

// ---- commands ----------------------------------------------------------------------------

void Client::connect(std::int64_t now) {
    if (phase_ != Phase::closed || reconnect_at_) return;
    skip_reconnect_ = false;
    open_transport(now);
}

void Client::emit(std::string_view event, const Json& args) {
    Packet p = event_packet(event, args);
    connected_ ? send_packet(p) : send_buffer_.push_back(std::move(p));
}

std::uint64_t Client::emit_with_ack(std::string_view event, const Json& args) {
    Packet p = event_packet(event, args);
    const std::uint64_t id = next_ack_++;
    p.id = id;
    pending_acks_.insert(id);
    connected_ ? send_packet(p) : send_buffer_.push_back(std::move(p));
    return id;
}

void Client::ack(std::uint64_t ack_id, const Json& args) {
    if (!connected_) return;
    send_packet(
        Packet{PacketType::ack, config_.nsp, ack_id, args.is_array() ? args : Json::array(), 0});
}

void Client::disconnect() {
    // Socket.disconnect() then Manager._close(): no reconnection, pending timer cancelled.
    const bool was_connected = connected_;
    if (was_connected) send_packet(Packet{PacketType::disconnect, config_.nsp, {}, {}, 0});
    skip_reconnect_ = true;
    reconnect_in_progress_ = false;
    reconnect_at_.reset();
    connected_ = false;
    sid_.clear();
    if (was_connected) {
        events_.push_back(make(Kind::disconnect, {}, "io client disconnect"));
    }
    drop_transport();
    backoff_.reset();
}

// ---- output ------------------------------------------------------------------------------

std::vector<engineio::Frame> Client::frames_to_send() {
    if (session_ && session_->has_frames()) { // usually none: no vectors moved about
        for (auto& f : session_->frames_to_send())
            out_.push_back(std::move(f));
    }
    return std::exchange(out_, {});
}

std::optional<std::int64_t> Client::poll_timeout() const {
    std::optional<std::int64_t> t = reconnect_at_;
    auto earliest = [&t](std::optional<std::int64_t> x) {
        if (x && (!t || *x < *t)) t = x;
    };
    earliest(open_deadline_);
    if (session_) earliest(session_->poll_timeout());
    if (closing_) earliest(closing_->poll_timeout());
    return t;
}

// ---- the Manager -------------------------------------------------------------------------

void Client::open_transport(std::int64_t now) {
    phase_ = Phase::opening;
    decoder_ = Decoder{};
    open_deadline_ = now + config_.timeout_ms * ns_per_ms;
    if (closing_) {
        // The old session's last POST is still out: the new one starts once it is answered
        // (on_closing), within the connect timeout armed above.
        open_after_close_ = true;
        return;
    }
    if (config_.transports == Transports::websocket_only) {
        session_.emplace();
        commands_.push_back(TransportCommand::open);
        return;
    }
    session_.emplace(engineio::Transport::polling, true);
    session_->start(now);
    pump();
}

// The session's HTTP requests and upgrade wish become commands, in order.
void Client::pump() {
    if (!session_) return;
    if (session_->has_poll_requests()) { // never on a WebSocket: no empty vector per message
        for (auto& r : session_->poll_requests()) {
            http_out_.push_back(std::move(r));
            commands_.push_back(TransportCommand::http_request);
        }
    }
    if (session_->take_upgrade_request()) commands_.push_back(TransportCommand::open_upgrade);
}

void Client::on_session(std::int64_t now) {
    // The session's events come through a buffer this client keeps (moved out while in use,
    // in case handling one re-enters): no vector is allocated per message.
    struct Lend {
        std::vector<SessionEvent>& home;
        std::vector<SessionEvent> events = std::move(home);
        ~Lend() { home = std::move(events); }
    } lend{session_events_};
    session_->take_events(lend.events);
    for (auto& ev : lend.events) {
        switch (ev.kind) {
        case SessionEvent::Kind::open: {
            // Manager.onopen -> Socket.onopen (CONNECT), then onreconnect when reconnecting.
            phase_ = Phase::open;
            open_deadline_.reset();
            send_packet(Packet{PacketType::connect, config_.nsp, {}, config_.auth, 0});
            if (reconnect_in_progress_) {
                const std::uint32_t attempt = backoff_.attempts();
                reconnect_in_progress_ = false;
                backoff_.reset();
                events_.push_back(make(Kind::reconnect, {}, {}, attempt));
            }
            break;
        }
        case SessionEvent::Kind::message:
            if (!on_message(ev.data, ev.binary, now)) return;
            break;
        case SessionEvent::Kind::error:
            // Manager.open's onError (connect_error, reconnect_error with the error's text)
            // while opening; then the Socket's onerror: connect_error unless connected.
            if (phase_ == Phase::opening) return on_open_failed(now, ev.reason);
            if (!connected_)
                events_.push_back(make(Kind::connect_error, Json{{"message", ev.reason}}));
            break;
        case SessionEvent::Kind::close: return on_close(now, ev.reason);
        case SessionEvent::Kind::upgrade: break;
        case SessionEvent::Kind::upgrade_error:
            commands_.push_back(TransportCommand::close_upgrade);
            break;
        }
        if (!session_) return; // on_packet may have dropped the transport
    }
    pump();
}

// Manager.ondata: one Engine.IO message to the decoder; a decode error closes with "parse
// error". False once the session is gone (that close, or the packet dropped the transport).
bool Client::on_message(std::string_view data, bool binary, std::int64_t now) {
    if (!binary && root_nsp_) {
        // A plain event for "/" (a broadcast's): decoded straight into the event on_packet
        // would build from the packet, its name never a Json string, its args kept as text.
        ClientEvent& ev = events_.emplace_back();
        std::string_view args_tail;
        if (decoder_.add_event_text(data, ev.name, args_tail)) {
            ev.args.assign_tail(args_tail); // the checked text, no JSON tree
            return session_.has_value();
        }
        events_.pop_back();
    }
    auto r = binary ? decoder_.add_binary(data) : decoder_.add_text(data);
    if (r.error) {
        commands_.push_back(TransportCommand::close);
        on_close(now, "parse error");
        return false;
    }
    if (r.packet) on_packet(*r.packet);
    return session_.has_value();
}

void Client::on_open_failed(std::int64_t now, std::string reason) {
    // Manager.open's onError: "error" (the Socket's connect_error), then either the
    // reconnect loop goes on (reconnect, then reconnect_error) or, on a first connect,
    // maybeReconnectOnOpen starts it.
    phase_ = Phase::closed;
    session_.reset();
    open_deadline_.reset();
    events_.push_back(make(Kind::connect_error, Json{{"message", reason}}));
    if (reconnect_in_progress_) {
        reconnect_in_progress_ = false;
        reconnect(now);
        events_.push_back(make(Kind::reconnect_error, {}, reason));
    } else if (config_.reconnection && backoff_.attempts() == 0) {
        reconnect(now);
    }
}

void Client::on_close(std::int64_t now, std::string reason) {
    if (phase_ == Phase::opening) return on_open_failed(now, std::move(reason));
    // Manager.onclose -> Socket.onclose ("disconnect") -> reconnect().
    for (auto& f : session_->frames_to_send())
        out_.push_back(std::move(f));
    pump();
    session_.reset();
    phase_ = Phase::closed;
    open_deadline_.reset();
    backoff_.reset();
    connected_ = false;
    sid_.clear();
    events_.push_back(make(Kind::disconnect, {}, std::move(reason)));
    if (config_.reconnection && !skip_reconnect_) reconnect(now);
}

void Client::reconnect(std::int64_t now) {
    if (reconnect_in_progress_ || skip_reconnect_) return;
    if (backoff_.attempts() >= config_.reconnection_attempts) {
        backoff_.reset();
        events_.push_back(make(Kind::reconnect_failed));
        reconnect_in_progress_ = false;
        return;
    }
    const std::int64_t delay_ms = backoff_.duration([this] { return next_random(); });
    reconnect_in_progress_ = true;
    reconnect_at_ = now + delay_ms * ns_per_ms;
}

// Manager.onclose -> engine.close(). On polling the session closes as engine.io-client's
// Socket.close: it keeps its connections until the close packet's POST is answered (or its
// heartbeat deadline passes), so it moves to closing_ and TransportCommand::close waits for
// on_closing. A probe not yet past 3probe is dropped at once ("probe error: socket closed").
void Client::drop_transport() {
    if (session_) {
        const bool polling = session_->transport() == engineio::Transport::polling;
        const bool probing = session_->upgrading();
        if (polling) session_->close();
        for (auto& f : session_->frames_to_send())
            out_.push_back(std::move(f));
        pump();
        if (probing && !session_->upgrading()) commands_.push_back(TransportCommand::close_upgrade);
        if (polling && (session_->closing() || session_->close_post_pending())) {
            session_->events(); // the Socket is gone: nothing more to report
            closing_ = std::move(session_);
        } else {
            commands_.push_back(TransportCommand::close);
        }
        session_.reset();
    }
    open_after_close_ = false; // a connect() waiting for closing_ is called off too
    phase_ = Phase::closed;
    open_deadline_.reset();
}

// The closing session moved on (a POST answered, a probe message, its deadline): its
// requests and frames go out; once it is over, the transport closes and a connect() that
// waited starts.
void Client::on_closing(std::int64_t now) {
    if (!closing_) return;
    for (const auto& ev : closing_->events())
        if (ev.kind == SessionEvent::Kind::upgrade_error)
            commands_.push_back(TransportCommand::close_upgrade);
    for (auto& f : closing_->frames_to_send())
        out_.push_back(std::move(f));
    for (auto& r : closing_->poll_requests()) {
        http_out_.push_back(std::move(r));
        commands_.push_back(TransportCommand::http_request);
    }
    if (closing_->closing() || closing_->close_post_pending()) return;
    closing_.reset();
    commands_.push_back(TransportCommand::close);
    if (std::exchange(open_after_close_, false)) {
        open_deadline_.reset();
        open_transport(now);
    }
}

double Client::next_random() {
    if (config_.random) return config_.random();
    // splitmix64, top 53 bits -> [0, 1)
    std::uint64_t z = (rng_state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53;
}

// ---- the Socket --------------------------------------------------------------------------

void Client::on_packet(Packet& packet) {
    if (packet.nsp != config_.nsp) return;
    switch (packet.type) {
    case PacketType::connect: {
        const Json& d = packet.data ? *packet.data : Json();
        if (!d.is_object() || !d.contains("sid") || !d["sid"].is_string()) {
            events_.push_back(make(Kind::connect_error,
                                   Json{{"message", "It seems you are trying to reach a "
                                                    "Socket.IO server in v2.x with a v3.x "
                                                    "client, but they are not compatible"}}));
            return;
        }
        connected_ = true;
        sid_ = d["sid"].get<std::string>();
        events_.push_back(make(Kind::connect, d));
        // emitBuffered: what was emitted while disconnected goes out in order.
        for (const auto& p : std::exchange(send_buffer_, {}))
            send_packet(p);
        return;
    }
    case PacketType::connect_error:
        // The namespace refused us: the Socket is destroyed and the Manager closes for good.
        events_.push_back(make(Kind::connect_error, packet.data ? *packet.data : Json::object()));
        skip_reconnect_ = true;
        return drop_transport();
    case PacketType::disconnect:
        connected_ = false;
        sid_.clear();
        events_.push_back(make(Kind::disconnect, {}, "io server disconnect"));
        skip_reconnect_ = true;
        return drop_transport();
    case PacketType::event:
    case PacketType::binary_event: {
        if (!packet.data || !packet.data->is_array() || packet.data->empty()) return;
        auto& items = packet.data->get_ref<Json::array_t&>();
        ClientEvent& ev = events_.emplace_back(); // built in place: an event per delivery
        ev.kind = Kind::event;
        ev.ack_id = packet.id;
        if (items[0].is_string())
            ev.name.swap(items[0].get_ref<std::string&>());
        else
            ev.name = stringify(items[0]);
        // The decoded array minus its name becomes the arguments: moved, not rebuilt.
        items.erase(items.begin());
        ev.args = std::move(*packet.data);
        return;
    }
    case PacketType::ack:
    case PacketType::binary_ack: {
        if (!packet.id || pending_acks_.erase(*packet.id) == 0) return;
        ClientEvent ev = make(Kind::ack);
        ev.args = packet.data ? *packet.data : Json::array();
        ev.ack_id = packet.id;
        events_.push_back(std::move(ev));
        return;
    }
    }
}

void Client::send_packet(const Packet& packet) {
    if (!session_) return;
    const Encoded e = encode(packet);
    session_->send_text(e.text);
    for (const auto& a : e.attachments)
        session_->send_binary(a);
    pump();
}

Packet Client::event_packet(std::string_view event, const Json& args) const {
    Json data = Json::array();
    data.push_back(std::string(event));
    if (args.is_array()) {
        for (const auto& a : args)
            data.push_back(a);
    }
    return Packet{PacketType::event, config_.nsp, {}, std::move(data), 0};
}

} // namespace wirelab::sio::socketio
