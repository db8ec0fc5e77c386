// The RFC 6455 frame header (section 5.2): its named fields, a validated parse/emit of the
// header alone, and the dissection rows the byte inspector highlights. The payload and every
// rule that depends on the connection (reserved bits, opcodes, masking direction) belong to
// sim/proto/ws, which reads headers through this file:
//   bytes -> parse_header() -> FrameHeader -> ws::FrameParser -> ws::Connection -> events
#pragma once

#include "sim/wire/bytes.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace wirelab::wire::websocket {

enum class Opcode : std::uint8_t {
    continuation = 0,
    text = 1,
    binary = 2,
    close = 8,
    ping = 9,
    pong = 10,
};

// Control frames have the high bit of the opcode set (0x8-0xF).
constexpr bool is_control(Opcode op) {
    return (static_cast<std::uint8_t>(op) & 0x8) != 0;
}
// 3-7 and 0xB-0xF are reserved for future use; receiving one fails the connection (1002).
constexpr bool is_reserved(Opcode op) {
    auto v = static_cast<std::uint8_t>(op);
    return (v >= 3 && v <= 7) || v >= 11;
}
// "continuation", "text", "binary", "close", "ping", "pong", or "reserved".
std::string_view to_string(Opcode op);

// The decoded header. `rsv` holds RSV1..RSV3 as bits 2..0 (RSV1 = 0b100, permessage-deflate).
struct FrameHeader {
    bool fin = true;
    std::uint8_t rsv = 0;
    Opcode opcode = Opcode::text;
    bool masked = false;
    std::uint64_t length = 0;
    std::array<std::uint8_t, 4> mask{};
    std::size_t header_size = 2; // bytes the header occupies on the wire (2..14)
};

namespace field {
constexpr Field flags_opcode{0, 1}; // FIN, RSV1-3, opcode
constexpr Field mask_length{1, 1};  // MASK, 7-bit payload length (126 = 16-bit, 127 = 64-bit)
constexpr Field length16{2, 2};
constexpr Field length64{2, 8};
} // namespace field

constexpr std::size_t min_header_size = 2;
constexpr std::size_t max_header_size = 14;
constexpr std::uint64_t max_control_payload = 125;

// Size of the header needed for a payload of `length` bytes.
constexpr std::size_t header_size(std::uint64_t length, bool masked) {
    std::size_t n = length <= 125 ? 2 : length <= 0xffff ? 4 : 10;
    return masked ? n + 4 : n;
}

enum class HeaderStatus {
    complete,           // `out` holds the header, out.header_size bytes were read
    need_more,          // the header is not all there yet; call again with more bytes
    non_minimal_length, // a 16/64-bit length that fits a shorter form (RFC 6455 5.2: MUST be
                        // minimal)
    length_msb_set,     // a 64-bit length with its most significant bit set (5.2)
};
std::string_view to_string(HeaderStatus s);

// Parses the header at the front of `data`. Never reads past data.size(). Inline: every
// frame received is read through it, most often a short unmasked one (2 bytes).
inline HeaderStatus parse_header(ByteView data, FrameHeader& out) {
    if (data.size() < 2) return HeaderStatus::need_more;
    const std::uint8_t b0 = data[0];
    const std::uint8_t b1 = data[1];
    const bool masked = (b1 & 0x80) != 0;
    const std::uint8_t len7 = b1 & 0x7f;
    std::size_t pos = 2;
    std::uint64_t length = len7;
    if (len7 == 126) {
        if (data.size() < 4) return HeaderStatus::need_more;
        length = load_be16(data.data() + 2);
        if (length < 126) return HeaderStatus::non_minimal_length;
        pos = 4;
    } else if (len7 == 127) {
        if (data.size() < 10) return HeaderStatus::need_more;
        length = load_be64(data.data() + 2);
        if (length >> 63) return HeaderStatus::length_msb_set;
        if (length <= 0xffff) return HeaderStatus::non_minimal_length;
        pos = 10;
    }
    if (masked) {
        if (data.size() < pos + 4) return HeaderStatus::need_more;
        for (std::size_t i = 0; i < 4; ++i)
            out.mask[i] = data[pos + i];
        pos += 4;
    } else {
        out.mask = {};
    }
    out.fin = (b0 & 0x80) != 0;
    out.rsv = static_cast<std::uint8_t>((b0 >> 4) & 0x7);
    out.opcode = static_cast<Opcode>(b0 & 0x0f);
    out.masked = masked;
    out.length = length;
    out.header_size = pos;
    return HeaderStatus::complete;
}

// Writes `h` (its length form chosen minimally from h.length, its mask if h.masked) to `out`,
// which must have room for max_header_size bytes. Returns the bytes written; ignores
// h.header_size.
std::size_t emit_header(const FrameHeader& h, std::uint8_t* out);

// Dissection rows for the header at the front of `data` (OSI layer 5), for the byte
// inspector: the header, FIN, RSV1-3, opcode, MASK, payload length, masking key. Empty if the
// header is incomplete or invalid.
FieldTable dissect_header(ByteView data);

} // namespace wirelab::wire::websocket
