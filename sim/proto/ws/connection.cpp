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

void Connection::receive_data(wire::ByteView data) {
    if (state_ == State::connecting) {
        early_.append(data.data(), data.size());
        return;
    }
    compact();
    while (!input_closed_) {
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
        Pending p;
        p.kind = Event::Kind::frame;
        p.frame = h;
        pending_.push_back(p);
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
    Pending p;
    p.kind = message_opcode_ == Opcode::text ? Event::Kind::text : Event::Kind::binary;
    p.where = Pending::Where::arena;
    p.offset = message_start_;
    p.length = arena_.size() - message_start_;
    pending_.push_back(p);
    in_message_ = false;
    message_start_ = arena_.size();
}

void Connection::on_control_end() {
    const wire::ByteView body{control_.data(), static_cast<std::size_t>(frame_.length)};
    if (frame_.opcode == Opcode::close) return deliver_close(body);
    Pending p;
    p.kind = frame_.opcode == Opcode::ping ? Event::Kind::ping : Event::Kind::pong;
    p.where = Pending::Where::control;
    p.offset = control_arena_.size();
    p.length = body.size();
    control_arena_.append(body.data(), body.size());
    pending_.push_back(p);
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
    Pending p;
    p.kind = Event::Kind::close;
    p.where = Pending::Where::control;
    p.code = code;
    p.reason_offset = control_arena_.size();
    p.reason_length = reason.size();
    control_arena_.append(reason.data(), reason.size());
    pending_.push_back(p);
    close_rcvd_ = code;
    input_closed_ = true; // RFC 6455 5.5.1: nothing follows a close frame
    if (!close_sent_) {
        // Echo the status code (an empty body if there was none).
        queue_close(code, {});
    }
    transition(Input::close_received);
}

} // namespace wirelab::ws
