// The IPv4 header (RFC 791) without options or fragmentation: what the stack's IPv4 stage
// pushes onto every TCP segment. emit() fills in the header checksum; parse() validates
// version, IHL, total length, fragments and (optionally) the checksum, and says why it
// refused a packet so a drop can be explained to the learner.
//   EthernetRepr (ethertype 0x0800) -> Ipv4Repr::parse() -> TcpRepr::parse()
#pragma once

#include "sim/wire/bytes.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wirelab::wire {

// "10.0.0.1" from an address in host byte order.
std::string format_ipv4(std::uint32_t addr);
// Strict dotted quad (four decimal parts 0-255, no leading '+', no spaces); host byte order.
std::optional<std::uint32_t> parse_ipv4(std::string_view text);

inline constexpr std::uint8_t ip_proto_tcp = 6;

namespace ipv4_field {
constexpr Field ver_ihl{0, 1};
constexpr Field dscp_ecn{1, 1};
constexpr Field total_len{2, 2};
constexpr Field ident{4, 2};
constexpr Field flags_frag{6, 2};
constexpr Field ttl{8, 1};
constexpr Field protocol{9, 1};
constexpr Field checksum{10, 2};
constexpr Field src{12, 4};
constexpr Field dst{16, 4};
} // namespace ipv4_field

struct Ipv4Repr {
    std::uint32_t src = 0, dst = 0; // host byte order
    std::uint8_t protocol = ip_proto_tcp, ttl = 64;
    std::uint16_t ident = 0;
    bool df = true;
    std::uint16_t payload_len = 0;
    static constexpr std::size_t header_len = 20;

    // Writes the 20-byte header at p and computes its checksum.
    void emit(std::uint8_t* p) const;
    // Validates and decodes the header at the front of `packet` (options skipped, the
    // payload is packet[ihl*4, total_length)). Rejects: truncated, version != 4, IHL < 5,
    // total length < IHL*4 or > packet size, MF or offset != 0 ("fragments not modelled"),
    // a bad checksum when verify_checksum. `why` gets a one-line reason.
    // Ethernet padding after total_length is allowed and ignored.
    // Inline for the packet nearly every one is, in the simulator: a 20-byte header (no
    // options), not a fragment, the checksum not to be verified (the stack's frames that
    // nothing altered on the way). Anything else, and every refusal, is parse_general()'s.
    static std::optional<Ipv4Repr> parse(ByteView packet, bool verify_checksum = true,
                                         std::string* why = nullptr) {
        if (!verify_checksum && packet.size() >= header_len) {
            const std::uint8_t* p = packet.data();
            const std::size_t total = load_be16(p + ipv4_field::total_len.offset);
            const std::uint16_t flags_frag = load_be16(p + ipv4_field::flags_frag.offset);
            if (p[0] == 0x45 && total >= header_len && total <= packet.size() &&
                (flags_frag & 0x3fff) == 0)
                return fields(p, flags_frag, total - header_len);
        }
        return parse_general(packet, verify_checksum, why);
    }

    // The byte inspector's rows; same as dissect_ipv4() below.
    static FieldTable dissect(ByteView bytes);

    bool operator==(const Ipv4Repr&) const = default;

private:
    // The fields of the header at p, whose flags word and payload length are known.
    static Ipv4Repr fields(const std::uint8_t* p, std::uint16_t flags_frag,
                           std::size_t payload_len) {
        Ipv4Repr r;
        r.src = load_be32(p + ipv4_field::src.offset);
        r.dst = load_be32(p + ipv4_field::dst.offset);
        r.protocol = p[ipv4_field::protocol.offset];
        r.ttl = p[ipv4_field::ttl.offset];
        r.ident = load_be16(p + ipv4_field::ident.offset);
        r.df = (flags_frag & 0x4000) != 0;
        r.payload_len = static_cast<std::uint16_t>(payload_len);
        return r;
    }
    // parse() for any packet: every check, reasons.
    static std::optional<Ipv4Repr> parse_general(ByteView packet, bool verify_checksum,
                                                 std::string* why);
};

// The header checksum as emit() computes it, over `header` with its checksum field as zero.
std::uint16_t ipv4_checksum(ByteView header);
// "TCP", "UDP", "ICMP" or the number.
std::string ip_protocol_name(std::uint8_t protocol);
// Layer-3 rows for the header at the front of `packet`: "Internet Protocol Version 4",
// "Version", "Header Length", "Differentiated Services Field", "Total Length",
// "Identification", "Flags" (+ sub-rows), "Fragment Offset", "Time to Live", "Protocol",
// "Header Checksum" (with [correct]/[incorrect]), "Source Address", "Destination Address".
FieldTable dissect_ipv4(ByteView packet);

} // namespace wirelab::wire
