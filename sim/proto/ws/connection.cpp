// The receive path of ws::Connection:
//   receive_data() -> FrameParser::next() -> on_header() (every RFC 6455 5.x header rule)
//   -> on_payload() -> unmask into the arena -> UTF-8 -> (inflate) -> on_message_end()
//   -> a Pending event; control frames -> on_control_end() (pong, close echo).
// Payload bytes are unmasked straight from the caller's buffer into the message arena (one
// pass); arenas and event vectors keep their capacity, so steady state allocates nothing.
#include "sim/proto/ws/connection.hpp"
#include "sim/proto/ws/connection_internal.hpp"

#include <cstdio>
#include <cstring>
#include <string>

namespace wirelab::ws {

bool is_valid_close_code(std::uint16_t code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

void Connection::receive(wire::ByteView data, bool borrow) {
    if (state_ == State::connecting) {
        early_.append(data.data(), data.size());
        return;
    }
    compact();
    while (!input_closed_) {
        if (parser_.at_frame_boundary()) {
            // All of it taken, frame by frame: the parser would only say need_more. (Inside
            // a frame an empty input may still complete one: a zero-length payload.)
            if (data.empty()) return;
            if (single_frame_message(data, borrow)) continue;
            // A whole frame in the caller's buffer skips the parser's piecewise state (same
            // checks, same order).
            FrameHeader h;
            if (wire::websocket::parse_header(data, h) == HeaderStatus::complete &&
                data.size() - h.header_size >= h.length) {
                on_header(h);
                if (input_closed_) return;
                FrameParser::Result r;
                r.kind = FrameParser::Kind::payload;
                r.payload = data.subspan(h.header_size, static_cast<std::size_t>(h.length));
                r.frame_end = true;
                data = data.subspan(h.header_size + static_cast<std::size_t>(h.length));
                on_payload(r);
                continue;
            }
        }
        const FrameParser::Result r = parser_.next(data);
        data = data.subspan(r.consumed);
        switch (r.kind) {
        case FrameParser::Kind::need_more: return;
        case FrameParser::Kind::error:
            fail(close_code::protocol_error, std::string("invalid frame header: ") +
                                                 std::string(wire::websocket::to_string(r.error)));
            return;
        case FrameParser::Kind::header: on_header(parser_.header()); break;
        case FrameParser::Kind::payload: on_payload(r); break;
        }
    }
}

// The hot path, for the most common frame of all: a whole, final, uncompressed text or binary
// frame of at most 64 KiB that is not part of a fragmented message, correctly masked, within
// the limits. Anything else (or any doubt) returns false and takes the general path, which
// applies every rule; this one only skips work that cannot matter for such a frame.
bool Connection::single_frame_message(wire::ByteView& data, bool borrow) {
    const std::size_t avail = data.size();
    if (avail < 2 || in_message_) return false;
    const std::uint8_t* p = data.data();
    const std::uint8_t b0 = p[0];
    const std::uint8_t b1 = p[1];
    const std::uint8_t op = b0 & 0x0f;
    if ((b0 & 0xf0) != 0x80 || (op != 1 && op != 2)) return false;
    const bool masked = (b1 & 0x80) != 0;
    if (masked != server_) return false;
    std::size_t len = b1 & 0x7f;
    std::size_t hs = 2;
    if (len == 126) {
        if (avail < 4) return false;
        len = wire::load_be16(p + 2);
        if (len < 126) return false;
        hs = 4;
    } else if (len == 127) {
        return false;
    }
    const std::size_t mask_at = hs;
    if (masked) hs += 4;
    if (avail - hs < len || avail < hs) return false;
    if (len > single_frame_limit_) return false; // (max_frame_size, max_message_size)

    MaskKey mask{};
    if (masked) std::memcpy(mask.data(), p + mask_at, 4);
    if (frame_events_) {
        frame_.fin = true;
        frame_.rsv = 0;
        frame_.opcode = static_cast<Opcode>(op);
        frame_.masked = masked;
        frame_.length = len;
        frame_.header_size = hs;
        frame_.mask = mask;
        queue_full_event(Event::Kind::frame, 0, 0, 0).frame = frame_;
    }
    message_opcode_ = static_cast<Opcode>(op);
    // Borrowing, an unmasked payload is read where it lies; otherwise it is copied (unmasked)
    // into the arena. (Outside a message message_start_ is the arena's size already: every
    // path that ends a message or drops one sets it so, and compact() moves both alike. So
    // a message read in place leaves the arena and message_start_ alone.)
    const bool in_place = borrow && !masked;
    const std::uint8_t* body = p + hs;
    if (!in_place) {
        message_start_ = arena_.size();
        std::uint8_t* dst = arena_.extend(len);
        if (masked) {
            apply_mask(dst, p + hs, len, mask, 0);
        } else if (len) {
            std::memcpy(dst, p + hs, len);
        }
        body = dst;
    }
    data = data.subspan(hs + len);
    if (op == 1) {
        utf8_.reset();
        const std::size_t bad = utf8_.feed({body, len});
        if (bad != Utf8Validator::npos || !utf8_.complete()) {
            in_message_ = true; // so fail() drops the partial message
            char why[80];
            if (bad != Utf8Validator::npos) {
                std::snprintf(why, sizeof why, "invalid UTF-8 at byte %zu of the message", bad);
            } else {
                std::snprintf(why, sizeof why,
                              "invalid UTF-8: message ends inside a character at byte %zu", len);
            }
            fail(close_code::invalid_payload, why);
            return true;
        }
    }
    const auto where = in_place ? Pending::Where::input : Pending::Where::arena;
    queue_event(op == 1 ? Event::Kind::text : Event::Kind::binary, static_cast<std::uint8_t>(where),
                in_place ? reinterpret_cast<std::uintptr_t>(body) : message_start_, len);
    if (!in_place) message_start_ = arena_.size();
    return true;
}

void Connection::on_header(const FrameHeader& h) {
    const bool control = is_control(h.opcode);
    const std::uint8_t allowed_rsv = inflater_ ? 0x4 : 0x0;
    const bool server = config_.role == Role::server;
    char why[96];
    if (h.rsv & ~allowed_rsv) {
        std::snprintf(why, sizeof why, "reserved bits set (RSV=%u) without an extension",
                      static_cast<unsigned>(h.rsv));
        return fail(close_code::protocol_error, why);
    }
    if (is_reserved(h.opcode)) {
        std::snprintf(why, sizeof why, "reserved opcode 0x%X", static_cast<unsigned>(h.opcode));
        return fail(close_code::protocol_error, why);
    }
    if (server && !h.masked) return fail(close_code::protocol_error, "client frame not masked");
    if (!server && h.masked) return fail(close_code::protocol_error, "server frame masked");
    if (control) {
        if (!h.fin) return fail(close_code::protocol_error, "fragmented control frame");
        if (h.length > wire::websocket::max_control_payload)
            return fail(close_code::protocol_error, "control frame payload over 125 bytes");
        if (h.rsv) return fail(close_code::protocol_error, "RSV1 set on a control frame");
    } else if (h.opcode == Opcode::continuation) {
        if (!in_message_)
            return fail(close_code::protocol_error, "continuation frame with nothing to continue");
        if (h.rsv) return fail(close_code::protocol_error, "RSV1 set on a continuation frame");
    } else if (in_message_) {
        return fail(close_code::protocol_error, "new data frame inside a fragmented message");
    }
    if (config_.max_frame_size && h.length > config_.max_frame_size)
        return fail(close_code::message_too_big, "frame larger than max_frame_size");

    if (!control) {
        if (h.opcode != Opcode::continuation) {
            in_message_ = true;
            message_opcode_ = h.opcode;
            message_compressed_ = (h.rsv & 0x4) != 0;
            message_size_ = 0;
            message_start_ = arena_.size();
            utf8_.reset();
        }
        if (!message_compressed_ && config_.max_message_size &&
            message_size_ + h.length > config_.max_message_size)
            return fail(close_code::message_too_big, "message larger than max_message_size");
    }
    frame_ = h;
    if (config_.frame_events) {
        queue_full_event(Event::Kind::frame, 0, 0, 0).frame = h;
    }
}

void Connection::on_payload(const FrameParser::Result& r) {
    if (is_control(frame_.opcode)) {
        apply_mask(control_.data() + r.offset, r.payload.data(), r.payload.size(), frame_.mask,
                   static_cast<std::size_t>(r.offset & 3));
        if (r.frame_end) on_control_end();
        return;
    }
    on_data_piece(r);
    if (!input_closed_ && r.frame_end && frame_.fin) on_message_end();
}

void Connection::on_data_piece(const FrameParser::Result& r) {
    const std::size_t n = r.payload.size();
    const std::size_t phase = static_cast<std::size_t>(r.offset & 3);
    message_size_ += n;
    std::size_t check_from = arena_.size();
    if (!message_compressed_) {
        std::uint8_t* dst = arena_.extend(n);
        if (frame_.masked) {
            apply_mask(dst, r.payload.data(), n, frame_.mask, phase);
        } else if (n) {
            std::memcpy(dst, r.payload.data(), n);
        }
    } else {
        wire::ByteView in = r.payload;
        if (frame_.masked) {
            scratch_.clear();
            apply_mask(scratch_.extend(n), r.payload.data(), n, frame_.mask, phase);
            in = scratch_.view();
        }
        const std::size_t limit = static_cast<std::size_t>(config_.max_message_size);
        Inflater::Status st = inflater_->decompress(in, arena_, limit);
        if (st == Inflater::Status::ok && r.frame_end && frame_.fin)
            st = inflater_->finish_message(arena_, limit);
        if (st == Inflater::Status::too_big)
            return fail(close_code::message_too_big,
                        "decompressed message larger than max_message_size");
        if (st == Inflater::Status::corrupt)
            return fail(close_code::invalid_payload, "invalid deflate data");
    }
    if (message_opcode_ == Opcode::text) {
        const std::uint64_t before = utf8_.position();
        const std::size_t bad =
            utf8_.feed({arena_.data() + check_from, arena_.size() - check_from});
        if (bad != Utf8Validator::npos) {
            char why[80];
            std::snprintf(why, sizeof why, "invalid UTF-8 at byte %llu of the message",
                          static_cast<unsigned long long>(before + bad));
            return fail(close_code::invalid_payload, why);
        }
    }
}

void Connection::on_message_end() {
    if (message_opcode_ == Opcode::text && !utf8_.complete()) {
        char why[80];
        std::snprintf(why, sizeof why,
                      "invalid UTF-8: message ends inside a character at byte %llu",
                      static_cast<unsigned long long>(utf8_.position()));
        return fail(close_code::invalid_payload, why);
    }
    queue_event(message_opcode_ == Opcode::text ? Event::Kind::text : Event::Kind::binary,
                static_cast<std::uint8_t>(Pending::Where::arena), message_start_,
                arena_.size() - message_start_);
    in_message_ = false;
    message_start_ = arena_.size();
}

void Connection::on_control_end() {
    const wire::ByteView body{control_.data(), static_cast<std::size_t>(frame_.length)};
    if (frame_.opcode == Opcode::close) return deliver_close(body);
    queue_event(frame_.opcode == Opcode::ping ? Event::Kind::ping : Event::Kind::pong,
                static_cast<std::uint8_t>(Pending::Where::control), control_arena_.size(),
                body.size());
    control_arena_.append(body.data(), body.size());
    // RFC 6455 5.5.2: answer a ping with a pong carrying the same data, unless closing.
    if (frame_.opcode == Opcode::ping && state_ == State::open) send_control(Opcode::pong, body);
}

void Connection::deliver_close(wire::ByteView body) {
    std::uint16_t code = close_code::no_status;
    wire::ByteView reason;
    if (body.size() == 1) return fail(close_code::protocol_error, "close frame with a 1-byte body");
    if (body.size() >= 2) {
        code = wire::load_be16(body.data());
        if (!is_valid_close_code(code)) {
            char why[64];
            std::snprintf(why, sizeof why, "invalid close code %u", static_cast<unsigned>(code));
            return fail(close_code::protocol_error, why);
        }
        reason = body.subspan(2);
        Utf8Validator v;
        const std::size_t bad = v.feed(reason);
        if (bad != Utf8Validator::npos || !v.complete()) {
            char why[64];
            std::snprintf(why, sizeof why, "invalid UTF-8 in the close reason at byte %zu",
                          bad == Utf8Validator::npos ? reason.size() : bad);
            return fail(close_code::invalid_payload, why);
        }
    }
    queue_event(Event::Kind::close, static_cast<std::uint8_t>(Pending::Where::control),
                control_arena_.size(), reason.size(), code);
    control_arena_.append(reason.data(), reason.size());
    close_rcvd_ = code;
    input_closed_ = true; // RFC 6455 5.5.1: nothing follows a close frame
    if (!close_sent_) {
        // Echo the status code (an empty body if there was none).
        queue_close(code, {});
    }
    transition(Input::close_received);
}

} // namespace wirelab::ws
