// ARP for IPv4 over Ethernet (RFC 826): the 28-byte request/reply a host sends before its
// first IPv4 packet to a neighbour. The stack's ARP stage keeps the cache and the pending
// queue; this file is only the bytes.
//   EthernetRepr (ethertype 0x0806) -> ArpRepr::parse() -> ARP stage
#pragma once

#include "sim/wire/bytes.hpp"
#include "sim/wire/ethernet.hpp"
#include "sim/wire/ipv4.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace wirelab::wire {

inline constexpr std::uint16_t arp_op_request = 1;
inline constexpr std::uint16_t arp_op_reply = 2;

namespace arp_field {
constexpr Field htype{0, 2};
constexpr Field ptype{2, 2};
constexpr Field hlen{4, 1};
constexpr Field plen{5, 1};
constexpr Field oper{6, 2};
constexpr Field sha{8, 6};
constexpr Field spa{14, 4};
constexpr Field tha{18, 6};
constexpr Field tpa{24, 4};
} // namespace arp_field

struct ArpRepr {
    std::uint16_t op = arp_op_request; // 1 request, 2 reply
    MacAddr sha{};                     // sender hardware address
    std::uint32_t spa = 0;             // sender protocol address (host byte order)
    MacAddr tha{};                     // target hardware address (zero in a request)
    std::uint32_t tpa = 0;             // target protocol address
    static constexpr std::size_t len = 28;

    // Writes the 28 bytes at p (htype 1, ptype 0x0800, hlen 6, plen 4).
    void emit(std::uint8_t* p) const;
    // Requires Ethernet/IPv4 sizes and types and op 1 or 2; trailing padding is ignored.
    static std::optional<ArpRepr> parse(ByteView packet);

    // The byte inspector's rows; same as dissect_arp() below.
    static FieldTable dissect(ByteView bytes);

    bool operator==(const ArpRepr&) const = default;
};

// "ARP who has 10.0.0.2? tell 10.0.0.1" / "ARP 10.0.0.2 is at 02:00:00:00:00:02".
std::string summary(const ArpRepr& arp);
// Layer-2 rows (ARP sits on Ethernet; Wireshark's "Address Resolution Protocol").
FieldTable dissect_arp(ByteView packet);

} // namespace wirelab::wire
