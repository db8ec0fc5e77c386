// Helpers for the WebSocket tests: hex literals, frame builders, and a feeder that delivers
// an input in chunks of a given size and copies every event out (event views are transient).
#pragma once

#include "sim/proto/ws/connection.hpp"
#include "sim/wire/bytes.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace wstest {

using namespace wirelab;
using wirelab::ws::Event;

inline wire::Bytes hex(std::string_view s) {
    wire::Bytes out;
    if (!wire::from_hex(s, out)) throw std::invalid_argument("bad hex");
    return out;
}

inline wire::Bytes bytes_of(std::string_view s) {
    return wire::Bytes(s.begin(), s.end());
}

inline void append(wire::Bytes& a, const wire::Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
}

constexpr ws::MaskKey rfc_mask{0x37, 0xfa, 0x21, 0x3d};

// One frame as a peer would send it; masked by default (client -> server).
struct FrameSpec {
    ws::Opcode opcode = ws::Opcode::text;
    wire::Bytes payload;
    bool fin = true;
    std::uint8_t rsv = 0;
    bool masked = true;
    ws::MaskKey mask = rfc_mask;
};

inline wire::Bytes frame(const FrameSpec& f) {
    ws::ByteBuffer b;
    ws::FrameHeader h;
    h.fin = f.fin;
    h.rsv = f.rsv;
    h.opcode = f.opcode;
    h.masked = f.masked;
    h.mask = f.mask;
    ws::write_frame(b, h, f.payload);
    return wire::Bytes(b.data(), b.data() + b.size());
}
inline wire::Bytes frame(ws::Opcode op, std::string_view payload, bool fin = true,
                         bool masked = true) {
    return frame(FrameSpec{op, bytes_of(payload), fin, 0, masked, rfc_mask});
}
inline wire::Bytes close_frame(std::uint16_t code, std::string_view reason = {},
                               bool masked = true) {
    wire::Bytes body{static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code)};
    append(body, bytes_of(reason));
    return frame(FrameSpec{ws::Opcode::close, body, true, 0, masked, rfc_mask});
}

// An event copied out of the connection.
struct Got {
    Event::Kind kind;
    std::string payload;
    std::uint16_t code = 0;
    std::string reason;
    ws::FrameHeader frame{};
};

inline void drain(ws::Connection& c, std::vector<Got>& out) {
    for (const Event& e : c.events())
        out.push_back({e.kind, std::string(e.text()), e.code, std::string(e.reason), e.frame});
}

// Feeds `in` in chunks of `chunk` bytes (0 = whole), draining events after every chunk.
inline std::vector<Got> feed(ws::Connection& c, const wire::Bytes& in, std::size_t chunk = 0) {
    std::vector<Got> out;
    if (chunk == 0) chunk = std::max<std::size_t>(in.size(), 1);
    for (std::size_t pos = 0; pos < in.size(); pos += chunk) {
        const std::size_t n = std::min(chunk, in.size() - pos);
        c.receive_data(wire::ByteView{in.data() + pos, n});
        drain(c, out);
    }
    if (in.empty()) drain(c, out);
    return out;
}

// The events other than frame headers.
inline std::vector<Got> messages(const std::vector<Got>& all) {
    std::vector<Got> out;
    for (const auto& g : all)
        if (g.kind != Event::Kind::frame) out.push_back(g);
    return out;
}

inline ws::Config server_config() {
    ws::Config c;
    c.role = ws::Role::server;
    return c;
}
inline ws::Config client_config(ws::MaskKey key = rfc_mask) {
    ws::Config c;
    c.role = ws::Role::client;
    c.mask_source = [key] { return key; };
    return c;
}

inline std::string to_hex(const wire::Bytes& b) {
    return wire::to_hex(b);
}

// The close code in an (unmasked, server-sent) close frame at the end of `out`; 0 if none.
inline std::uint16_t sent_close_code(const wire::Bytes& out) {
    // Walk the frames to find the close.
    std::size_t pos = 0;
    while (pos < out.size()) {
        ws::FrameHeader h;
        if (wire::websocket::parse_header({out.data() + pos, out.size() - pos}, h) !=
            ws::HeaderStatus::complete)
            return 0;
        const std::uint8_t* body = out.data() + pos + h.header_size;
        if (h.opcode == ws::Opcode::close) {
            if (h.length < 2) return 1005;
            std::uint8_t b[2] = {body[0], body[1]};
            if (h.masked) {
                b[0] ^= h.mask[0];
                b[1] ^= h.mask[1];
            }
            return wire::load_be16(b);
        }
        pos += h.header_size + h.length;
    }
    return 0;
}

} // namespace wstest
