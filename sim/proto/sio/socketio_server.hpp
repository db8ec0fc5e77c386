// Socket.IO v5 server, sans-I/O: many Engine.IO sessions (one per WebSocket connection),
// namespaces, sockets, rooms, broadcast and acknowledgements. The caller owns the
// WebSocket connections: it hands each message in with receive_text/receive_binary(conn,
// ..., now), then drains events() (what the application should react to) and transmits()
// (WebSocket messages to write, per connection); poll_timeout() says when to call
// handle_timeout(now) for the heartbeats.
//   ws message -> engineio::ServerSession -> socketio::Decoder -> namespace/socket -> events()
//   emit/to/broadcast -> socketio::encode -> ServerSession::send_* -> transmits()
#pragma once

#include "sim/proto/sio/engineio_session.hpp"
#include "sim/proto/sio/socketio_packet.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wirelab::sio::socketio {

using ConnId = std::uint64_t;   // one Engine.IO session
using SocketId = std::uint64_t; // one (session, namespace) pair

struct ServerConfig {
    std::int64_t ping_interval_ms = 25000;
    std::int64_t ping_timeout_ms = 20000;
    std::int64_t max_payload = 1000000;
    // Session and socket ids (the reference uses 20 random base64url characters). Inject a
    // seeded source for deterministic traces; empty = a counter ("sid0", "sid1", ...).
    std::function<std::string()> id_source;
};

struct ServerEvent {
    enum class Kind : std::uint8_t {
        connection, // a socket joined namespace `nsp`; `data` = the auth payload ({} if none)
        event,      // `name`, `args` (the array after the name), `ack_id` if the client wants one
        ack,        // the client answered our emit_with_ack `ack_id` with `args`
        disconnect, // the socket left: `reason` ("client namespace disconnect",
                    // "server namespace disconnect", or the Engine.IO close reason)
        connect_error, // a CONNECT was refused; `data` = what was sent back
    };
    Kind kind = Kind::event;
    SocketId socket = 0;
    ConnId conn = 0;
    std::string nsp;
    std::string name;
    Json args;
    Json data;
    std::optional<std::uint64_t> ack_id;
    std::string reason;
};

struct Transmit {
    ConnId conn = 0;
    engineio::Frame frame;
    bool close_after = false; // close the WebSocket after writing this (session ended)
};

class Server {
public:
    explicit Server(ServerConfig config = {});

    // Namespaces other than "/" must be declared; a CONNECT to an unknown one gets
    // CONNECT_ERROR {"message":"Invalid namespace"}.
    void add_namespace(std::string nsp) { namespaces_.insert(std::move(nsp)); }

    // ---- input ---------------------------------------------------------------------------
    // A WebSocket connection was accepted: starts its Engine.IO session (open packet queued).
    ConnId accept(std::int64_t now);
    // One WebSocket message on `conn`. Then call events() and transmits().
    void receive_text(ConnId conn, std::string_view text, std::int64_t now);
    void receive_binary(ConnId conn, std::string_view bytes, std::int64_t now);
    // The transport of `conn` closed: its sockets disconnect with "transport close".
    void receive_transport_close(ConnId conn);
    // Heartbeats of every session. Then call transmits() and events().
    void handle_timeout(std::int64_t now);

    // ---- commands ------------------------------------------------------------------------
    // socket.emit(event, ...args). Then call transmits().
    void emit(SocketId socket, std::string_view event, const Json& args);
    // socket.emit(event, ...args, callback): returns the ack id; the answer comes back as an
    // `ack` event with that id.
    std::uint64_t emit_with_ack(SocketId socket, std::string_view event, const Json& args);
    // Answer the client's ack id with `args` (an array).
    void ack(SocketId socket, std::uint64_t ack_id, const Json& args);
    // io.of(nsp).to(room).emit: every socket of `nsp` in `room`, except `except` if given.
    void to_room_emit(std::string_view nsp, std::string_view room, std::string_view event,
                      const Json& args, std::optional<SocketId> except = std::nullopt);
    // socket.broadcast.emit: every socket of the sender's namespace but the sender.
    void broadcast_emit(SocketId sender, std::string_view event, const Json& args);
    // io.of(nsp).emit: every socket of the namespace.
    void emit_all(std::string_view nsp, std::string_view event, const Json& args);
    void join(SocketId socket, std::string room);
    void leave(SocketId socket, const std::string& room);
    // socket.disconnect(): DISCONNECT packet, `disconnect` event "server namespace disconnect".
    void disconnect(SocketId socket);

    // ---- output --------------------------------------------------------------------------
    std::vector<ServerEvent> events() { return std::exchange(events_, {}); }
    std::vector<Transmit> transmits() { return std::exchange(out_, {}); }
    std::optional<std::int64_t> poll_timeout() const;

    // ---- inspection ----------------------------------------------------------------------
    std::string_view socket_id(SocketId socket) const; // the sid sent in the CONNECT reply
    std::vector<SocketId> sockets_in(std::string_view nsp, std::string_view room) const;
    bool connected(SocketId socket) const { return sockets_.count(socket) != 0; }
    std::size_t session_count() const { return conns_.size(); }

private:
    struct Socket {
        ConnId conn = 0;
        std::string nsp;
        std::string sid;
        std::set<std::string> rooms;
        std::uint64_t next_ack = 0;
    };
    struct Conn {
        engineio::ServerSession session;
        Decoder decoder;
        std::map<std::string, SocketId, std::less<>> sockets; // namespace -> socket
    };

    std::string next_id();
    void on_session(ConnId id, Conn& conn);
    void on_packet(ConnId id, Conn& conn, Packet packet);
    void send_packet(ConnId id, const Packet& packet);
    void send_encoded(ConnId id, const Encoded& encoded);
    void flush(ConnId id, Conn& conn);
    void drop_socket(SocketId socket, std::string reason);
    Packet event_packet(std::string_view nsp, std::string_view event, const Json& args) const;

    ServerConfig config_;
    std::set<std::string, std::less<>> namespaces_{"/"};
    std::map<ConnId, Conn> conns_;
    std::map<SocketId, Socket> sockets_;
    std::map<std::string, std::map<std::string, std::set<SocketId>, std::less<>>, std::less<>>
        rooms_; // nsp -> room -> sockets
    ConnId next_conn_ = 1;
    SocketId next_socket_ = 1;
    std::uint64_t id_counter_ = 0;
    std::vector<ServerEvent> events_;
    std::vector<Transmit> out_;
};

} // namespace wirelab::sio::socketio
