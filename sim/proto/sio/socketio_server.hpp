// Socket.IO v5 server, sans-I/O: many Engine.IO sessions (each on a WebSocket, or on HTTP
// long-polling and then upgraded), namespaces, sockets, rooms, broadcast and
// acknowledgements (with timeouts). The caller owns the sockets: it hands each HTTP request
// to handle_http (answered now, held for a long-poll, or to be upgraded), each WebSocket
// message in with receive_text/receive_binary(conn, ..., now), then drains events() (what
// the application should react to), transmits() (WebSocket messages to write, per
// connection), poll_replies() (answers to held GETs) and closes() (WebSockets to close);
// poll_timeout() says when to call handle_timeout(now) for the heartbeats and ack timeouts.
//   HTTP request -> handle_http -> sid -> engineio::ServerSession (polling) -> ...
//   ws message -> engineio::ServerSession -> socketio::Decoder -> namespace/socket -> events()
//   emit/to/broadcast -> socketio::encode -> ServerSession::send_* -> transmits() /
//   poll_replies()
#pragma once

#include "sim/proto/sio/engineio_session.hpp"
#include "sim/proto/sio/socketio_packet.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
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
    std::string path = "/socket.io/"; // = "/socket.io/"  // where handle_http answers
    // A broadcast (to_room_emit, broadcast_emit, emit_all) of a packet without attachments
    // builds its Engine.IO frame once: each open WebSocket session's Transmit then points
    // `shared` at that one text and leaves frame.data empty (read Transmit::text()), as the
    // reference adapter writes the same pre-encoded packet to every socket. Off: every
    // Transmit has its own copy in frame.data.
    bool share_broadcast_frames = false;
};

struct ServerEvent {
    enum class Kind : std::uint8_t {
        connection, // a socket joined namespace `nsp`; `data` = the auth payload ({} if none)
        event,      // `name`, `args` (the array after the name), `ack_id` if the client wants one
        ack,        // the client answered our emit_with_ack `ack_id` with `args`
        disconnect, // the socket left: `reason` ("client namespace disconnect",
                    // "server namespace disconnect", or the Engine.IO close reason)
        connect_error, // a CONNECT was refused; `data` = what was sent back
        disconnecting, // the socket is about to leave (before `disconnect`, same `reason`);
                       // `rooms` = the rooms it is still in
    };
    Kind kind = Kind::event;
    SocketId socket = 0;
    ConnId conn = 0;
    std::string nsp;
    std::string name;
    Json args;
    Json data;
    std::optional<std::uint64_t> ack_id;
    std::string reason; // ack: "operation has timed out" when the client did not answer
    std::vector<std::string> rooms;
};

// One HTTP request for the Engine.IO path, as the caller parsed it.
struct HttpRequest {
    std::string method;             // "GET", "POST", ...
    std::string target;             // path and query: /socket.io/?EIO=4&transport=polling
    std::string body;               // POST: the Content-Length bytes
    bool websocket_upgrade = false; // an Upgrade: websocket request
};

// The answer: respond now (status, headers, body), held (a long-poll: the answer comes
// later from poll_replies()), or upgrade (complete the WebSocket handshake, then call
// accept(now) when `conn` is 0, else accept_upgrade(conn, now)).
struct HttpReply {
    enum class Kind : std::uint8_t { respond, held, upgrade };
    Kind kind = Kind::respond;
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers; // Content-Type, ...
    std::string body;
    ConnId conn = 0; // the session this request belongs to, 0 if none
};

struct PollReply {
    ConnId conn = 0; // whose held GET this answers
    HttpReply reply;
};

struct Transmit {
    ConnId conn = 0;
    engineio::Frame frame;
    bool close_after = false; // close the WebSocket after writing this (session ended)
    // A broadcast's text frame, the same object for every session it went to (only with
    // ServerConfig::share_broadcast_frames; frame.data is empty then).
    std::shared_ptr<const std::string> shared;
    std::string_view text() const { return shared ? std::string_view(*shared) : frame.data; }
};

class Server {
public:
    explicit Server(ServerConfig config = {});
    // The indexes below point into conns_ and sockets_: a copy would point into the original.
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
    Server(Server&&) = default;
    Server& operator=(Server&&) = default;

    // Namespaces other than "/" must be declared; a CONNECT to an unknown one gets
    // CONNECT_ERROR {"message":"Invalid namespace"}.
    void add_namespace(std::string nsp) { namespaces_.insert(std::move(nsp)); }

    // ---- input ---------------------------------------------------------------------------
    // A WebSocket connection was accepted: starts its Engine.IO session (open packet queued).
    ConnId accept(std::int64_t now);
    // One HTTP request: engine.io's checks (unknown transport, unknown sid, bad handshake
    // method, protocol version, transport mismatch) answered 400 with its JSON; the polling
    // handshake; a long-poll GET; a POST of packets. Then drain every output.
    HttpReply handle_http(const HttpRequest& request, std::int64_t now);
    // The WebSocket of an upgrade reply for session `conn` is open: false when that session
    // cannot upgrade (gone, already upgraded or upgrading): close the WebSocket then.
    bool accept_upgrade(ConnId conn, std::int64_t now);
    // The HTTP connection holding `conn`'s GET went away: the session ends.
    void receive_poll_abort(ConnId conn);
    // One WebSocket message on `conn`. Then call events() and transmits().
    void receive_text(ConnId conn, std::string_view text, std::int64_t now);
    void receive_binary(ConnId conn, std::string_view bytes, std::int64_t now);
    // The WebSocket of `conn` closed: its sockets disconnect with "transport close" (on a
    // polling session, only its upgrade fails).
    void receive_transport_close(ConnId conn);
    // Heartbeats of every session and ack timeouts. Then call transmits() and events().
    void handle_timeout(std::int64_t now);

