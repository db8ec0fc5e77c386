// Engine.IO v4 sessions over the WebSocket transport, sans-I/O: the caller hands in each
// WebSocket message (text or binary) with the current time, and drains events() and
// frames_to_send() (WebSocket messages to write); poll_timeout() says when to call
// handle_timeout(now) next. Time is integer nanoseconds; nothing here reads a clock.
//   ws::Connection text/binary event -> receive_text/receive_binary -> events() (messages)
//   send_text/send_binary -> frames_to_send() -> ws::Connection::send_text/send_binary
// Heartbeat as the reference server (engine.io 6): a ping every pingInterval; when no pong
// arrives within pingTimeout the session closes with "ping timeout". The client closes
// when no ping came within pingInterval + pingTimeout.
#pragma once

#include "sim/proto/sio/engineio_packet.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wirelab::sio::engineio {

enum class SessionState : std::uint8_t { opening, open, closed };
std::string_view to_string(SessionState s); // "opening", "open", "closed"

// The transport a session's packets travel on now; engine.io names them so.
enum class Transport : std::uint8_t { polling, websocket };
std::string_view to_string(Transport t); // "polling", "websocket"

// One HTTP answer of the polling transport. The caller adds Content-Length and the
// connection headers.
struct PollResponse {
    int status = 200;
    std::string content_type = "text/plain; charset=UTF-8";
    std::string body;
    bool operator==(const PollResponse&) const = default;
};

// What the polling client asks its caller to send (the path, e.g. /socket.io/, is the
// caller's): a GET (the handshake or a long-poll) or a POST of `body`.
struct PollRequest {
    std::string method; // "GET" or "POST"
    std::string query;  // "EIO=4&transport=polling" [+ "&sid=..."]
    std::string body;   // POST only: an encode_payload() of the client's packets
    bool operator==(const PollRequest&) const = default;
};

// How long the reference server waits for 2probe / 5 on an upgrade WebSocket.
constexpr std::int64_t upgrade_timeout_ms = 10000;

constexpr std::int64_t ns_per_ms = 1'000'000;

struct SessionEvent {
    enum class Kind : std::uint8_t {
        open,          // the handshake completed (client: the open packet arrived)
        message,       // `data` (raw bytes when `binary`)
        close,         // the session ended: `reason` as the reference names it ("transport close",
                       // "ping timeout", "parse error", "forced close", "max payload exceeded",
                       // "transport error")
        upgrade,       // the session moved from polling to the WebSocket (after the 5 packet)
        upgrade_error, // the probe WebSocket failed (`reason`); the session stays on
                       // polling and the caller closes that WebSocket
        error,         // client: the transport failed (`reason` as engine.io-client's
                       // TransportError: "xhr poll error", "xhr post error"); the close
                       // event ("transport error") follows, as Socket._onError
    };
    Kind kind = Kind::message;
    bool binary = false;
    std::string data;
    std::string reason;
};

class ServerSession {
public:
    explicit ServerSession(Handshake handshake) : handshake_(std::move(handshake)) {}

    // ---- input ---------------------------------------------------------------------------
    // The WebSocket is open: queues the open packet and arms the ping timer. Then call
    // frames_to_send() and poll_timeout().
    void open(std::int64_t now);
    // The polling handshake GET arrived: the open packet (upgrades ["websocket"]) is queued
    // and the ping timer armed. Then handle_poll_get(now) answers that same GET.
    void open_polling(std::int64_t now);
    // One WebSocket message from the client (on the session's WebSocket, or on the probe
    // WebSocket during an upgrade). Then call events() and frames_to_send().
    void receive_text(std::string_view text, std::int64_t now);
    void receive_binary(std::string_view bytes, std::int64_t now);
    // The session's WebSocket went away (EOF or a close). On a polling session with a probe
    // WebSocket, only the upgrade fails (upgrade_error). Then call events().
    void receive_transport_close();
    // A long-poll GET: the answer now when packets are queued, nullopt when held (answer
    // later through take_poll_response()). A second GET while one is held is the reference's
    // "overlap from client": 400 for it, the held one gets the close packet, session closed
    // with "transport error". Then call events() and take_poll_response().
    std::optional<PollResponse> handle_poll_get(std::int64_t now);
    // A POST body: its packets are received in order; 200 "ok" (text/html, as the reference
    // answers), or 413 and the session closed when the body is over maxPayload. A malformed
    // payload closes with "parse error". Then call events() and take_poll_response().
    PollResponse handle_poll_post(std::string_view body, std::int64_t now);
    // The connection holding the GET went away: "transport error" as in the reference's
    // "poll connection closed prematurely".
    void receive_poll_abort();
    // A WebSocket with this session's sid opened (upgrade): false, and nothing changes,
    // unless the session is open on polling and not already upgrading. Then wait for 2probe.
    bool open_upgrade(std::int64_t now);
    // Fires the ping / ping-timeout timers due at `now`. Then frames_to_send() and events().
    void handle_timeout(std::int64_t now);

