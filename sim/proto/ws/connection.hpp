// The RFC 6455 WebSocket connection, sans-I/O, shaped like python-websockets' Protocol:
// bytes from the transport go in with receive_data()/receive_eof(); the application's
// messages go in with send_*(); then the caller drains events() (what arrived) and
// data_to_send() (bytes to write to the transport). No clock, no socket, no thread.
//   transport bytes -> receive_data -> FrameParser -> validate -> unmask -> UTF-8 ->
//   (inflate) -> reassemble -> events();   send_* -> (deflate) -> write_frame -> data_to_send
// The state table (CONNECTING/OPEN/CLOSING/CLOSED) lives in connection_state.cpp.
#pragma once

#include "sim/proto/ws/byte_buffer.hpp"
#include "sim/proto/ws/deflate.hpp"
#include "sim/proto/ws/frame.hpp"
#include "sim/proto/ws/utf8.hpp"
#include "sim/wire/bytes.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wirelab::ws {

enum class Role { client, server };
enum class State { connecting, open, closing, closed };
std::string_view to_string(Role r);  // "client", "server"
std::string_view to_string(State s); // "CONNECTING", "OPEN", "CLOSING", "CLOSED" (RFC 6455 4.1)

// Close codes (RFC 6455 7.4.1).
namespace close_code {
constexpr std::uint16_t normal = 1000;
constexpr std::uint16_t going_away = 1001;
constexpr std::uint16_t protocol_error = 1002;
constexpr std::uint16_t unsupported_data = 1003;
constexpr std::uint16_t no_status = 1005;       // never on the wire: "the close had no body"
constexpr std::uint16_t abnormal = 1006;        // never on the wire: "no close frame at all"
constexpr std::uint16_t invalid_payload = 1007; // e.g. invalid UTF-8
constexpr std::uint16_t policy_violation = 1008;
constexpr std::uint16_t message_too_big = 1009;
constexpr std::uint16_t internal_error = 1011;
} // namespace close_code
// Codes a peer may put in a close frame: 1000-1003, 1007-1014, 3000-4999 (as Autobahn 7.9).
bool is_valid_close_code(std::uint16_t code);

// Where client mask keys come from (RFC 6455 5.3: fresh and unpredictable per frame).
// Default: OpenSSL RAND_bytes. Inject a fixed source in tests to pin the bytes on the wire.
using MaskSource = std::function<MaskKey()>;

struct Config {
    Role role = Role::server;
    std::uint64_t max_frame_size = 0;             // payload bytes per frame; 0 = no limit
    std::uint64_t max_message_size = 64ull << 20; // after decompression; 0 = no limit
    MaskSource mask_source;                       // empty = RAND_bytes
    std::optional<DeflateConfig> deflate;         // negotiated permessage-deflate, if any
    bool start_open = true; // false: start in CONNECTING until open() (after the Upgrade)
    // Report every received frame header as an Event::Kind::frame (for dissectors such as
    // `wirelab ws decode`); about 5 ns per frame, so turn it off when only messages matter.
    bool frame_events = true;
};

// What arrived. Views (payload, reason) stay valid until the next receive_data() or events().
struct Event {
    enum class Kind : std::uint8_t {
        frame,  // a frame header was received (`frame`); its payload follows in a message event
        text,   // a whole text message in `payload` (valid UTF-8)
        binary, // a whole binary message in `payload`
        ping,   // `payload` = application data; the pong is already queued (when OPEN)
        pong,   // `payload` = application data
        close,  // the peer's close: `code` (1005 if the body was empty), `reason`; or
                // receive_eof() without one: code 1006
        fail,   // we failed the connection: `code` sent to the peer, `reason` says why
    };
    Kind kind = Kind::frame;
    FrameHeader frame{};
    wire::ByteView payload;
    std::uint16_t code = 0;
    std::string_view reason;

    std::string_view text() const {
        return {reinterpret_cast<const char*>(payload.data()), payload.size()};
    }
};
std::string_view to_string(Event::Kind k); // "frame", "text", ...

class alignas(64) Connection {
public:
    explicit Connection(Config config);
    ~Connection();
    Connection(Connection&&) noexcept;
    Connection& operator=(Connection&&) noexcept;

    // ---- input from the transport ----------------------------------------------------------
    // Feeds bytes received from the transport, any split. Then call events() and
    // data_to_send() (pongs, close echoes and fail close frames are queued here).
    void receive_data(wire::ByteView data) { receive(data, false); }
    // receive_data, except that a whole unmasked message arriving in one frame is not copied:
    // its event's payload views `data` in place. The caller keeps `data`'s bytes alive until
    // it is done with the events() of this call.
    void receive_data_borrowing(wire::ByteView data) { receive(data, true); }
    // The transport reached end of file. State becomes CLOSED; if no close frame was received,
    // a close event with code 1006 is reported. Then call events().
    void receive_eof();