    // ---- commands ------------------------------------------------------------------------
    // socket.emit(event, ...args). Then call transmits().
    void emit(SocketId socket, std::string_view event, const Json& args);
    // socket.emit(event, ...args, callback): returns the ack id; the answer comes back as an
    // `ack` event with that id.
    std::uint64_t emit_with_ack(SocketId socket, std::string_view event, const Json& args);
    // socket.timeout(ms).emit(event, ...args, callback): as above, but when no answer came
    // within `timeout_ms` the `ack` event arrives with reason "operation has timed out" (and
    // a late answer is dropped). Then call poll_timeout().
    std::uint64_t emit_with_ack(SocketId socket, std::string_view event, const Json& args,
                                std::int64_t timeout_ms, std::int64_t now);
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
    std::vector<PollReply> poll_replies() { return std::exchange(poll_out_, {}); }
    // WebSockets to close now (after writing their transmits): a session that ended with
    // no last frame marked close_after, or a failed upgrade probe.
    std::vector<ConnId> closes() { return std::exchange(closes_, {}); }
    std::optional<std::int64_t> poll_timeout() const;

    // ---- inspection ----------------------------------------------------------------------
    std::string_view socket_id(SocketId socket) const; // the sid sent in the CONNECT reply
    std::vector<SocketId> sockets_in(std::string_view nsp, std::string_view room) const;
    bool connected(SocketId socket) const { return sockets_.count(socket) != 0; }
    std::size_t session_count() const { return conns_.size(); }
    std::string_view session_id(ConnId conn) const; // the Engine.IO sid, empty if gone
    std::optional<engineio::Transport> transport(ConnId conn) const;

private:
    struct Socket {
        ConnId conn = 0;
        std::string nsp;
        std::string sid;
        std::set<std::string> rooms;
        std::uint64_t next_ack = 0;
        std::set<std::uint64_t> pending_acks; // emit_with_ack ids not answered yet
    };
    struct Conn {
        // The session's hot members (its first) are what a broadcast's send reads here.
        engineio::ServerSession session;
        std::optional<std::int64_t> armed; // the session's poll_timeout() as in timers_
        Decoder decoder;
        std::map<std::string, SocketId, std::less<>> sockets; // namespace -> socket
        bool websocket = false; // a WebSocket is attached (the transport, or the probe)
    };
    struct AckKey {
        SocketId socket;
        std::uint64_t id;
        auto operator<=>(const AckKey&) const = default;
    };

    std::string next_id();
    void on_session(ConnId id, Conn& conn);
    void on_packet(ConnId id, Conn& conn, Packet packet);
    void send_packet(ConnId id, const Packet& packet);
    void send_encoded(ConnId id, const Encoded& encoded);
    // A broadcast's send to one session: `shared` ("4" + encoded.text, null when not
    // shared) as is when the session would only queue that frame, else send_encoded.
    void send_broadcast(ConnId id, const Encoded& encoded,
                        const std::shared_ptr<const std::string>& shared);
    std::shared_ptr<const std::string> shared_frame(const Encoded& encoded) const;
    void flush(ConnId id, Conn& conn);
    void rearm(ConnId id, Conn& conn);
    void drop_socket(SocketId socket, std::string reason);
    void end_session(ConnId id, Conn& conn);
    ConnId new_session(engineio::Handshake handshake);
    Packet event_packet(std::string_view nsp, std::string_view event, const Json& args) const;

    ServerConfig config_;
    std::set<std::string, std::less<>> namespaces_{"/"};
    std::map<ConnId, Conn> conns_;
    std::map<SocketId, Socket> sockets_;
    // conns_ and sockets_ by id for the per-message lookups of a broadcast (ids are handed
    // out in sequence and never reused; map nodes never move): one load instead of a walk
    // down a tree of 10,000 nodes. Null once erased.
    std::vector<Conn*> conn_index_;
    std::vector<Socket*> socket_index_;
    Conn* find_conn(ConnId id) { return id < conn_index_.size() ? conn_index_[id] : nullptr; }
    Socket* find_socket(SocketId id) {
        return id < socket_index_.size() ? socket_index_[id] : nullptr;
    }
    template <class T> static void set_index(std::vector<T*>& index, std::uint64_t id, T* p) {
        if (id >= index.size()) index.resize(id + 1, nullptr);
        index[id] = p;
    }
    // A room's members in socket order, each with its session (a socket's never changes):
    // a broadcast to a room of 10,000 reads them in a row, no tree node nor Socket per
    // member. Sockets join with ascending ids, so a join appends.
    struct Member {
        SocketId socket;
        ConnId conn;
    };
    using Members = std::vector<Member>;
    static void add_member(Members& members, SocketId socket, ConnId conn);
    static void remove_member(Members& members, SocketId socket);
    std::map<std::string, std::map<std::string, Members, std::less<>>, std::less<>>
        rooms_; // nsp -> room -> sockets
    ConnId next_conn_ = 1;
    SocketId next_socket_ = 1;
    std::uint64_t id_counter_ = 0;
    std::vector<ServerEvent> events_;
    std::vector<Transmit> out_;
    std::vector<PollReply> poll_out_;
    std::vector<ConnId> closes_;
    std::map<std::string, ConnId, std::less<>> by_sid_;
    std::map<AckKey, std::int64_t> ack_deadlines_; // acks with a timeout, not answered yet
    // Every session's next timer, earliest first: poll_timeout() and handle_timeout() cost
    // O(log n) with 10,000 sessions instead of a scan of all of them.
    std::set<std::pair<std::int64_t, ConnId>> timers_;
};

} // namespace wirelab::sio::socketio