    // ---- commands ------------------------------------------------------------------------
    // Queue a message packet. False unless open. Then call frames_to_send().
    bool send_text(std::string_view message);
    bool send_binary(std::string_view bytes);
    // Close from this side: queues the close packet, state closed, event "forced close".
    void close();

    // ---- output --------------------------------------------------------------------------
    std::vector<SessionEvent> events() { return std::exchange(events_, {}); }
    std::vector<Frame> frames_to_send() { return std::exchange(out_, {}); }
    // frames_to_send() without giving the buffer away: the frames to move out, then
    // clear_frames(). The session keeps its capacity (no allocation per message).
    std::span<Frame> pending_frames() { return out_; }
    void clear_frames() { out_.clear(); }
    // The held GET's answer once packets are queued for it (each call takes it once).
    std::optional<PollResponse> take_poll_response();
    // When handle_timeout() must next run; nullopt when no timer is armed.
    std::optional<std::int64_t> poll_timeout() const;

    // ---- inspection ----------------------------------------------------------------------
    SessionState state() const { return state_; }
    const Handshake& handshake() const { return handshake_; }
    Transport transport() const { return transport_; }
    bool upgrading() const { return upgrade_ != Upgrade::none; }
    bool poll_held() const { return get_held_; }
    // The WebSocket close code to send once closed (1009 after maxPayload, else 1000).
    std::uint16_t transport_close_code() const { return close_code_; }

private:
    enum class Upgrade : std::uint8_t { none, probing, upgrading };

    void receive(const Packet& packet, std::int64_t now);
    void receive_probe(const Packet& packet, std::int64_t now);
    void send(Packet packet);
    void fail_upgrade(std::string reason);
    void end(std::string reason, std::uint16_t code = 1000);
    PollResponse payload_response();

    // First, together, what a broadcast's send reads (state, transport, the held GET,
    // pending frames): with 10,000 sessions each one is cold.
    SessionState state_ = SessionState::opening;
    Transport transport_ = Transport::websocket;
    Upgrade upgrade_ = Upgrade::none;
    bool get_held_ = false;
    bool noop_due_ = false; // answer the next GET with a noop (the upgrade's forced cycle)
    std::uint16_t close_code_ = 1000;
    std::vector<Frame> out_;
    std::optional<std::int64_t> next_ping_;
    std::optional<std::int64_t> pong_deadline_;
    std::optional<std::int64_t> upgrade_deadline_;
    std::vector<SessionEvent> events_;
    std::vector<Packet> queue_; // polling: packets waiting for a GET
    Handshake handshake_;
};

class ClientSession {
public:
    // The WebSocket transport from the start (transports: ["websocket"]).
    ClientSession() = default;
    // transports: ["polling", "websocket"] when `transport` is polling: the handshake GET,
    // long-polls, POSTs, then the upgrade to a WebSocket if `upgrade` and the server offers
    // it. Call start(now) first.
    explicit ClientSession(Transport transport, bool upgrade = true)
        : transport_(transport), allow_upgrade_(upgrade) {}

    // ---- input ---------------------------------------------------------------------------
    // Polling: queues the handshake GET (poll_requests()). WebSocket: nothing to do, the
    // server speaks first.
    void start(std::int64_t now);
    // One WebSocket message from the server (the session's WebSocket, or the probe one
    // during an upgrade); on the WebSocket transport the first must be the open packet.
    // Then call events() and frames_to_send() (pongs are queued here).
    void receive_text(std::string_view text, std::int64_t now);
    // The message inside `text` when receive_text(text) would do nothing but queue it as a
    // message event (the session open on the WebSocket, no event waiting, a message packet):
    // the caller may take it as that event, without the copy. nullopt: call receive_text.
    std::optional<std::string_view> plain_message(std::string_view text) const;
    void receive_binary(std::string_view bytes, std::int64_t now);
    // The WebSocket closed: the session ends, or only the upgrade fails when it was the
    // probe WebSocket of a polling session.
    void receive_transport_close();
    // The answer to the GET or POST last handed out by poll_requests(). A status other than
    // 200 (or 0: the request failed) is an error event ("xhr poll error" / "xhr post
    // error"), then the close "transport error". Then drain every output.
    void receive_poll_response(std::string_view method, int status, std::string_view body,
                               std::int64_t now);
    // The WebSocket asked for by take_upgrade_request() is open (2probe goes out) or failed.
    void handle_upgrade_open(std::int64_t now);
    void handle_upgrade_error(std::string reason = "websocket error");
    // Closes with "ping timeout" once no ping came within pingInterval + pingTimeout (also
    // while closing); after a forced close on polling, the same deadline bounds the wait for
    // the close POST's answer (close_post_pending() turns false).
    void handle_timeout(std::int64_t now);

