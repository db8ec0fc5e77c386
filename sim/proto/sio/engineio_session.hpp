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
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wirelab::sio::engineio {

enum class SessionState : std::uint8_t { opening, open, closed };
std::string_view to_string(SessionState s); // "opening", "open", "closed"

constexpr std::int64_t ns_per_ms = 1'000'000;

struct SessionEvent {
    enum class Kind : std::uint8_t {
        open,    // the handshake completed (client: the open packet arrived)
        message, // `data` (raw bytes when `binary`)
        close,   // the session ended: `reason` as the reference names it ("transport close",
                 // "ping timeout", "parse error", "forced close", "max payload exceeded")
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
    // One WebSocket message from the client. Then call events() and frames_to_send().
    void receive_text(std::string_view text, std::int64_t now);
    void receive_binary(std::string_view bytes, std::int64_t now);
    // The transport went away (EOF or a WebSocket close). Then call events().
    void receive_transport_close();
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
    // When handle_timeout() must next run; nullopt when no timer is armed.
    std::optional<std::int64_t> poll_timeout() const;

    // ---- inspection ----------------------------------------------------------------------
    SessionState state() const { return state_; }
    const Handshake& handshake() const { return handshake_; }
    // The WebSocket close code to send once closed (1009 after maxPayload, else 1000).
    std::uint16_t transport_close_code() const { return close_code_; }

private:
    void receive(const Packet& packet, std::int64_t now);
    void end(std::string reason, std::uint16_t code = 1000);

    Handshake handshake_;
    SessionState state_ = SessionState::opening;
    std::optional<std::int64_t> next_ping_;
    std::optional<std::int64_t> pong_deadline_;
    std::uint16_t close_code_ = 1000;
    std::vector<SessionEvent> events_;
    std::vector<Frame> out_;
};

class ClientSession {
public:
    ClientSession() = default;

    // ---- input ---------------------------------------------------------------------------
    // One WebSocket message from the server; the first must be the open packet. Then call
    // events() and frames_to_send() (pongs are queued here).
    void receive_text(std::string_view text, std::int64_t now);
    void receive_binary(std::string_view bytes, std::int64_t now);
    void receive_transport_close();
    // Closes with "ping timeout" once no ping came within pingInterval + pingTimeout.
    void handle_timeout(std::int64_t now);

    // ---- commands ------------------------------------------------------------------------
    bool send_text(std::string_view message);
    bool send_binary(std::string_view bytes);
    void close();

    // ---- output --------------------------------------------------------------------------
    std::vector<SessionEvent> events() { return std::exchange(events_, {}); }
    std::vector<Frame> frames_to_send() { return std::exchange(out_, {}); }
    std::optional<std::int64_t> poll_timeout() const { return ping_deadline_; }

    // ---- inspection ----------------------------------------------------------------------
    SessionState state() const { return state_; }
    // The server's open packet (valid once open).
    const Handshake& handshake() const { return handshake_; }

private:
    void end(std::string reason);

    Handshake handshake_;
    SessionState state_ = SessionState::opening;
    std::optional<std::int64_t> ping_deadline_;
    std::vector<SessionEvent> events_;
    std::vector<Frame> out_;
};

} // namespace wirelab::sio::engineio
