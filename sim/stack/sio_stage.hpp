// Layers 5–7 above the simulated WebSocket: Engine.IO sessions (5), Socket.IO packets and
// their JSON (6) and a small application (7): on a server host one socketio::Server with a
// built-in chat (events "join" / "leave" a room, "chat" relayed to the sender's rooms, or
// to everyone else when it has none; each answered by an ack), on a client host one
// socketio::Client per connection that emits what the scenario says. The protocol work is
// done by the sans-I/O engines in sim/proto/sio; this stage carries their WebSocket
// messages over WsStage, drives their heartbeat timers on the world's kernel and traces
// each Engine.IO / Socket.IO packet decoded ("EVENT "chat" ["hi"]", "CONNECT /", "PING").
//
// With the http stage below, the server also answers Engine.IO's HTTP long-polling and a
// client may start on it (SioClientOptions::polling) and upgrade: sio_polling.cpp.
//
// WsStage --WsUser--> SioStage -> socketio::Server / socketio::Client -> events -> chat
//   -> transmits / frames_to_send -> WsStage::send_to -> TcpStage
// HttpStage --HttpHandler--> SioStage -> Server::handle_http / Client::receive_http_response
#pragma once

#include "sim/core/flat_map.hpp"
#include "sim/proto/sio/engineio_packet.hpp"
#include "sim/proto/sio/received_events.hpp"
#include "sim/proto/sio/socketio_client.hpp"
#include "sim/proto/sio/socketio_server.hpp"
#include "sim/stack/http_handler.hpp"
#include "sim/stack/stage.hpp"
#include "sim/stack/ws_stage.hpp"

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace wirelab::stack {

// The knobs a lesson may turn: the server's heartbeat (Engine.IO pingInterval /
// pingTimeout, the reference server's defaults) and the client's connect timeout (the
// reference client's `timeout`: transport open -> Engine.IO open, else connect_error).
struct SioServerOptions {
    std::int64_t ping_interval_ms = 25000; // = 25000
    std::int64_t ping_timeout_ms = 20000;  // = 20000
    // Not a lesson's knob but the broadcast fast path's switch (the same trace either way;
    // tests compare the two): a broadcast's frame encoded and framed once for all sockets.
    bool share_broadcast_frames = true;
};
struct SioClientOptions {
    std::int64_t timeout_ms = 20000; // = 20000
    // transports ["polling", "websocket"] (the reference client's default: HTTP long-polling
    // over the host's http stage, then the upgrade) instead of ["websocket"].
    bool polling = false;
};

class SioStage final : public Stage, public WsUser, public HttpHandler {
public:
    static constexpr std::string_view path = "/socket.io/";

    SioStage() = default;
    std::uint8_t layer() const override { return 7; }
    std::string_view name() const override { return "Socket.IO"; }
    void from_above(Packet p, Meta m) override;
    void from_below(Packet p, Meta m) override;

    // Server: accept Socket.IO on `port` (a WebSocket endpoint at /socket.io/). The
    // heartbeat options of the first listen() are the server's.
    void listen(std::uint16_t port, trace::EventId cause, SioServerOptions options = {});
    // Client: a new socketio::Client, connecting now to ip:port.
    void connect(std::uint32_t ip, std::uint16_t port, std::string host_header,
                 trace::EventId cause, SioClientOptions options = {});
    // Client host: the newest client emits (buffered until connected); server host: io.emit
    // to every socket. False when the host has neither.
    bool emit(std::string_view event, const sio::Json& args, bool ack, trace::EventId cause);
    // Client host: ask the server's chat to join / leave `room` (an emit with an ack).
    bool join(std::string_view room, trace::EventId cause);
    bool leave(std::string_view room, trace::EventId cause);
    // Server host: io.emit (everyone) and io.to(room).emit. False without a server.
    bool broadcast(std::string_view event, const sio::Json& args, trace::EventId cause);
    bool to_room(std::string_view room, std::string_view event, const sio::Json& args,
                 trace::EventId cause);

    void on_open(ConnId id, bool client, trace::EventId cause) override;
    void on_message(ConnId id, wire::ByteView data, bool binary, trace::EventId cause) override;
    void on_close(ConnId id, trace::EventId cause) override;
    void on_open_failed(ConnId id, trace::EventId cause) override;

    // HTTP long-polling (sim/stack/sio_polling.cpp): the server's requests, the clients'
    // responses, and connections that went away.
    void on_request(ConnId id, const http::Message& request, trace::EventId cause) override;
    void on_response(ConnId id, const http::Message& response, trace::EventId cause) override;
    void on_http_closed(ConnId id, trace::EventId cause) override;

    // ---- inspection ----------------------------------------------------------------------
    const sio::socketio::Server* server() const { return server_.get(); }
    std::size_t client_count() const { return clients_.size(); }
    bool client_connected(std::size_t index) const;
    // The WebSocket session client `index` uses (no_conn between sessions).
    ConnId client_conn(std::size_t index) const;
    // Events ("chat", ...) each client received, with their args (.json() for the value),
    // in order.
    const sio::ReceivedEvents& client_received(std::size_t i) const;

private:
    struct ClientSlot {
        // The client's hot members are its last: what a received event touches here
        // (upgrade_conn, received) follows them on the same cache line.
        sio::socketio::Client client;
        ConnId conn = no_conn;
        // Polling: the upgrade's probe WebSocket, and one connection for the long-poll GETs
        // and one for the POSTs (both may be in flight at once, as in a browser).
        ConnId upgrade_conn = no_conn;
        sio::ReceivedEvents received;
        std::uint32_t ip = 0;
        std::uint16_t port = 0;
        std::string host_header;
        TimerId timer{};
        std::optional<Time> timer_at;
        Time waiting_since = 0; // when the client last started waiting to reconnect
        ConnId get_conn = no_conn, post_conn = no_conn;
        bool get_busy = false, post_busy = false;
        std::deque<sio::engineio::PollRequest> http_pending;
        explicit ClientSlot(sio::socketio::ClientConfig c) : client(std::move(c)) {}
    };

    // The client of a WebSocket session (its index in hot_index_), or null.
    ClientSlot* find_client(ConnId id);
    // Warming: a message for session id is near. Level 0: its client, if it is find_client's
    // last answer (a client host's one client; nothing is looked up); 1: where the client's
    // next received event will be built.
    bool warm(ConnId id, unsigned level) const override;
    void forget_client_conn(ConnId id); // client_of_.erase(id), and the cache
    // on_message's fast path: a plain event received straight into slot.received.
    bool receive_plain_event(ClientSlot& slot, std::string_view text);
    void ensure_server(const SioServerOptions& options);
    void drop_client_conn(ClientSlot& slot, trace::EventId cause);
    void server_dispatch(trace::EventId cause);
    void on_server_event(const sio::socketio::ServerEvent& e, trace::EventId cause);
    void arm_server_timer();
    void client_dispatch(std::size_t index, trace::EventId cause);
    void arm_client_timer(std::size_t index);
    trace::EventId trace_frame(std::string_view data, bool binary, bool received, ConnId id,
                               trace::EventId cause);
    trace::TextId frame_text(std::string_view data, bool binary, bool received);
    void send_shared(ConnId id, const sio::socketio::Transmit& t, trace::EventId cause);
    trace::EventId note(std::string text, ConnId id, trace::EventId cause, bool state = false);
    ClientSlot* newest_client();
    // sio_polling.cpp
    void client_command(std::size_t index, sio::socketio::TransportCommand cmd,
                        trace::EventId cause);
    void send_http(std::size_t index, trace::EventId cause);
    void finish_upgrade(ClientSlot& slot, trace::EventId cause);
    void close_polling(ClientSlot& slot, trace::EventId cause);
    void answer(ConnId id, const sio::socketio::HttpReply& reply, trace::EventId cause);
    void drain_polling(trace::EventId cause);
    bool accept_probe(ConnId id, trace::EventId cause);
    void trace_payload(std::string_view body, bool received, ConnId id, trace::EventId cause);
    std::string cache_buster();

    // find_client's last answer (a client host usually has one client): no walk down
    // client_of_ and clients_ per message. Cleared with the entry it copies.
    ClientSlot* hot_slot_ = nullptr;
    ConnId hot_conn_ = no_conn;
    std::size_t hot_index_ = 0;
    std::set<std::uint16_t> ports_;
    std::unique_ptr<sio::socketio::Server> server_;
    // WebSocket session -> Engine.IO session, and back: looked up per frame, never iterated
    // (a hash lookup, not a walk down a 10,000-node tree). Back, by index: the server hands
    // its session ids out in sequence and never again (its own conn_index_ relies on it),
    // so a broadcast's sends, in socket order, read the WebSocket sessions in a row.
    struct SessionConns {
        std::vector<ConnId> of; // by Engine.IO session id; no_conn: none
        const ConnId* find(std::uint64_t sid) const {
            return sid < of.size() && of[sid] != no_conn ? &of[sid] : nullptr;
        }
        ConnId& operator[](std::uint64_t sid) {
            if (sid >= of.size()) of.resize(sid + 1, no_conn);
            return of[sid];
        }
        void erase(std::uint64_t sid) {
            if (sid < of.size()) of[sid] = no_conn;
        }
    };
    FlatMap<sio::socketio::ConnId> to_sio_;
    SessionConns from_sio_;
    std::map<sio::socketio::SocketId, std::set<std::string>> rooms_; // the chat's rooms
    std::set<sio::socketio::SocketId> sockets_;                      // connected to "/"
    std::map<sio::socketio::SocketId, std::string> sids_;            // kept past the disconnect
    // The broadcast server_dispatch is sending: its Engine.IO frame (Transmit::shared),
    // framed for the WebSocket once, and what the trace's memo gives for it. The memo is a
    // cache that one lookup can evict another from, so its answers are taken as known only
    // once a second send in a row found both (the frame's PDU and the Socket.IO text) the
    // same as the first: then every further send of the run is the same two hits.
    struct Broadcast {
        std::shared_ptr<const std::string> shared;
        WsStage::Prepared frame;
        trace::TextId text = trace::no_text; // frame_text's
        bool seen = false;                   // one send traced through the memo
        bool known = false;                  // frame.pdu, frame.text and text are the memo's
    };
    Broadcast broadcast_;
    TimerId server_timer_{};
    std::optional<Time> server_timer_at_;
    std::vector<std::unique_ptr<ClientSlot>> clients_;
    std::vector<sio::socketio::ClientEvent> client_events_; // client_dispatch's buffer, kept
    std::map<ConnId, std::size_t> client_of_;               // WebSocket session -> client index
    std::map<ConnId, std::size_t> http_client_of_;          // polling connection -> client index
    std::map<sio::socketio::ConnId, ConnId> held_;          // session -> HTTP conn of its held GET
    std::map<ConnId, sio::socketio::ConnId> holding_;       // and back
    sio::engineio::Yeast yeast_;                            // cache_buster's state
};

// "EVENT "chat" ["hi"]", "ACK 3 [true]", "CONNECT /", "PING", "OPEN {...}": the meaning
// of one Engine.IO WebSocket message, for the trace.
std::string describe_sio_frame(const sio::engineio::Frame& frame);

} // namespace wirelab::stack