    // ---- commands ------------------------------------------------------------------------
    // False unless open and not closing (engine.io-client drops packets once "closing").
    bool send_text(std::string_view message);
    bool send_binary(std::string_view bytes);
    // engine.io-client's Socket.close(). Opening: ends at once ("forced close"), nothing is
    // sent. WebSocket: the close packet, "forced close". Polling: "closing" first: what is
    // buffered still goes out (one POST at a time), an upgrade past 3probe finishes first;
    // once no POST is in flight, the close packet goes ALONE in a last POST
    // (Polling.doClose) and the session ends with "forced close". Its answer is still
    // awaited (close_post_pending()) so the caller keeps the connection until then. While
    // closing, pings are not answered (Socket._sendPacket drops the pong) but received
    // messages still come out as events. Then drain every output.
    void close();

    // ---- output --------------------------------------------------------------------------
    std::vector<SessionEvent> events() { return std::exchange(events_, {}); }
    // events() into `into` (cleared first), swapping buffers: a caller that keeps `into`
    // between calls lets both vectors keep their capacity (no allocation per message).
    void take_events(std::vector<SessionEvent>& into) {
        into.clear();
        into.swap(events_);
    }
    std::vector<Frame> frames_to_send() { return std::exchange(out_, {}); }
    bool has_frames() const { return !out_.empty(); }
    // HTTP requests to send: at most one GET and one POST are in flight at a time.
    std::vector<PollRequest> poll_requests() { return std::exchange(requests_, {}); }
    bool has_poll_requests() const { return !requests_.empty(); }
    // Nothing to hand out: no event, frame, HTTP request or upgrade wish waiting.
    bool quiet() const {
        return events_.empty() && out_.empty() && requests_.empty() && !upgrade_wanted_;
    }
    // True once after the polling session opened with "websocket" in its upgrades: open a
    // WebSocket to upgrade_query(), then handle_upgrade_open / handle_upgrade_error.
    bool take_upgrade_request() { return std::exchange(upgrade_wanted_, false); }
    std::string upgrade_query() const { return "EIO=4&transport=websocket&sid=" + handshake_.sid; }
    std::optional<std::int64_t> poll_timeout() const { return ping_deadline_; }

    // ---- inspection ----------------------------------------------------------------------
    SessionState state() const { return state_; }
    // close() was called and the session waits for its drain (still open).
    bool closing() const { return closing_ && state_ == SessionState::open; }
    // The close POST is out and its answer not yet in (nor given up on).
    bool close_post_pending() const { return close_post_pending_; }
    Transport transport() const { return transport_; }
    bool upgrading() const { return probe_ != Probe::none; }
    // The server's open packet (valid once open).
    const Handshake& handshake() const { return handshake_; }

private:
    enum class Probe : std::uint8_t { none, probing, pausing };

    void receive(Packet packet, std::int64_t now);
    void receive_probe(const Packet& packet);
    void on_handshake(const Handshake& h, std::int64_t now);
    void send(Packet packet);
    void flush();
    void poll();
    void maybe_finish_upgrade();
    void maybe_finish_close();
    void fail_upgrade(std::string reason);
    void fail(std::string error);
    void end(std::string reason);

    // What a received message checks (plain_message, quiet) first, on as few cache lines as
    // can be: with 10,000 clients each session is cold when its next message comes.
    SessionState state_ = SessionState::opening;
    Transport transport_ = Transport::websocket;
    bool allow_upgrade_ = true;
    bool closing_ = false;            // close() called: the engine's "closing" readyState
    bool close_post_pending_ = false; // the close packet's POST awaits its answer
    Probe probe_ = Probe::none;
    bool upgrade_wanted_ = false;
    bool get_in_flight_ = false;
    bool post_in_flight_ = false;
    std::vector<SessionEvent> events_;
    std::vector<Frame> out_;
    std::vector<PollRequest> requests_;
    std::optional<std::int64_t> ping_deadline_;
    std::vector<Packet> write_buffer_; // polling: packets waiting for the next POST
    Handshake handshake_;
};

} // namespace wirelab::sio::engineio
