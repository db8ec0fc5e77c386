// Socket.IO v5 server (see socketio_server.hpp): Engine.IO session events are turned into
// Socket.IO packets here, and the namespace / room bookkeeping lives here.
#include "sim/proto/sio/socketio_server.hpp"

#include <algorithm>
#include <utility>

namespace wirelab::sio::socketio {

Server::Server(ServerConfig config) : config_(std::move(config)) {}

std::string Server::next_id() {
    if (config_.id_source) return config_.id_source();
    return "sid" + std::to_string(id_counter_++);
}

ConnId Server::new_session(engineio::Handshake h) {
    const ConnId id = next_conn_++;
    by_sid_[h.sid] = id;
    auto [it, added] = conns_.emplace(
        id, Conn{engineio::ServerSession(std::move(h)), std::nullopt, {}, {}, false});
    set_index(conn_index_, id, &it->second);
    return id;
}

ConnId Server::accept(std::int64_t now) {
    const ConnId id = new_session(
        {next_id(), {}, config_.ping_interval_ms, config_.ping_timeout_ms, config_.max_payload});
    auto& conn = conns_.at(id);
    conn.websocket = true;
    conn.session.open(now);
    on_session(id, conn);
    return id;
}

void Server::receive_text(ConnId id, std::string_view text, std::int64_t now) {
    const auto it = conns_.find(id);
    if (it == conns_.end()) return;
    it->second.session.receive_text(text, now);
    on_session(id, it->second);
}

void Server::receive_binary(ConnId id, std::string_view bytes, std::int64_t now) {
    const auto it = conns_.find(id);
    if (it == conns_.end()) return;
    it->second.session.receive_binary(bytes, now);
    on_session(id, it->second);
}

void Server::receive_transport_close(ConnId id) {
    const auto it = conns_.find(id);
    if (it == conns_.end()) return;
    it->second.websocket = false;
    it->second.session.receive_transport_close();
    on_session(id, it->second);
}

void Server::handle_timeout(std::int64_t now) {
    // socket.timeout(ms): the callback gets "operation has timed out", even when the socket
    // has disconnected meanwhile (the reference's timer is not cleared).
    for (auto it = ack_deadlines_.begin(); it != ack_deadlines_.end();) {
        if (it->second > now) {
            ++it;
            continue;
        }
        ServerEvent ev;
        ev.kind = ServerEvent::Kind::ack;
        ev.socket = it->first.socket;
        ev.ack_id = it->first.id;
        ev.args = Json::array();
        ev.reason = "operation has timed out";
        if (const auto s = sockets_.find(ev.socket); s != sockets_.end()) {
            ev.conn = s->second.conn;
            ev.nsp = s->second.nsp;
            s->second.pending_acks.erase(ev.ack_id.value());
        }
        events_.push_back(std::move(ev));
        it = ack_deadlines_.erase(it);
    }
    std::vector<ConnId> ids;
    for (auto it = timers_.begin(); it != timers_.end() && it->first <= now; ++it)
        ids.push_back(it->second);
    for (const ConnId id : ids) {
        const auto it = conns_.find(id);
        if (it == conns_.end()) continue; // ended by an earlier one's events
        it->second.session.handle_timeout(now);
        on_session(id, it->second);
    }
}

std::optional<std::int64_t> Server::poll_timeout() const {
    std::optional<std::int64_t> next;
    if (!timers_.empty()) next = timers_.begin()->first;
    for (const auto& [key, t] : ack_deadlines_)
        if (!next || t < *next) next = t;
    return next;
}

// Drains the session: messages go through the Socket.IO decoder; a close ends every socket
// of the connection and forgets it.
void Server::on_session(ConnId id, Conn& conn) {
    // Loop: a decode error closes the session, which queues one more (close) event.
    for (auto batch = conn.session.events(); !batch.empty(); batch = conn.session.events()) {
        for (auto& ev : batch) {
            if (ev.kind == engineio::SessionEvent::Kind::message) {
                const auto r =
                    ev.binary ? conn.decoder.add_binary(ev.data) : conn.decoder.add_text(ev.data);
                if (r.error) {
                    // The reference server closes the whole connection on a decode error.
                    conn.session.close();
                    continue;
                }
                if (r.packet) on_packet(id, conn, std::move(*r.packet));
            } else if (ev.kind == engineio::SessionEvent::Kind::close) {
                flush(id, conn);
                std::vector<SocketId> gone;
                for (const auto& [nsp, s] : conn.sockets)
                    gone.push_back(s);
                for (const SocketId s : gone)
                    drop_socket(s, ev.reason);
                return end_session(id, conn);
            } else if (ev.kind == engineio::SessionEvent::Kind::upgrade_error) {
                // The probe WebSocket is done for; the session goes on polling.
                if (conn.websocket) closes_.push_back(id);
                conn.websocket = false;
            }
        }
    }
    flush(id, conn);
}

void Server::flush(ConnId id, Conn& conn) {
    for (auto& f : conn.session.pending_frames())
        out_.push_back({id, std::move(f), false, nullptr});
    conn.session.clear_frames();
    if (auto r = conn.session.take_poll_response()) {
        HttpReply reply;
        reply.status = r->status;
        reply.headers.emplace_back("Content-Type", r->content_type);
        reply.body = std::move(r->body);
        reply.conn = id;
        poll_out_.push_back({id, std::move(reply)});
    }
    rearm(id, conn);
}

void Server::rearm(ConnId id, Conn& conn) {
    const auto t = conn.session.poll_timeout();
    if (t == conn.armed) return;
    if (conn.armed) timers_.erase({*conn.armed, id});
    if (t) timers_.insert({*t, id});
    conn.armed = t;
}

// The session is over: its WebSocket closes after its last frame (or now, when nothing was
// left to write); the held GET already got the close packet from flush().
void Server::end_session(ConnId id, Conn& conn) {
    if (conn.websocket) {
        if (!out_.empty() && out_.back().conn == id) {
            out_.back().close_after = true;
        } else {
            closes_.push_back(id);
        }
    }
    by_sid_.erase(std::string(conn.session.handshake().sid));
    if (conn.armed) timers_.erase({*conn.armed, id});
    set_index<Conn>(conn_index_, id, nullptr);
    conns_.erase(id);
}

void Server::on_packet(ConnId id, Conn& conn, Packet packet) {
    const auto existing = conn.sockets.find(packet.nsp);
    switch (packet.type) {
    case PacketType::connect: {
        if (!namespaces_.count(packet.nsp)) {
            Packet err;
            err.type = PacketType::connect_error;
            err.nsp = packet.nsp;
            err.data = Json{{"message", "Invalid namespace"}};
            send_packet(id, err);
            events_.push_back({ServerEvent::Kind::connect_error,
                               0,
                               id,
                               packet.nsp,
                               {},
                               {},
                               *err.data,
                               {},
                               "Invalid namespace",
                               {}});
            return;
        }
        if (existing != conn.sockets.end()) return; // already connected: the reference ignores
        const SocketId sid = next_socket_++;
        Socket s{id, packet.nsp, next_id(), {}, 0, {}};
        conn.sockets.emplace(packet.nsp, sid);
        add_member(rooms_[packet.nsp][s.sid], sid,
                   id); // each socket is in the room named by its id
        s.rooms.insert(s.sid);
        Packet reply;
        reply.type = PacketType::connect;
        reply.nsp = packet.nsp;
        reply.data = Json{{"sid", s.sid}};
        set_index(socket_index_, sid, &sockets_.emplace(sid, std::move(s)).first->second);
        send_packet(id, reply);
        events_.push_back({ServerEvent::Kind::connection,
                           sid,
                           id,
                           packet.nsp,
                           {},
                           {},
                           packet.data ? *packet.data : Json::object(),
                           {},
                           {},
                           {}});
        return;
    }
    case PacketType::disconnect:
        if (existing != conn.sockets.end())
            drop_socket(existing->second, "client namespace disconnect");
        return;
    case PacketType::event:
    case PacketType::ack: {
        if (existing == conn.sockets.end() || !packet.data || !packet.data->is_array()) return;
        ServerEvent ev;
        ev.socket = existing->second;
        ev.conn = id;
        ev.nsp = packet.nsp;
        ev.ack_id = packet.id;
        Json& data = *packet.data;
        if (packet.type == PacketType::event) {
            ev.kind = ServerEvent::Kind::event;
            ev.name = data[0].is_string() ? data[0].get<std::string>() : stringify(data[0]);
            data.erase(data.begin());
        } else {
            // Only an id we are waiting for: a late answer to a timed-out emit is dropped.
            ev.kind = ServerEvent::Kind::ack;
            if (!packet.id) return;
            auto& s = sockets_.at(existing->second);
            if (s.pending_acks.erase(*packet.id) == 0) return;
            ack_deadlines_.erase({existing->second, *packet.id});
        }
        ev.args = std::move(data);
        events_.push_back(std::move(ev));
        return;
    }
    case PacketType::connect_error:
    case PacketType::binary_event:
    case PacketType::binary_ack:
        // Only a server sends CONNECT_ERROR; BINARY_* never leave the decoder.
        conns_.at(id).session.close();
        return;
    }
}

void Server::drop_socket(SocketId socket, std::string reason) {
    const auto it = sockets_.find(socket);
    if (it == sockets_.end()) return;
    auto& s = it->second;
    // "disconnecting" first, while the socket is still in its rooms.
    ServerEvent leaving{
        ServerEvent::Kind::disconnecting, socket, s.conn, s.nsp, {}, {}, {}, {}, reason,
        {s.rooms.begin(), s.rooms.end()}};
    events_.push_back(std::move(leaving));
    auto& nsp_rooms = rooms_[s.nsp];
    for (const auto& room : s.rooms) {
        const auto r = nsp_rooms.find(room);
        if (r == nsp_rooms.end()) continue;
        remove_member(r->second, socket);
        if (r->second.empty()) nsp_rooms.erase(r);
    }
    if (const auto c = conns_.find(s.conn); c != conns_.end()) c->second.sockets.erase(s.nsp);
    events_.push_back({ServerEvent::Kind::disconnect,
                       socket,
                       s.conn,
                       s.nsp,
                       {},
                       {},
                       {},
                       {},
                       std::move(reason),
                       {}});
    set_index<Socket>(socket_index_, it->first, nullptr);
    sockets_.erase(it);
}

void Server::send_packet(ConnId id, const Packet& packet) {
    send_encoded(id, encode(packet));
}

void Server::send_encoded(ConnId id, const Encoded& encoded) {
    Conn* conn = find_conn(id);
    if (!conn) return;
    auto& session = conn->session;
    session.send_text(encoded.text);
    for (const auto& a : encoded.attachments)
        session.send_binary(a);
    flush(id, *conn);
}

std::shared_ptr<const std::string> Server::shared_frame(const Encoded& encoded) const {
    if (!config_.share_broadcast_frames || !encoded.attachments.empty()) return nullptr;
    // What ServerSession::send_text queues on a WebSocket: the message packet's type, then
    // the Socket.IO text.
    std::string text;
    text.reserve(1 + encoded.text.size());
    text.push_back(static_cast<char>('0' + static_cast<int>(engineio::PacketType::message)));
    text.append(encoded.text);
    return std::make_shared<const std::string>(std::move(text));
}

void Server::send_broadcast(ConnId id, const Encoded& encoded,
                            const std::shared_ptr<const std::string>& shared) {
    Conn* conn = find_conn(id);
    if (!conn) return;
    const auto& session = conn->session;
    // send_text on an open WebSocket session only queues {text, "4" + message}, which
    // flush() then moves out after the frames already pending: with none pending, the
    // shared frame goes first and flush() does the rest: the held GET's answer (none here)
    // and rearm, which finds the session's poll_timeout() as the last flush left it (the
    // session is not touched: every change to a session ends in a flush), so it is skipped.
    if (!shared || session.state() != engineio::SessionState::open ||
        session.transport() != engineio::Transport::websocket || session.poll_held() ||
        !conn->session.pending_frames().empty())
        return send_encoded(id, encoded);
    Transmit& t = out_.emplace_back(); // filled in place: no Transmit moved per socket
    t.conn = id;
    t.shared = shared;
}

Packet Server::event_packet(std::string_view nsp, std::string_view event, const Json& args) const {
    Packet p;
    p.type = PacketType::event;
    p.nsp = std::string(nsp);
    Json data = Json::array({std::string(event)});
    if (args.is_array()) {
        for (const auto& a : args)
            data.push_back(a);
    } else {
        data.push_back(args);
    }
    p.data = std::move(data);
    return p;
}

void Server::emit(SocketId socket, std::string_view event, const Json& args) {
    const auto it = sockets_.find(socket);
    if (it == sockets_.end()) return;
    send_packet(it->second.conn, event_packet(it->second.nsp, event, args));
}

std::uint64_t Server::emit_with_ack(SocketId socket, std::string_view event, const Json& args) {
    const auto it = sockets_.find(socket);
    if (it == sockets_.end()) return 0;
    Packet p = event_packet(it->second.nsp, event, args);
    p.id = it->second.next_ack++;
    it->second.pending_acks.insert(*p.id);
    send_packet(it->second.conn, p);
    return *p.id;
}

std::uint64_t Server::emit_with_ack(SocketId socket, std::string_view event, const Json& args,
                                    std::int64_t timeout_ms, std::int64_t now) {
    if (!sockets_.count(socket)) return 0;
    const std::uint64_t id = emit_with_ack(socket, event, args);
    ack_deadlines_[{socket, id}] = now + timeout_ms * engineio::ns_per_ms;
    return id;
}

void Server::ack(SocketId socket, std::uint64_t ack_id, const Json& args) {
    const auto it = sockets_.find(socket);
    if (it == sockets_.end()) return;
    Packet p;
    p.type = PacketType::ack;
    p.nsp = it->second.nsp;
    p.id = ack_id;
    p.data = args.is_array() ? args : Json::array({args});
    send_packet(it->second.conn, p);
}

void Server::to_room_emit(std::string_view nsp, std::string_view room, std::string_view event,
                          const Json& args, std::optional<SocketId> except) {
    // Encode once, send the same frames to every member (as the reference adapter does).
    const auto n = rooms_.find(nsp);
    if (n == rooms_.end()) return;
    const auto r = n->second.find(room);
    if (r == n->second.end()) return;
    const Encoded encoded = encode(event_packet(nsp, event, args));
    // One transmit per member and frame: room for them all at once, not a doubling cascade
    // (transmits() hands the vector away, so it starts empty each time).
    out_.reserve(out_.size() + r->second.size() * (1 + encoded.attachments.size()));
    const auto shared = shared_frame(encoded);
    for (const Member& m : r->second) { // sending leaves the rooms as they are
        if (m.socket != except) send_broadcast(m.conn, encoded, shared);
    }
}

void Server::broadcast_emit(SocketId sender, std::string_view event, const Json& args) {
    const auto it = sockets_.find(sender);
    if (it == sockets_.end()) return;
    const Encoded encoded = encode(event_packet(it->second.nsp, event, args));
    const auto shared = shared_frame(encoded);
    for (const auto& [id, s] : sockets_) {
        if (id != sender && s.nsp == it->second.nsp) send_broadcast(s.conn, encoded, shared);
    }
}

void Server::emit_all(std::string_view nsp, std::string_view event, const Json& args) {
    const Encoded encoded = encode(event_packet(nsp, event, args));
    const auto shared = shared_frame(encoded);
    for (const auto& [id, s] : sockets_) {
        if (s.nsp == nsp) send_broadcast(s.conn, encoded, shared);
    }
}

void Server::join(SocketId socket, std::string room) {
    const auto it = sockets_.find(socket);
    if (it == sockets_.end()) return;
    add_member(rooms_[it->second.nsp][room], socket, it->second.conn);
    it->second.rooms.insert(std::move(room));
}

void Server::leave(SocketId socket, const std::string& room) {
    const auto it = sockets_.find(socket);
    if (it == sockets_.end()) return;
    it->second.rooms.erase(room);
    auto& nsp_rooms = rooms_[it->second.nsp];
    if (const auto r = nsp_rooms.find(room); r != nsp_rooms.end()) {
        remove_member(r->second, socket);
        if (r->second.empty()) nsp_rooms.erase(r);
    }
}

void Server::add_member(Members& members, SocketId socket, ConnId conn) {
    const auto at = std::lower_bound(members.begin(), members.end(), socket,
                                     [](const Member& m, SocketId s) { return m.socket < s; });
    if (at == members.end() || at->socket != socket) members.insert(at, {socket, conn});
}

void Server::remove_member(Members& members, SocketId socket) {
    const auto at = std::lower_bound(members.begin(), members.end(), socket,
                                     [](const Member& m, SocketId s) { return m.socket < s; });
    if (at != members.end() && at->socket == socket) members.erase(at);
}

void Server::disconnect(SocketId socket) {
    const auto it = sockets_.find(socket);
    if (it == sockets_.end()) return;
    Packet p;
    p.type = PacketType::disconnect;
    p.nsp = it->second.nsp;
    send_packet(it->second.conn, p);
    drop_socket(socket, "server namespace disconnect");
}

std::string_view Server::socket_id(SocketId socket) const {
    const auto it = sockets_.find(socket);
    return it == sockets_.end() ? std::string_view{} : std::string_view(it->second.sid);
}

std::string_view Server::session_id(ConnId conn) const {
    const auto it = conns_.find(conn);
    return it == conns_.end() ? std::string_view{}
                              : std::string_view(it->second.session.handshake().sid);
}

std::optional<engineio::Transport> Server::transport(ConnId conn) const {
    const auto it = conns_.find(conn);
    if (it == conns_.end()) return std::nullopt;
    return it->second.session.transport();
}

std::vector<SocketId> Server::sockets_in(std::string_view nsp, std::string_view room) const {
    const auto n = rooms_.find(nsp);
    if (n == rooms_.end()) return {};
    const auto r = n->second.find(room);
    if (r == n->second.end()) return {};
    std::vector<SocketId> out;
    out.reserve(r->second.size());
    for (const Member& m : r->second)
        out.push_back(m.socket);
    return out;
}

} // namespace wirelab::sio::socketio
