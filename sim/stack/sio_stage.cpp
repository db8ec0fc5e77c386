// SioStage: the Socket.IO server or clients of one host over its WsStage.
#include "sim/stack/sio_stage.hpp"

#include "sim/core/prefetch.hpp"
#include "sim/proto/sio/json_text.hpp"
#include "sim/stack/host.hpp"
#include "sim/stack/http_stage.hpp"
#include "sim/stack/tcp_stage.hpp"
#include "sim/stack/world.hpp"

#include <algorithm>
#include <string>

namespace wirelab::stack {

using trace::Kind;
namespace sock = sio::socketio;
namespace eio = sio::engineio;

namespace {

wire::ByteView bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

std::string describe_packet(const sock::Packet& p) {
    std::string out(sock::to_string(p.type));
    const bool root = p.nsp == "/";
    switch (p.type) {
    case sock::PacketType::connect:
    case sock::PacketType::disconnect:
    case sock::PacketType::connect_error:
        out += " " + p.nsp;
        if (p.data) out += " " + sio::stringify(*p.data);
        return out;
    case sock::PacketType::event:
    case sock::PacketType::binary_event: {
        if (!root) out += " " + p.nsp;
        if (p.data && p.data->is_array() && !p.data->empty()) {
            out += " " + sio::stringify((*p.data)[0]);
            sio::Json rest = sio::Json::array();
            for (std::size_t i = 1; i < p.data->size(); ++i)
                rest.push_back((*p.data)[i]);
            out += " " + sio::stringify(rest);
        }
        if (p.id) out += " (ack id " + std::to_string(*p.id) + ")";
        return out;
    }
    case sock::PacketType::ack:
    case sock::PacketType::binary_ack:
        if (!root) out += " " + p.nsp;
        if (p.id) out += " " + std::to_string(*p.id);
        if (p.data) out += " " + sio::stringify(*p.data);
        return out;
    }
    return out;
}

} // namespace

std::string describe_sio_frame(const eio::Frame& frame) {
    if (frame.binary) return "binary message (" + std::to_string(frame.data.size()) + " bytes)";
    auto packet = eio::decode_text(frame.data);
    if (!packet) return "malformed Engine.IO packet";
    if (packet->type != eio::PacketType::message) {
        std::string out = upper(eio::to_string(packet->type));
        if (!packet->data.empty()) out += " " + packet->data;
        return out;
    }
    sock::DecodeError why;
    auto p = sock::decode_string(packet->data, &why);
    if (!p) return "malformed Socket.IO packet: " + why.message;
    return describe_packet(*p);
}

void SioStage::from_above(Packet p, Meta m) {
    drop(p, m, trace::DropReason::none, "the Socket.IO stage takes data through emit()");
}
void SioStage::from_below(Packet p, Meta m) {
    drop(p, m, trace::DropReason::none, "the Socket.IO stage gets data from the WebSocket");
}

trace::EventId SioStage::note(std::string text, ConnId id, trace::EventId cause, bool state) {
    return host().world().record_text(state ? Kind::state : Kind::app, host().id(), 7, text, cause,
                                      id);
}

trace::TextId SioStage::frame_text(std::string_view data, bool binary, bool received) {
    // Described once per distinct frame and direction: a broadcast's copies share the text.
    const std::uint32_t tag = (binary ? 1u : 0u) | (received ? 2u : 0u);
    return host().world().memo_text(tag, data, [&] {
        return describe_sio_frame({binary, std::string(data)}) + (received ? " received" : " sent");
    });
}

trace::EventId SioStage::trace_frame(std::string_view data, bool binary, bool received, ConnId id,
                                     trace::EventId cause) {
    return host().world().record_text(Kind::app, host().id(), 7, frame_text(data, binary, received),
                                      cause, id);
}

// ---- server ------------------------------------------------------------------------------

void SioStage::ensure_server(const SioServerOptions& options) {
    if (server_) return;
    sock::ServerConfig config;
    config.ping_interval_ms = options.ping_interval_ms;
    config.ping_timeout_ms = options.ping_timeout_ms;
    // Session ids from the world's seeded generator: the same seed, the same trace.
    config.id_source = [this] {
        static constexpr char alphabet[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        std::string id(20, '\0');
        for (char& c : id)
            c = alphabet[host().world().random().next_u32() % 64];
        return id;
    };
    config.share_broadcast_frames = options.share_broadcast_frames; // see server_dispatch
    server_ = std::make_unique<sock::Server>(std::move(config));
}

void SioStage::listen(std::uint16_t port, trace::EventId cause, SioServerOptions options) {
    ensure_server(options);
    ports_.insert(port);
    host().ws()->listen(port, std::string(path), cause);
    // With an http stage, the same port answers Engine.IO's long-polling requests too.
    if (HttpStage* http = host().http()) http->route(port, std::string(path), this, cause);
}

void SioStage::server_dispatch(trace::EventId cause) {
    for (auto events = server_->events(); !events.empty(); events = server_->events())
        for (const sock::ServerEvent& e : events)
            on_server_event(e, cause);
    const std::vector<sock::Transmit> transmits = server_->transmits();
    WsStage& ws = *host().ws();
    // A broadcast sends to thousands of sessions, each cold: the sends three, two and one
    // ahead are warmed (WsStage::warm_send), a level each, while this one goes.
    const auto warm = [&](std::size_t j, unsigned level) {
        if (j >= transmits.size()) return;
        if (const ConnId* found = from_sio_.find(transmits[j].conn)) ws.warm_send(*found, level);
    };
    for (std::size_t i = 0; i < transmits.size(); ++i) {
        warm(i + 3, 0);
        warm(i + 2, 1);
        warm(i + 1, 2);
        const sock::Transmit& t = transmits[i];
        const ConnId* found = from_sio_.find(t.conn);
        if (!found) continue;
        ConnId id = *found;
        if (t.shared && !t.close_after) {
            send_shared(id, t, cause);
            continue;
        }
        broadcast_ = {}; // other lookups in the trace's memo: the run is over
        const std::string_view text = t.text();
        trace::EventId c = trace_frame(text, t.frame.binary, false, id, cause);
        ws.send_to(id, bytes_of(text), t.frame.binary, c);
        if (t.close_after) ws.close_conn(id, 1000, c);
    }
    broadcast_ = {};
    drain_polling(cause);
    arm_server_timer();
}

// One send of a broadcast's shared frame: what the loop above does for any frame
// (trace_frame, then WsStage::send_to), the WebSocket frame built once per broadcast and,
// once the memo's answers are known, its two lookups per send skipped.
void SioStage::send_shared(ConnId id, const sock::Transmit& t, trace::EventId cause) {
    Broadcast& b = broadcast_;
    if (b.shared != t.shared) {
        b = {};
        b.shared = t.shared;
        b.frame = WsStage::prepare_text(*t.shared);
    }
    World& world = host().world();
    WsStage& ws = *host().ws();
    if (b.known) {
        const trace::EventId c = world.record_text(Kind::app, host().id(), 7, b.text, cause, id);
        // A fallback looked up other bytes in the memo: know nothing from here on.
        if (ws.send_prepared(id, b.frame, true, c) == WsStage::SendResult::fallback) {
            b.known = false;
            b.seen = false;
        }
        return;
    }
    const trace::TextId text = frame_text(*t.shared, false, false);
    const trace::EventId c = world.record_text(Kind::app, host().id(), 7, text, cause, id);
    trace::EventId recorded = trace::no_event;
    if (ws.send_prepared(id, b.frame, false, c, &recorded) != WsStage::SendResult::prepared) {
        b.seen = false; // not the two lookups of a send: start over
        return;
    }
    const trace::Event& e = world.trace()[recorded];
    if (b.seen && text == b.text && e.pdu == b.frame.pdu && e.text == b.frame.text) {
        b.known = true; // the second send in a row found what the first left: hits from now
        return;
    }
    b.seen = true;
    b.text = text;
    b.frame.pdu = e.pdu;
    b.frame.text = e.text;
}

void SioStage::on_server_event(const sock::ServerEvent& e, trace::EventId cause) {
    const ConnId* from = from_sio_.find(e.conn);
    ConnId id = from ? *from : no_conn;
    // The server forgets a socket's id as it drops the socket: the stage keeps it so
    // that the disconnect is traced with the id the connection was.
    std::string sid{server_->socket_id(e.socket)};
    if (sid.empty())
        if (auto known = sids_.find(e.socket); known != sids_.end()) sid = known->second;
    switch (e.kind) {
    case sock::ServerEvent::Kind::connection:
        if (e.nsp == "/") sockets_.insert(e.socket);
        sids_[e.socket] = sid;
        note("Socket.IO socket " + sid + " connected to " + e.nsp, id, cause, true);
        return;
    case sock::ServerEvent::Kind::disconnect:
        note("Socket.IO socket " + sid + " disconnected (" + e.reason + ")", id, cause, true);
        rooms_.erase(e.socket);
        sockets_.erase(e.socket);
        sids_.erase(e.socket);
        return;
    case sock::ServerEvent::Kind::connect_error:
    case sock::ServerEvent::Kind::disconnecting: // `disconnect` follows, and is traced
    case sock::ServerEvent::Kind::ack: return;
    case sock::ServerEvent::Kind::event: break;
    }
    const bool has_room = !e.args.empty() && e.args[0].is_string();
    if ((e.name == "join" || e.name == "leave") && has_room) {
        const std::string room = e.args[0].get<std::string>();
        if (e.name == "join") {
            server_->join(e.socket, room);
            rooms_[e.socket].insert(room);
        } else {
            server_->leave(e.socket, room);
            rooms_[e.socket].erase(room);
        }
        note("chat: " + sid + (e.name == "join" ? " joined room " : " left room ") + room, id,
             cause);
        if (e.ack_id) server_->ack(e.socket, *e.ack_id, sio::Json::array({true}));
    } else if (e.name == "chat") {
        // socket.to(room).emit("chat", ...args): everyone in the sender's rooms but the
        // sender, each once; with no room, socket.broadcast.emit.
        const auto& rooms = rooms_[e.socket];
        std::size_t count = 0;
        if (rooms.empty()) {
            count = sockets_.size() - sockets_.count(e.socket);
            server_->broadcast_emit(e.socket, "chat", e.args);
        } else if (rooms.size() == 1) {
            auto members = server_->sockets_in(e.nsp, *rooms.begin());
            count = members.size() - std::count(members.begin(), members.end(), e.socket);
            server_->to_room_emit(e.nsp, *rooms.begin(), "chat", e.args, e.socket);
        } else {
            std::set<sock::SocketId> to;
            for (const std::string& room : rooms)
                for (sock::SocketId s : server_->sockets_in(e.nsp, room))
                    if (s != e.socket) to.insert(s);
            for (sock::SocketId s : to)
                server_->emit(s, "chat", e.args);
            count = to.size();
        }
        note("chat: " + sid + " → " + std::to_string(count) + " sockets", id, cause);
        if (e.ack_id) server_->ack(e.socket, *e.ack_id, sio::Json::array({count}));
    } else if (e.ack_id) {
        server_->ack(e.socket, *e.ack_id,
                     sio::Json::array({sio::Json{{"error", "unknown event " + e.name}}}));
    }
}

void SioStage::arm_server_timer() {
    auto& world = host().world();
    auto next = server_->poll_timeout();
    if (next == server_timer_at_) return;
    if (server_timer_at_) world.kernel().cancel(server_timer_);
    server_timer_at_ = next;
    if (!next) return;
    server_timer_ = world.at(std::max(*next, world.now()), [this] {
        server_timer_at_.reset();
        server_->handle_timeout(host().world().now());
        server_dispatch(trace::no_event);
    });
}

bool SioStage::broadcast(std::string_view event, const sio::Json& args, trace::EventId cause) {
    if (!server_) return false;
    server_->emit_all("/", event, args);
    server_dispatch(cause);
    return true;
}

bool SioStage::to_room(std::string_view room, std::string_view event, const sio::Json& args,
                       trace::EventId cause) {
    if (!server_) return false;
    server_->to_room_emit("/", room, event, args);
    server_dispatch(cause);
    return true;
}

// ---- client ------------------------------------------------------------------------------

void SioStage::connect(std::uint32_t ip, std::uint16_t port, std::string host_header,
                       trace::EventId cause, SioClientOptions options) {
    sock::ClientConfig config;
    config.timeout_ms = options.timeout_ms;
    if (options.polling) config.transports = sock::Transports::polling_then_upgrade;
    config.random = [this] { return host().world().random().uniform01(); };
    clients_.push_back(std::make_unique<ClientSlot>(std::move(config)));
    ClientSlot& slot = *clients_.back();
    slot.ip = ip;
    slot.port = port;
    slot.host_header = std::move(host_header);
    slot.client.connect(host().world().now());
    client_dispatch(clients_.size() - 1, cause);
}

namespace {
// "1.234 s": a back-off delay as the trace shows it (milliseconds are what it is made of).
std::string seconds_text(Time t) {
    const std::int64_t ms = t / 1'000'000;
    std::string frac = std::to_string(ms % 1000);
    return std::to_string(ms / 1000) + "." + std::string(3 - frac.size(), '0') + frac + " s";
}
} // namespace

// The client's WebSocket is finished with (the session ended under it, e.g. "ping
// timeout"): close it as engine.io-client's onClose closes its transport, and forget it, so
// that nothing still arriving on it (a retransmitted PING once the link is back) reaches
// the session of the next attempt.
void SioStage::drop_client_conn(ClientSlot& slot, trace::EventId cause) {
    if (slot.conn == no_conn) return;
    if (!host().ws()->close_conn(slot.conn, 1000, cause)) host().tcp()->abort(slot.conn, cause);
    forget_client_conn(slot.conn);
    slot.conn = no_conn;
}

// Each client event is traced as "Socket.IO client: <event>" followed by a space or a
// parenthesis, so that a cue waiting for "client: reconnect " never fires on
// "client: reconnect_attempt".
void SioStage::client_dispatch(std::size_t index, trace::EventId cause) {
    ClientSlot& slot = *clients_[index];
    const Time now = host().world().now();
    bool session_ended = false;
    // The events come through a buffer this stage keeps (moved out while in use, in case
    // handling one re-enters): no vector is allocated per delivery.
    struct Lend {
        std::vector<sock::ClientEvent>& home;
        std::vector<sock::ClientEvent> events = std::move(home);
        ~Lend() { home = std::move(events); }
    } lend{client_events_};
    for (slot.client.take_events(lend.events); !lend.events.empty();
         slot.client.take_events(lend.events)) {
        for (sock::ClientEvent& e : lend.events) {
            if (e.kind == sock::ClientEvent::Kind::event) {
                auto& [name, args] = slot.received.emplace_back();
                name = std::move(e.name);
                args = std::move(e.args);
                if (e.ack_id) slot.client.ack(*e.ack_id, sio::Json::array());
                continue;
            }
            std::string what = "Socket.IO client: " + std::string(sock::to_string(e.kind));
            switch (e.kind) {
            case sock::ClientEvent::Kind::connect: note(what, slot.conn, cause, true); break;
            case sock::ClientEvent::Kind::disconnect:
                note(what + " (" + e.reason + ")", slot.conn, cause, true);
                slot.waiting_since = now;
                session_ended = true;
                break;
            case sock::ClientEvent::Kind::reconnect_attempt:
                note(what + " " + std::to_string(e.attempt) + " (after " +
                         seconds_text(now - slot.waiting_since) + ")",
                     slot.conn, cause);
                break;
            case sock::ClientEvent::Kind::reconnect:
                note(what + " (after " + std::to_string(e.attempt) +
                         (e.attempt == 1 ? " attempt)" : " attempts)"),
                     slot.conn, cause);
                break;
            case sock::ClientEvent::Kind::reconnect_error:
                slot.waiting_since = now;
                note(what + (e.reason.empty() ? "" : " (" + e.reason + ")"), slot.conn, cause);
                break;
            case sock::ClientEvent::Kind::reconnect_failed: note(what, slot.conn, cause); break;
            case sock::ClientEvent::Kind::connect_error: {
                const bool has_message = e.data.is_object() && e.data.contains("message") &&
                                         e.data["message"].is_string();
                note(what + (has_message ? " (" + e.data["message"].get<std::string>() + ")" : ""),
                     slot.conn, cause);
                break;
            }
            default: break;
            }
        }
    }
    // Frames go on the WebSocket, or on the probe WebSocket while upgrading (2probe, 5).
    // (Most deliveries leave neither frames nor commands: no empty vectors are made then.)
    const ConnId ws_conn = slot.conn != no_conn ? slot.conn : slot.upgrade_conn;
    if (slot.client.has_frames_to_send()) {
        for (const eio::Frame& f : slot.client.frames_to_send()) {
            if (ws_conn == no_conn) break;
            trace::EventId c = trace_frame(f.data, f.binary, false, ws_conn, cause);
            host().ws()->send_to(ws_conn, bytes_of(f.data), f.binary, c);
        }
    }
    if (session_ended) {
        drop_client_conn(slot, cause);
        close_polling(slot, cause);
    }
    if (slot.client.has_transport_commands()) {
        for (sock::TransportCommand cmd : slot.client.transport_commands()) {
            if (cmd == sock::TransportCommand::open) {
                ConnId id =
                    host().ws()->connect(slot.ip, slot.port, slot.host_header,
                                         std::string(path) + "?EIO=4&transport=websocket", cause);
                slot.conn = id;
                client_of_[id] = index;
            } else {
                client_command(index, cmd, cause);
            }
        }
    }
    finish_upgrade(slot, cause);
    arm_client_timer(index);
}

// What client_dispatch does with a received event, when the client says that the message
// was that event and nothing else (Client::receive_plain_event): no event moved through the
// client's buffer and this stage's, no dispatch, the timer as it was (poll_timeout() did not
// change; arm_client_timer set the timer from it after the last input).
bool SioStage::receive_plain_event(ClientSlot& slot, std::string_view text) {
    // Engine.IO message, Socket.IO EVENT: else not even a place for it is made.
    if (text.size() < 2 || text[0] != '4' || text[1] != '2') return false;
    auto& [name, args] = slot.received.emplace_back();
    if (slot.client.receive_plain_event(text, name, args)) return true;
    slot.received.pop_back();
    return false;
}

bool SioStage::warm(ConnId id, unsigned level) const {
    if (!hot_slot_ || id != hot_conn_) return false;
    if (level == 0) {
        // What a received event reads: the client's last members (its decoder, phase and
        // session, see socketio::Client) and the slot's next ones — the 6 lines before
        // `received` and `received` itself, of a slot of ~20 lines.
        const auto* received = reinterpret_cast<const std::byte*>(&hot_slot_->received);
        const auto* begin =
            std::max(reinterpret_cast<const std::byte*>(hot_slot_), received - 6 * cache_line);
        prefetch_lines(begin,
                       static_cast<std::size_t>(received - begin) + sizeof(sio::ReceivedEvents));
        return true;
    }
    if (level == 1) { // where a received event will be built
        if (const void* next = hot_slot_->received.next_address())
            prefetch_lines(next, sizeof(sio::ReceivedEvents::value_type), true);
    }
    return false;
}

SioStage::ClientSlot* SioStage::find_client(ConnId id) {
    if (hot_slot_ && id == hot_conn_) return hot_slot_;
    const auto it = client_of_.find(id);
    if (it == client_of_.end()) return nullptr;
    hot_conn_ = id;
    hot_index_ = it->second;
    hot_slot_ = clients_[it->second].get();
    return hot_slot_;
}

void SioStage::forget_client_conn(ConnId id) {
    client_of_.erase(id);
    if (id == hot_conn_) hot_slot_ = nullptr;
}

void SioStage::arm_client_timer(std::size_t index) {
    ClientSlot& slot = *clients_[index];
    auto& world = host().world();
    auto next = slot.client.poll_timeout();
    if (next == slot.timer_at) return;
    if (slot.timer_at) world.kernel().cancel(slot.timer);
    slot.timer_at = next;
    if (!next) return;
    slot.timer = world.at(std::max(*next, world.now()), [this, index] {
        clients_[index]->timer_at.reset();
        clients_[index]->client.handle_timeout(host().world().now());
        client_dispatch(index, trace::no_event);
    });
}

SioStage::ClientSlot* SioStage::newest_client() {
    return clients_.empty() ? nullptr : clients_.back().get();
}

bool SioStage::emit(std::string_view event, const sio::Json& args, bool ack, trace::EventId cause) {
    if (ClientSlot* slot = newest_client()) {
        if (ack)
            slot->client.emit_with_ack(event, args);
        else
            slot->client.emit(event, args);
        client_dispatch(clients_.size() - 1, cause);
        return true;
    }
    return broadcast(event, args, cause);
}

bool SioStage::join(std::string_view room, trace::EventId cause) {
    if (!newest_client()) return false;
    return emit("join", sio::Json::array({std::string(room)}), true, cause);
}

bool SioStage::leave(std::string_view room, trace::EventId cause) {
    if (!newest_client()) return false;
    return emit("leave", sio::Json::array({std::string(room)}), true, cause);
}

bool SioStage::client_connected(std::size_t index) const {
    return index < clients_.size() && clients_[index]->client.connected();
}

ConnId SioStage::client_conn(std::size_t index) const {
    return index < clients_.size() ? clients_[index]->conn : no_conn;
}

const sio::ReceivedEvents& SioStage::client_received(std::size_t index) const {
    return clients_.at(index)->received;
}

// ---- WebSocket events ----------------------------------------------------------------------

void SioStage::on_open(ConnId id, bool client, trace::EventId cause) {
    const Time now = host().world().now();
    if (client) {
        ClientSlot* slot = find_client(id);
        if (!slot) return;
        const std::size_t index = hot_index_;
        if (slot->upgrade_conn == id)
            slot->client.handle_upgrade_open(now);
        else
            slot->client.handle_transport_open(now);
        client_dispatch(index, cause);
        return;
    }
    const tcp::Connection* c = host().tcp()->connection(id);
    if (!server_ || !c || !ports_.count(c->local().port)) return;
    if (accept_probe(id, cause)) return; // the upgrade of a polling session
    sock::ConnId sid = server_->accept(now);
    to_sio_[id] = sid;
    from_sio_[sid] = id;
    server_dispatch(cause);
}

void SioStage::on_message(ConnId id, wire::ByteView data, bool binary, trace::EventId cause) {
    const Time now = host().world().now();
    std::string_view text{reinterpret_cast<const char*>(data.data()), data.size()};
    if (ClientSlot* slot = find_client(id)) {
        const std::size_t index = hot_index_;
        cause = trace_frame(text, binary, true, id, cause);
        // (A probe WebSocket's messages take the long way: finish_upgrade may follow.)
        if (!binary && slot->upgrade_conn == no_conn && receive_plain_event(*slot, text)) return;
        if (binary)
            slot->client.receive_binary(text, now);
        else
            slot->client.receive_text(text, now);
        client_dispatch(index, cause);
        return;
    }
    const sock::ConnId* sid = to_sio_.find(id);
    if (!sid) return;
    cause = trace_frame(text, binary, true, id, cause);
    if (binary)
        server_->receive_binary(*sid, text, now);
    else
        server_->receive_text(*sid, text, now);
    server_dispatch(cause);
}

void SioStage::on_close(ConnId id, trace::EventId cause) {
    const Time now = host().world().now();
    if (find_client(id)) {
        const std::size_t index = hot_index_;
        forget_client_conn(id);
        ConnId& conn = clients_[index]->upgrade_conn == id ? clients_[index]->upgrade_conn
                                                           : clients_[index]->conn;
        conn = no_conn;
        clients_[index]->client.receive_transport_close(now);
        client_dispatch(index, cause);
        return;
    }
    const sock::ConnId* found = to_sio_.find(id);
    if (!found) return;
    const sock::ConnId sid = *found;
    to_sio_.erase(id);
    from_sio_.erase(sid);
    server_->receive_transport_close(sid);
    server_dispatch(cause);
}

} // namespace wirelab::stack
