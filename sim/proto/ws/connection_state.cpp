// ws::Connection's state machine (RFC 6455 4.1 readyState names), its one transition table,
// and the lifecycle around it: construction, open(), fail(), receive_eof(), events().
//
//   state       input           next      (side effects happen in the caller, listed here)
//   CONNECTING  opened          OPEN      buffered early bytes are parsed
//   OPEN        close_sent      CLOSING   close frame queued
//   OPEN        close_received  CLOSED    close event; our echo queued
//   CLOSING     close_received  CLOSED    close event
//   any         failed          CLOSED    close frame queued (if none sent), fail event
//   any         eof             CLOSED    close event 1006 if no close frame was received
#include "sim/proto/ws/connection.hpp"
#include "sim/proto/ws/connection_internal.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace wirelab::ws {
namespace {

struct Transition {
    State from;
    Connection::Input input;
    State to;
};

} // namespace

std::string_view to_string(Role r) {
    return r == Role::client ? "client" : "server";
}

std::string_view to_string(State s) {
    switch (s) {
    case State::connecting: return "CONNECTING";
    case State::open: return "OPEN";
    case State::closing: return "CLOSING";
    case State::closed: return "CLOSED";
    }
    return "?";
}

std::string_view to_string(Event::Kind k) {
    switch (k) {
    case Event::Kind::frame: return "frame";
    case Event::Kind::text: return "text";
    case Event::Kind::binary: return "binary";
    case Event::Kind::ping: return "ping";
    case Event::Kind::pong: return "pong";
    case Event::Kind::close: return "close";
    case Event::Kind::fail: return "fail";
    }
    return "?";
}

void Connection::transition(Input input) {
    static constexpr std::array<Transition, 4> table{{
        {State::connecting, Input::opened, State::open},
        {State::open, Input::close_sent, State::closing},
        {State::open, Input::close_received, State::closed},
        {State::closing, Input::close_received, State::closed},
    }};
    if (input == Input::failed || input == Input::eof) {
        state_ = State::closed;
        return;
    }
    for (const auto& t : table) {
        if (t.from == state_ && t.input == input) {
            state_ = t.to;
            return;
        }
    }
}

Connection::Connection(Config config) : config_(std::move(config)) {
    state_ = config_.start_open ? State::open : State::connecting;
    server_ = config_.role == Role::server;
    frame_events_ = config_.frame_events;
    // single_frame_message's size check: len > limit exactly when len exceeds a nonzero limit.
    std::uint64_t limit = ~std::uint64_t{0};
    if (config_.max_frame_size) limit = std::min(limit, config_.max_frame_size);
    if (config_.max_message_size) limit = std::min(limit, config_.max_message_size);
    single_frame_limit_ = static_cast<std::size_t>(std::min<std::uint64_t>(limit, ~std::size_t{0}));
    if (config_.deflate) {
        const DeflateConfig& d = *config_.deflate;
        const bool server = config_.role == Role::server;
        // We compress with our own direction's parameters and inflate with the peer's.
        const int out_bits = server ? d.server_max_window_bits : d.client_max_window_bits;
        const bool out_reset = server ? d.server_no_context_takeover : d.client_no_context_takeover;
        const int in_bits = server ? d.client_max_window_bits : d.server_max_window_bits;
        const bool in_reset = server ? d.client_no_context_takeover : d.server_no_context_takeover;
        deflater_.emplace(out_bits, out_reset, d.compression_level, d.memory_level);
        inflater_.emplace(in_bits, in_reset);
    }
    plain_server_ = server_ && !deflater_;
}

Connection::~Connection() = default;
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;

void Connection::open() {
    if (state_ != State::connecting) return;
    transition(Input::opened);
    if (!early_.empty()) {
        ByteBuffer early = std::move(early_);
        receive_data(early.view());
    }
}

void Connection::fail(std::uint16_t code, std::string why) {
    if (state_ == State::closed) return;
    if (in_message_) {
        arena_.shrink_to(message_start_);
        in_message_ = false;
        if (inflater_) inflater_->reset();
    }
    if (!close_sent_) queue_close(code, why);
    fail_reason_ = std::move(why);
    queue_event(Event::Kind::fail, static_cast<std::uint8_t>(Pending::Where::fail), 0,
                fail_reason_.size(), code);
    input_closed_ = true;
    failed_ = true;
    transition(Input::failed);
}

