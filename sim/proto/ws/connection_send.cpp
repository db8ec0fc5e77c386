// The send path of ws::Connection: send_* -> (Deflater) -> write_frame() into out_, which
// data_to_send()/pending_output() hand to the transport. Clients mask every frame with a key
// from Config::mask_source (RFC 6455 5.3); servers never mask.
#include "sim/proto/ws/connection.hpp"
#include "sim/proto/ws/connection_internal.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cstring>

namespace wirelab::ws {

MaskKey Connection::next_mask() {
    if (config_.mask_source) return config_.mask_source();
    MaskKey key{};
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
        // RAND_bytes only fails if the OS entropy source is broken; a fixed key would still
        // be a valid frame, but say so loudly rather than silently weakening masking.
        std::fprintf(stderr, "wirelab ws: RAND_bytes failed; using a zero mask key\n");
    }
    return key;
}

bool Connection::send_message(Opcode op, wire::ByteView data, std::size_t fragment_size) {
    if (state_ != State::open) return false;
    const bool compressed = deflater_.has_value();
    if (compressed) {
        deflate_out_.clear();
        deflater_->compress(data, deflate_out_);
        data = deflate_out_.view();
    }
    const bool client = config_.role == Role::client;
    std::size_t pos = 0;
    bool first = true;
    do {
        const std::size_t n =
            fragment_size ? std::min(fragment_size, data.size() - pos) : data.size() - pos;
        FrameHeader h;
        h.fin = pos + n == data.size();
        h.rsv = first && compressed ? 0x4 : 0;
        h.opcode = first ? op : Opcode::continuation;
        h.masked = client;
        if (client) h.mask = next_mask();
        write_frame(out_, h, data.subspan(pos, n));
        pos += n;
        first = false;
    } while (pos < data.size());
    return true;
}

void Connection::send_control(Opcode op, wire::ByteView data) {
    FrameHeader h;
    h.opcode = op;
    h.masked = config_.role == Role::client;
    if (h.masked) h.mask = next_mask();
    write_frame(out_, h, data);
}

bool Connection::send_ping(wire::ByteView data) {
    if (state_ != State::open || data.size() > wire::websocket::max_control_payload) return false;
    send_control(Opcode::ping, data);
    return true;
}

bool Connection::send_pong(wire::ByteView data) {
    if (state_ != State::open || data.size() > wire::websocket::max_control_payload) return false;
    send_control(Opcode::pong, data);
    return true;
}

bool Connection::send_close(std::uint16_t code, std::string_view reason) {
    if (state_ != State::open) return false;
    if (code != close_code::no_status && !is_valid_close_code(code)) return false;
    if (reason.size() > 123 || (code == close_code::no_status && !reason.empty())) return false;
    if (!is_valid_utf8(reason)) return false;
    queue_close(code, reason);
    transition(Input::close_sent);
    return true;
}

void Connection::queue_close(std::uint16_t code, std::string_view reason) {
    std::uint8_t body[125];
    std::size_t n = 0;
    if (code != close_code::no_status) {
        wire::store_be16(body, code);
        // Keep the reason within the 125-byte control limit, cut on a character boundary.
        std::size_t len = std::min<std::size_t>(reason.size(), 123);
        while (len < reason.size() && len > 0 &&
               (static_cast<std::uint8_t>(reason[len]) & 0xc0) == 0x80)
            --len;
        std::memcpy(body + 2, reason.data(), len);
        n = 2 + len;
    }
    send_control(Opcode::close, {body, n});
    close_sent_ = code;
}

wire::Bytes Connection::data_to_send() {
    wire::Bytes bytes(out_.data(), out_.data() + out_.size());
    out_.clear();
    return bytes;
}

} // namespace wirelab::ws
