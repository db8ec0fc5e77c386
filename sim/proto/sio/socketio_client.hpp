// Socket.IO v5 client for one namespace, sans-I/O: the reference client's Manager
// (Engine.IO session, reconnection with back-off) and Socket (CONNECT with auth, emit,
// acks, send buffer) in one engine. The caller owns the sockets: it obeys
// transport_commands() (open a WebSocket / send an HTTP request / open the upgrade
// WebSocket / close), reports what happened with handle_transport_open /
// handle_transport_error / receive_* / receive_http_response / handle_upgrade_open /
// receive_transport_close, and drains events(), frames_to_send() and http_requests();
// poll_timeout() says when to call handle_timeout().
//   polling: GET handshake -> open -> CONNECT by POST -> WebSocket probe -> upgrade
//   connect() -> transport open -> engineio::ClientSession -> CONNECT -> `connect` event
//   emit() -> socketio::encode -> frames_to_send() (or the send buffer while disconnected)
//   transport closed -> `disconnect` -> Backoff -> `reconnect_attempt` -> open -> `reconnect`
//   disconnect() on polling -> the session "closing" (its POSTs drain, then the close packet
//     alone) -> the close POST answered -> TransportCommand::close; a connect() meanwhile
//     opens the new session only then, so the two never share the HTTP connections
#pragma once

#include "sim/proto/sio/backoff.hpp"
#include "sim/proto/sio/engineio_session.hpp"
#include "sim/proto/sio/event_args.hpp"
#include "sim/proto/sio/socketio_packet.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wirelab::sio::socketio {

// transports: ["polling", "websocket"] (the reference's default: HTTP long-polling first,
// then the upgrade) or ["websocket"].
enum class Transports : std::uint8_t { polling_then_upgrade, websocket_only };

struct ClientConfig {
    std::string nsp = "/";
    // = websocket_only here, unlike the reference (polling_then_upgrade): callers written
    // for TransportCommand::open alone keep working; set polling_then_upgrade to get HTTP.
    Transports transports = Transports::websocket_only;
    std::optional<Json> auth; // sent in the CONNECT packet
    bool reconnection = true; // = true
    std::uint32_t reconnection_attempts = std::numeric_limits<std::uint32_t>::max(); // Infinity
    double reconnection_delay_ms = 1000;                                             // = 1000
    double reconnection_delay_max_ms = 5000;                                         // = 5000
    double randomization_factor = 0.5;                                               // = 0.5
    std::int64_t timeout_ms = 20000; // = 20000  // transport open -> Engine.IO open
    // Math.random() for the back-off. Empty = a fixed-seed generator (deterministic).
    RandomSource random;
};

struct ClientEvent {
    enum class Kind : std::uint8_t {
        connect,           // the namespace accepted us: `data` = {"sid": ...}
        disconnect,        // `reason`: "transport close", "ping timeout", "parse error",
                           // "io server disconnect", "io client disconnect"
        connect_error,     // `data` = the server's CONNECT_ERROR payload, or {"message": ..}:
                           // "timeout", "websocket error", "xhr poll error", ...
        event,             // `name`, `args`; `ack_id` if the server wants an answer
        ack,               // the server answered our emit_with_ack `ack_id` with `args`
        reconnect_attempt, // `attempt` (1, 2, ...)
        reconnect,         // the transport is back after `attempt` attempts
        reconnect_error,   // an attempt failed (`reason`)
        reconnect_failed,  // reconnection_attempts exhausted; the client stays closed
    };
    Kind kind = Kind::event;
    std::string name;
    EventArgs args; // json() for the value: a plain event for "/" keeps its text
    Json data;
    std::optional<std::uint64_t> ack_id;
    std::string reason;
    std::uint32_t attempt = 0;
};
std::string_view to_string(ClientEvent::Kind k); // "connect", "reconnect_attempt", ...

// What the caller must do with its sockets, in order.
enum class TransportCommand : std::uint8_t {
    open,          // open a new WebSocket to ?EIO=4&transport=websocket, then handle_transport_open
                   // or _error
    close,         // write frames_to_send() first, then close the current WebSocket (no
                   // receive_transport_close needed afterwards) and forget HTTP requests in
                   // flight. After disconnect() on polling it comes only once the closing
                   // session's last POST (the close packet) is answered: keep the HTTP
                   // connections and hand their answers in until then (closing()).
    http_request,  // send the next request of http_requests(); its answer goes to
                   // receive_http_response (or handle_http_error)
    open_upgrade,  // open a WebSocket to ?upgrade_query(), then handle_upgrade_open or
                   // handle_upgrade_error; its messages go to receive_text/receive_binary
    close_upgrade, // the upgrade failed: close that WebSocket; polling goes on
};

class Client {
public:
    explicit Client(ClientConfig config = {});

    // ---- input ---------------------------------------------------------------------------
    // The WebSocket asked for by TransportCommand::open is up (the Engine.IO open packet is
    // awaited) or could not be opened. Then call events() and poll_timeout().
    void handle_transport_open(std::int64_t now);
    void handle_transport_error(std::int64_t now, std::string reason = "websocket error");
    // One WebSocket message from the server. Then events(), frames_to_send(),
    // transport_commands().
    void receive_text(std::string_view text, std::int64_t now);
    // receive_text's most common case, for a caller that keeps received events itself: true
    // when `text` is a plain EVENT for "/" (no ack id, no attachments) on the open WebSocket
    // session and the client has nothing else to hand out (events, frames, commands), i.e.
    // exactly when receive_text(text) would only add that `event` (its `name` and `args`,
    // set here instead) and change nothing else: no output, poll_timeout() as it was.
    // False: nothing happened (`name` and `args` unspecified), call receive_text.
    bool receive_plain_event(std::string_view text, std::string& name, EventArgs& args);
    void receive_binary(std::string_view bytes, std::int64_t now);
    // The WebSocket closed under us. Then events() and poll_timeout() (a reconnect is due).
    // During an upgrade only the probe fails (close_upgrade).
    void receive_transport_close(std::int64_t now);
    // The answer to an http_request command (`method` says which: one GET and one POST at
    // most are in flight), or its failure (connection refused or dropped).
    void receive_http_response(std::string_view method, int status, std::string_view body,
                               std::int64_t now);
    void handle_http_error(std::string_view method, std::int64_t now);
    // The open_upgrade WebSocket is up (2probe goes out) or could not be opened.
    void handle_upgrade_open(std::int64_t now);
    void handle_upgrade_error(std::int64_t now, std::string reason = "websocket error");
    // Reconnect delay, connect timeout, heartbeat. Then drain every output.
    void handle_timeout(std::int64_t now);