void Connection::receive_eof() {
    if (eof_received_) return;
    eof_received_ = true;
    input_closed_ = true;
    if (in_message_) {
        arena_.shrink_to(message_start_);
        in_message_ = false;
    }
    if (!close_rcvd_ && !failed_) {
        Event& e = queue_full_event(Event::Kind::close, 0, 0, 0);
        e.code = close_code::abnormal;
        e.reason = "connection closed without a close frame";
    }
    transition(Input::eof);
}

bool Connection::close_expected() const {
    if (state_ != State::closed) return false;
    return config_.role == Role::server || failed_ || eof_received_;
}

void Connection::queue_event(Event::Kind kind, std::uint8_t where, std::size_t offset,
                             std::size_t length, std::uint16_t code) {
    if (!has_lone_ && !has_queued_ && length <= 0xffffffffu) {
        lone_ = {offset, static_cast<std::uint32_t>(length), code, kind, where};
        has_lone_ = true;
        return;
    }
    queue_full_event(kind, where, offset, length).code = code;
}

Event& Connection::queue_full_event(Event::Kind kind, std::uint8_t where, std::size_t offset,
                                    std::size_t length) {
    if (has_lone_) spill_lone();
    has_queued_ = true;
    queued_at_.push_back({static_cast<Pending::Where>(where), offset, length});
    Event& e = queued_.emplace_back();
    e.kind = kind;
    return e;
}

void Connection::spill_lone() {
    has_lone_ = false;
    has_queued_ = true;
    queued_at_.push_back({static_cast<Pending::Where>(lone_.where), lone_.offset, lone_.length});
    Event& e = queued_.emplace_back();
    e.kind = lone_.kind;
    e.code = lone_.code;
}

void Connection::compact() {
    if (drained_arena_) {
        arena_.erase_front(drained_arena_);
        if (has_queued_)
            for (auto& p : queued_at_)
                if (p.where == Pending::Where::arena) p.offset -= drained_arena_;
        if (has_lone_ && lone_.where == static_cast<std::uint8_t>(Pending::Where::arena))
            lone_.offset -= drained_arena_;
        message_start_ -= drained_arena_;
        drained_arena_ = 0;
    }
    if (drained_control_) {
        control_arena_.erase_front(drained_control_);
        if (has_queued_)
            for (auto& p : queued_at_)
                if (p.where == Pending::Where::control) p.offset -= drained_control_;
        if (has_lone_ && lone_.where == static_cast<std::uint8_t>(Pending::Where::control))
            lone_.offset -= drained_control_;
        drained_control_ = 0;
    }
}

// Points e's views where a queued event's payload (close: reason) lies.
void Connection::resolve(Event& e, const Pending& p) const {
    switch (p.where) {
    case Pending::Where::none: break;
    case Pending::Where::arena: e.payload = {arena_.data() + p.offset, p.length}; break;
    case Pending::Where::control:
        e.payload = {control_arena_.data() + p.offset, p.length};
        if (e.kind == Event::Kind::close) e.reason = e.text();
        break;
    case Pending::Where::fail: e.reason = fail_reason_; break;
    case Pending::Where::input:
        e.payload = {reinterpret_cast<const std::uint8_t*>(p.offset), p.length};
        break;
    }
}

std::span<const Event> Connection::events() {
    compact();
    if (has_lone_) spill_lone();
    for (std::size_t i = 0; i < queued_.size(); ++i)
        resolve(queued_[i], queued_at_[i]);
    // Hand out the queue itself and reuse the previous one's capacity for the next.
    drained_.swap(queued_);
    queued_.clear();
    queued_at_.clear();
    has_queued_ = false;
    drained_arena_ = message_start_;
    drained_control_ = control_arena_.size();
    return drained_;
}

bool Connection::take_lone(Event& out) {
    if (!has_lone_) return false;
    compact();
    has_lone_ = false;
    out.kind = lone_.kind;
    out.code = lone_.code;
    resolve(out, {static_cast<Pending::Where>(lone_.where), lone_.offset, lone_.length});
    drained_arena_ = message_start_;
    // Control bytes are appended only with a control event, and compact() dropped those of
    // earlier events: unless this one is a control event, there are none.
    drained_control_ = lone_.where == static_cast<std::uint8_t>(Pending::Where::control)
                           ? control_arena_.size()
                           : 0;
    return true;
}

} // namespace wirelab::ws