    // ---- commands from the application -----------------------------------------------------
    // Move CONNECTING -> OPEN once the HTTP Upgrade succeeded (only with start_open = false).
    void open();
    // Queue a message, split into frames of at most fragment_size payload bytes (0 = one
    // frame; with deflate, the compressed bytes are split). Then call data_to_send().
    // Returns false (and queues nothing) unless the state is OPEN.
    bool send_text(std::string_view text, std::size_t fragment_size = 0) {
        const wire::ByteView data{reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
        return send_small(0x81, data, fragment_size) ||
               send_message(Opcode::text, data, fragment_size);
    }
    bool send_binary(wire::ByteView data, std::size_t fragment_size = 0) {
        return send_small(0x82, data, fragment_size) ||
               send_message(Opcode::binary, data, fragment_size);
    }
    // Queue a ping/pong (at most 125 bytes). Then call data_to_send(). False if not allowed.
    bool send_ping(wire::ByteView data = {});
    bool send_pong(wire::ByteView data = {});
    // Start the closing handshake (OPEN -> CLOSING; CLOSED once the peer's close arrives).
    // code 1005 sends an empty close body. Then call data_to_send().
    bool send_close(std::uint16_t code = close_code::normal, std::string_view reason = {});
    // Fail the connection (RFC 6455 7.1.7): queue a close frame with `code`, report a fail
    // event, ignore all further input; state CLOSED. Then call data_to_send() and close the
    // transport.
    void fail(std::uint16_t code, std::string why);

    // ---- output ----------------------------------------------------------------------------
    // The events since the last call, in arrival order.
    std::span<const Event> events();
    // events(), handed to f(const Event&) one by one instead of as a span (the same events,
    // views valid as long). A lone event (one message per receive_data, the common case) is
    // built on the stack, so nothing is written to a queue for it.
    template <class F> void drain_events(F&& f) {
        Event lone;
        if (take_lone(lone)) {
            f(static_cast<const Event&>(lone));
            return;
        }
        for (const Event& e : events())
            f(e);
    }
    // The bytes to write to the transport, drained by the call.
    wire::Bytes data_to_send();
    // Zero-copy alternative: look at the queued bytes, then consume what was written.
    wire::ByteView pending_output() const { return out_.view(); }
    void consume_output(std::size_t n) {
        if (n >= out_.size()) {
            out_.clear();
        } else {
            out_.erase_front(n);
        }
    }

    // ---- inspection ------------------------------------------------------------------------
    State state() const { return state_; }
    // True when send_text/send_binary(data) (no fragmenting) would queue nothing but one
    // unmasked, uncompressed frame of `data`, and nothing is queued before it: a server's
    // OPEN connection without deflate, its output drained. The frame's bytes are then the
    // same on every such connection, so a caller may build them once (a broadcast) and
    // write them to the transport itself instead of sending through this connection.
    bool sends_plain_frames() const {
        return state_ == State::open && plain_server_ && out_.empty();
    }
    Role role() const { return config_.role; }
    // True once the transport should be closed after flushing data_to_send() (RFC 6455
    // 7.1.1: the server closes TCP first; the client waits for it).
    bool close_expected() const;
    std::optional<std::uint16_t> close_code_received() const { return close_rcvd_; }
    std::optional<std::uint16_t> close_code_sent() const { return close_sent_; }

    // Inputs of the state machine (connection_state.cpp); public only so its table can name them.
    enum class Input : std::uint8_t;

private:
    struct Pending; // an event whose views are offsets into the arenas until events()

    // connection.cpp: the receive path
    void receive(wire::ByteView data, bool borrow);
    bool single_frame_message(wire::ByteView& data, bool borrow);
    void on_header(const FrameHeader& h);
    void on_payload(const FrameParser::Result& r);
    void on_data_piece(const FrameParser::Result& r);
    void on_control_end();
    void on_message_end();
    void deliver_close(wire::ByteView body);
    // Queues an event that needs no frame header and no literal reason: kept as the lone
    // event when nothing else waits, else appended to queued_.
    void queue_event(Event::Kind kind, std::uint8_t where, std::size_t offset, std::size_t length,
                     std::uint16_t code = 0);
    // Queues an event the caller completes (frame header, reason): always in queued_.
    Event& queue_full_event(Event::Kind kind, std::uint8_t where, std::size_t offset,
                            std::size_t length);
    void spill_lone(); // the lone event becomes queued_'s first
    void resolve(Event& e, const Pending& p) const;
    bool take_lone(Event& out); // drain_events' lone path: false unless the lone event is all
    void compact();
    // connection_send.cpp: the send path
    // Inline fast path of send_text/send_binary: a server's single uncompressed frame of at
    // most 125 bytes, the most common message, written without leaving this header.
    bool send_small(std::uint8_t b0, wire::ByteView data, std::size_t fragment_size) {
        if (state_ != State::open || data.size() > 125 || !plain_server_ ||
            (fragment_size && fragment_size < data.size()))
            return false;
        std::uint8_t* p = out_.extend(2 + data.size());
        p[0] = b0; // FIN + opcode
        p[1] = static_cast<std::uint8_t>(data.size());
        if (!data.empty()) std::memcpy(p + 2, data.data(), data.size());
        return true;
    }
    bool send_message(Opcode op, wire::ByteView data, std::size_t fragment_size);
    void send_control(Opcode op, wire::ByteView data);
    MaskKey next_mask();
    void queue_close(std::uint16_t code, std::string_view reason);
    // connection_state.cpp: the one table of state transitions
    void transition(Input input);

    // The members are ordered by when they are touched, not by topic: with thousands of
    // connections each one's state is cold when a message arrives, so every cache line a
    // steady-state call touches is a miss. The object starts on a line (alignas below);
    // line 0 holds all a server's broadcast send asks (state_, plain_server_, out_'s size)
    // and the receive path's flags and offsets; line 1 the UTF-8 state, the lone event and
    // the parser's boundary test (a client's message, read in place, needs no more); then
    // the message arena; the rest is rarely read.
    State state_ = State::open;
    bool in_message_ = false; // a fragmented data message is in progress
    Opcode message_opcode_ = Opcode::text;
    bool input_closed_ = false;
    // Constant after construction, derived from config_ (read here instead of there):
    bool server_ = true;       // config_.role == Role::server
    bool plain_server_ = true; // server_ and no deflater_: sends_plain_frames' constant part
    bool frame_events_ = true; // config_.frame_events
    bool message_compressed_ = false;
    bool failed_ = false;
    bool eof_received_ = false;
    std::size_t single_frame_limit_ = 0; // the smaller nonzero of the two size limits, or max
    std::size_t message_start_ = 0;      // offset of the message in arena_
    std::size_t drained_arena_ = 0;      // arena_ bytes that belong to drained events
    std::size_t drained_control_ = 0;    // control_arena_ bytes that belong to drained events
    ByteBuffer out_;                     // send side: bytes for the transport
    Utf8Validator utf8_;
    // The lone queued event, while has_lone_ (queued_ is then empty): what queue_event was
    // given. Here rather than in queued_/queued_at_, so a message's event writes no heap.
    struct Lone {
        std::size_t offset = 0;
        std::uint32_t length = 0;
        std::uint16_t code = 0;
        Event::Kind kind = Event::Kind::frame;
        std::uint8_t where = 0; // a Pending::Where
    };
    Lone lone_;
    bool has_lone_ = false;
    bool has_queued_ = false; // !queued_.empty(), read without touching the vector
    FrameParser parser_;      // (its boundary test reads its first 16 bytes, on line 1)
    ByteBuffer arena_;        // message payloads (delivered + the one in progress)

    // Rarely touched. (The fast path of a whole message in one frame sets frame_ only for
    // a frame event.)
    FrameHeader frame_{};            // the frame being received
    ByteBuffer control_arena_;       // control payloads awaiting events()
    std::vector<Event> queued_;      // events since the last events(), views unresolved
    std::vector<Pending> queued_at_; // where each queued event's views point
    std::vector<Event> drained_;     // what the last events() returned
    Config config_;
    std::uint64_t message_size_ = 0; // bytes received so far (on the wire, before inflating)
    std::array<std::uint8_t, 125> control_{};
    ByteBuffer scratch_; // unmasked compressed bytes on their way to the inflater
    ByteBuffer early_;   // bytes received while CONNECTING, parsed at open()
    std::string fail_reason_;
    ByteBuffer deflate_out_;
    std::optional<std::uint16_t> close_rcvd_;
    std::optional<std::uint16_t> close_sent_;
    std::optional<Deflater> deflater_;
    std::optional<Inflater> inflater_;
};

} // namespace wirelab::ws
