// The TCP header (RFC 9293 section 3.1) as smoltcp shapes a wire codec: a table of named
// fields at fixed offsets (`tcp_field::seq_number`), a validated `TcpRepr` with `parse` and
// `emit`, and `dissect`, which turns the same offsets into the rows the byte inspector shows.
// Sits between sim/proto/tcp (which produces and consumes TcpRepr) and the IPv4 stage (which
// supplies the addresses for the pseudo-header checksum). Options understood: EOL, NOP, MSS,
// window scale, SACK-permitted; other options are skipped on parse and listed by dissect.
#pragma once

#include "sim/wire/bytes.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace wirelab::wire {

namespace tcp_field {
constexpr Field src_port{0, 2};
constexpr Field dst_port{2, 2};
constexpr Field seq_number{4, 4};
constexpr Field ack_number{8, 4};
constexpr Field data_offset{12, 1}; // high nibble: header length in 32-bit words
constexpr Field flags{13, 1};
constexpr Field window{14, 2};
constexpr Field checksum{16, 2};
constexpr Field urgent{18, 2};
constexpr std::size_t options_offset = 20;
} // namespace tcp_field

constexpr std::size_t tcp_min_header_len = 20;
constexpr std::size_t tcp_max_header_len = 60;
constexpr std::uint8_t ip_protocol_tcp = 6;

namespace tcp_option {
constexpr std::uint8_t end = 0;
constexpr std::uint8_t nop = 1;
constexpr std::uint8_t mss = 2;
constexpr std::uint8_t window_scale = 3;
constexpr std::uint8_t sack_permitted = 4;
constexpr std::uint8_t sack = 5;
constexpr std::uint8_t timestamps = 8;
} // namespace tcp_option

struct TcpRepr {
    // Flag bits as they sit in byte 13.
    static constexpr std::uint8_t FIN = 0x01;
    static constexpr std::uint8_t SYN = 0x02;
    static constexpr std::uint8_t RST = 0x04;
    static constexpr std::uint8_t PSH = 0x08;
    static constexpr std::uint8_t ACK = 0x10;
    static constexpr std::uint8_t URG = 0x20;
    static constexpr std::uint8_t ECE = 0x40;
    static constexpr std::uint8_t CWR = 0x80;

    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint8_t flags = 0;
    std::uint16_t window = 0;
    std::uint16_t urgent = 0;
    std::optional<std::uint16_t> mss;
    std::optional<std::uint8_t> window_scale;
    bool sack_permitted = false;

    bool has(std::uint8_t flag) const { return (flags & flag) != 0; }
    // Sequence space this segment occupies: payload bytes plus one for SYN and one for FIN.
    std::uint32_t seq_len(std::size_t payload_len) const {
        return static_cast<std::uint32_t>(payload_len) + (has(SYN) ? 1u : 0u) +
               (has(FIN) ? 1u : 0u);
    }

    // Header length in bytes, options included and padded to a multiple of 4: MSS (4),
    // NOP NOP SACK-permitted (4), NOP window scale (4). Inline: the stack asks before every
    // emit, and emit asks again.
    std::size_t header_len() const {
        return tcp_min_header_len + (mss ? 4 : 0) + (sack_permitted ? 4 : 0) +
               (window_scale ? 4 : 0);
    }

    // Writes header_len() + payload.size() bytes into `out` (which must be at least that big;
    // `payload` may already sit at out[header_len()]) and fills in the checksum computed over
    // the IPv4 pseudo-header (src_ip, dst_ip, protocol 6, TCP length). Returns bytes written,
    // or 0 (writing nothing) when `out` is too small.
    std::size_t emit(MutableByteView out, ByteView payload, std::uint32_t src_ip,
                     std::uint32_t dst_ip) const;
    // Convenience: a fresh buffer holding the whole segment.
    Bytes to_bytes(ByteView payload, std::uint32_t src_ip, std::uint32_t dst_ip) const;

    // Validates and decodes `segment` (header + payload). On failure returns nullopt and, if
    // `why` is given, a one-line reason ("truncated header", "bad checksum 0x1234, expected
    // 0x5678", "data offset 4 words < 5"). On success `*payload_offset` (if given) is the real
    // data offset, which may exceed header_len() when the sender used options we skip.
    // Inline for the segment nearly every one is, in the simulator: a 20-byte header (no
    // options), both ports set, the checksum not to be verified (the stack's frames that
    // nothing altered on the way). Anything else, and every refusal, is parse_general()'s.
    static std::optional<TcpRepr> parse(ByteView segment, std::uint32_t src_ip,
                                        std::uint32_t dst_ip, bool verify_checksum = true,
                                        std::string* why = nullptr,
                                        std::size_t* payload_offset = nullptr) {
        if (!verify_checksum && segment.size() >= tcp_min_header_len &&
            (segment[tcp_field::data_offset.offset] >> 4) * std::size_t{4} == tcp_min_header_len) {
            const TcpRepr r = fixed_fields(segment.data());
            if (r.src_port != 0 && r.dst_port != 0) {
                if (payload_offset) *payload_offset = tcp_min_header_len;
                return r;
            }
        }
        return parse_general(segment, src_ip, dst_ip, verify_checksum, why, payload_offset);
    }

    // The byte inspector's rows for a segment; same as dissect_tcp() below.
    static FieldTable dissect(ByteView segment);

    bool operator==(const TcpRepr&) const = default;

private:
    // The fields at fixed offsets of the 20 header bytes at p (options left unset).
    static TcpRepr fixed_fields(const std::uint8_t* p) {
        TcpRepr r;
        r.src_port = load_be16(p + tcp_field::src_port.offset);
        r.dst_port = load_be16(p + tcp_field::dst_port.offset);
        r.seq = load_be32(p + tcp_field::seq_number.offset);
        r.ack = load_be32(p + tcp_field::ack_number.offset);
        r.flags = p[tcp_field::flags.offset];
        r.window = load_be16(p + tcp_field::window.offset);
        r.urgent = load_be16(p + tcp_field::urgent.offset);
        return r;
    }
    // parse() for any segment: every check, options, reasons.
    static std::optional<TcpRepr> parse_general(ByteView segment, std::uint32_t src_ip,
                                                std::uint32_t dst_ip, bool verify_checksum,
                                                std::string* why, std::size_t* payload_offset);
};

// The checksum `emit` writes: over the pseudo-header and `segment` with its checksum field
// taken as zero. A received segment is intact when this equals the stored checksum.
std::uint16_t tcp_checksum(ByteView segment, std::uint32_t src_ip, std::uint32_t dst_ip);

// Rows for the byte inspector, offsets relative to the start of the TCP header, layer 4.
// Row 0 (depth 0) is the header itself; flags and options get depth-2 sub-rows. Tolerates
// malformed input: it dissects what is there and says what is wrong in a row's value.
FieldTable dissect_tcp(ByteView segment);

// "SYN seq=0 win=65535 mss=1460", "SYN-ACK seq=1 ack=1 …", "ACK ack=…",
// "PSH-ACK seq=… ack=… len=12", "FIN-ACK …", "RST …" — flag names joined with '-', then
// seq (omitted on a pure ACK without payload), ack when ACK is set, win, len when non-zero,
// and the options present. seq/ack are the absolute 32-bit values.
std::string summary(const TcpRepr& repr, std::size_t payload_len);

} // namespace wirelab::wire