    // ---- commands ------------------------------------------------------------------------
    // socket.connect(): asks for a transport (transport_commands()). No-op if active.
    void connect(std::int64_t now);
    // socket.emit(event, ...args): sent now if connected, else buffered until `connect`.
    void emit(std::string_view event, const Json& args);
    // socket.emit(event, ...args, callback): the answer comes back as an `ack` event.
    std::uint64_t emit_with_ack(std::string_view event, const Json& args);
    // Answer the server's ack id with `args` (an array).
    void ack(std::uint64_t ack_id, const Json& args);
    // socket.disconnect(): DISCONNECT packet, transport closed, no reconnection.
    void disconnect();

    // ---- output --------------------------------------------------------------------------
    std::vector<ClientEvent> events() { return std::exchange(events_, {}); }
    // events() into `into` (cleared first), swapping buffers: a caller that keeps `into`
    // between calls lets both vectors keep their capacity (no allocation per event).
    void take_events(std::vector<ClientEvent>& into) {
        into.clear();
        into.swap(events_);
    }
    std::vector<engineio::Frame> frames_to_send();
    std::vector<TransportCommand> transport_commands() { return std::exchange(commands_, {}); }
    // False when frames_to_send() / transport_commands() would give nothing (after most
    // received events): a caller may skip the call and its empty vector.
    bool has_frames_to_send() const {
        return !out_.empty() || (session_ && session_->has_frames());
    }
    bool has_transport_commands() const { return !commands_.empty(); }
    // One per http_request command, in the same order. `query` goes after the path (e.g.
    // /socket.io/?...); POST bodies are text/plain;charset=UTF-8.
    std::vector<engineio::PollRequest> http_requests() { return std::exchange(http_out_, {}); }
    // The query of the open_upgrade WebSocket: EIO=4&transport=websocket&sid=...
    std::string upgrade_query() const { return session_ ? session_->upgrade_query() : ""; }
    std::optional<std::int64_t> poll_timeout() const;

    // ---- inspection ----------------------------------------------------------------------
    bool connected() const { return connected_; }
    bool reconnecting() const { return reconnect_at_.has_value(); }
    const std::string& sid() const { return sid_; }
    std::size_t buffered() const { return send_buffer_.size(); }
    std::uint32_t backoff_attempts() const { return backoff_.attempts(); }
    // The Engine.IO transport in use (nullopt without a session).
    std::optional<engineio::Transport> transport() const {
        return session_ ? std::optional(session_->transport()) : std::nullopt;
    }
    // A polling session left by disconnect() still drains its POSTs and sends its close
    // packet; HTTP answers (and probe messages) go to it until TransportCommand::close.
    bool closing() const { return closing_.has_value(); }

private:
    enum class Phase : std::uint8_t { closed, opening, open };

    void open_transport(std::int64_t now);
    void on_session(std::int64_t now);
    void on_closing(std::int64_t now);
    engineio::ClientSession* engine();
    void after_input(std::int64_t now);
    bool on_message(std::string_view data, bool binary, std::int64_t now);
    void on_packet(Packet& packet);
    void on_open_failed(std::int64_t now, std::string reason);
    void on_close(std::int64_t now, std::string reason);
    void reconnect(std::int64_t now);
    void send_packet(const Packet& packet);
    void drop_transport();
    void pump();
    double next_random();
    Packet event_packet(std::string_view event, const Json& args) const;

    ClientConfig config_;
    Backoff backoff_;
    std::optional<std::int64_t> reconnect_at_;
    std::optional<std::int64_t> open_deadline_;
    std::optional<engineio::ClientSession> closing_;     // left by drop_transport, draining
    std::vector<engineio::SessionEvent> session_events_; // on_session's buffer, kept
    std::string sid_;
    std::uint64_t next_ack_ = 0;
    std::set<std::uint64_t> pending_acks_;
    std::vector<Packet> send_buffer_;
    std::vector<engineio::PollRequest> http_out_;
    std::uint64_t rng_state_ = 0x9E3779B97F4A7C15ULL;
    // Last, together, what a received message looks at (receive_plain_event reads nothing
    // else): with 10,000 clients each one is cold when its next message comes. The
    // decoder's pending flag is its last byte, the session's hot members are its first.
    Decoder decoder_;
    Phase phase_ = Phase::closed;
    bool connected_ = false;
    bool skip_reconnect_ = false;
    bool reconnect_in_progress_ = false; // the Manager's _reconnecting
    bool open_after_close_ = false;      // open_transport waits for closing_ to finish
    bool root_nsp_ = false;              // config_.nsp == "/"
    std::vector<ClientEvent> events_;
    std::vector<engineio::Frame> out_;
    std::vector<TransportCommand> commands_;
    std::optional<engineio::ClientSession> session_;
};

} // namespace wirelab::sio::socketio
