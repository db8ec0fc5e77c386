// Byte-level building blocks shared by every header codec in sim/wire: big-endian access,
// named fields (smoltcp-style `constexpr Field src_port{0, 2};`) and the field table that
// the byte inspector uses to highlight exactly the bytes a dissected field came from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wirelab::wire {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;
using MutableByteView = std::span<std::uint8_t>;

// A field at a fixed offset of a header: offset and length in bytes.
struct Field {
    std::size_t offset;
    std::size_t length;
    constexpr std::size_t end() const { return offset + length; }
};

inline std::uint16_t load_be16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
inline std::uint32_t load_be32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}
inline std::uint64_t load_be64(const std::uint8_t* p) {
    return (std::uint64_t{load_be32(p)} << 32) | load_be32(p + 4);
}
inline void store_be16(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}
inline void store_be32(std::uint8_t* p, std::uint32_t v) {
    store_be16(p, static_cast<std::uint16_t>(v >> 16));
    store_be16(p + 2, static_cast<std::uint16_t>(v));
}
inline void store_be64(std::uint8_t* p, std::uint64_t v) {
    store_be32(p, static_cast<std::uint32_t>(v >> 32));
    store_be32(p + 4, static_cast<std::uint32_t>(v));
}

// One row of a dissection: a named field, where its bytes are (relative to the start of the
// header that was dissected), the OSI layer it belongs to, and its value as a person reads it.
// `depth` nests rows (0 = the header itself, 1 = its fields, 2 = sub-fields such as flags).
struct FieldSpan {
    std::string name;
    std::size_t offset = 0;
    std::size_t length = 0;
    std::uint8_t layer = 0;
    std::uint8_t depth = 1;
    std::string value;
};
using FieldTable = std::vector<FieldSpan>;

// The Internet checksum (RFC 1071) over `data`, continuing from a partial sum `sum`.
std::uint32_t checksum_add(std::uint32_t sum, ByteView data);
// The partial sum folded to 16 bits and complemented: the checksum field's value. Inline:
// every IPv4 and TCP header emitted ends with it.
inline std::uint16_t checksum_fold(std::uint32_t sum) {
    sum = (sum & 0xffff) + (sum >> 16); // at most 0x1fffe
    sum = (sum & 0xffff) + (sum >> 16); // at most 0xffff
    return static_cast<std::uint16_t>(~sum);
}

std::string to_hex(ByteView data);
// Parses "0a0B ff" style hex (whitespace ignored); false on an odd count or a bad digit.
bool from_hex(std::string_view hex, Bytes& out);

} // namespace wirelab::wire
