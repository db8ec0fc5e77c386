// RFC 6455 section 5.2 frame header: parse, emit, dissect.
#include "sim/wire/websocket.hpp"

#include <cstdio>
#include <string>

namespace wirelab::wire::websocket {

std::string_view to_string(Opcode op) {
    switch (op) {
    case Opcode::continuation: return "continuation";
    case Opcode::text: return "text";
    case Opcode::binary: return "binary";
    case Opcode::close: return "close";
    case Opcode::ping: return "ping";
    case Opcode::pong: return "pong";
    }
    return "reserved";
}

std::string_view to_string(HeaderStatus s) {
    switch (s) {
    case HeaderStatus::complete: return "complete";
    case HeaderStatus::need_more: return "need more bytes";
    case HeaderStatus::non_minimal_length: return "payload length not in its minimal form";
    case HeaderStatus::length_msb_set: return "64-bit payload length with its top bit set";
    }
    return "?";
}

std::size_t emit_header(const FrameHeader& h, std::uint8_t* out) {
    out[0] = static_cast<std::uint8_t>((h.fin ? 0x80 : 0) | ((h.rsv & 0x7) << 4) |
                                       (static_cast<std::uint8_t>(h.opcode) & 0x0f));
    const std::uint8_t mask_bit = h.masked ? 0x80 : 0;
    std::size_t pos;
    if (h.length <= 125) {
        out[1] = static_cast<std::uint8_t>(mask_bit | h.length);
        pos = 2;
    } else if (h.length <= 0xffff) {
        out[1] = mask_bit | 126;
        store_be16(out + 2, static_cast<std::uint16_t>(h.length));
        pos = 4;
    } else {
        out[1] = mask_bit | 127;
        store_be64(out + 2, h.length);
        pos = 10;
    }
    if (h.masked) {
        for (std::size_t i = 0; i < 4; ++i)
            out[pos + i] = h.mask[i];
        pos += 4;
    }
    return pos;
}

FieldTable dissect_header(ByteView data) {
    FrameHeader h;
    if (parse_header(data, h) != HeaderStatus::complete) return {};
    constexpr std::uint8_t layer = 5;
    auto bit = [](bool b) { return std::string(b ? "1" : "0"); };
    char buf[64];
    FieldTable t;
    std::snprintf(buf, sizeof buf, "%s, %llu payload bytes",
                  std::string(to_string(h.opcode)).c_str(),
                  static_cast<unsigned long long>(h.length));
    t.push_back({"WebSocket frame header", 0, h.header_size, layer, 0, buf});
    t.push_back({"FIN", field::flags_opcode.offset, 1, layer, 2, bit(h.fin)});
    t.push_back({"RSV1", field::flags_opcode.offset, 1, layer, 2, bit(h.rsv & 4)});
    t.push_back({"RSV2", field::flags_opcode.offset, 1, layer, 2, bit(h.rsv & 2)});
    t.push_back({"RSV3", field::flags_opcode.offset, 1, layer, 2, bit(h.rsv & 1)});
    std::snprintf(buf, sizeof buf, "%u (%s)", static_cast<unsigned>(h.opcode),
                  std::string(to_string(h.opcode)).c_str());
    t.push_back({"Opcode", field::flags_opcode.offset, 1, layer, 2, buf});
    t.push_back({"MASK", field::mask_length.offset, 1, layer, 2, bit(h.masked)});
    std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(h.length));
    const std::size_t len_bytes = h.header_size - (h.masked ? 4 : 0) - 1;
    t.push_back({"Payload length", field::mask_length.offset, len_bytes, layer, 1, buf});
    if (h.masked) {
        t.push_back(
            {"Masking key", h.header_size - 4, 4, layer, 1, to_hex(ByteView{h.mask.data(), 4})});
    }
    return t;
}

} // namespace wirelab::wire::websocket
