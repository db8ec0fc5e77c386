// Ethernet II (IEEE 802.3 with an EtherType) and its frame check sequence: the bottom of every
// PDU on the simulated wire. The stack's link stage emits a header with EthernetRepr and
// appends the FCS; the receiving NIC checks the FCS, parses the header and hands the payload
// to ARP or IPv4 by EtherType. dissect() gives the byte inspector its layer-2 rows.
//   frame -> check_fcs() -> EthernetRepr::parse() -> ArpRepr / Ipv4Repr
#pragma once

#include "sim/wire/bytes.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace wirelab::wire {

using MacAddr = std::array<std::uint8_t, 6>;
inline constexpr MacAddr broadcast_mac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

// "02:00:00:00:00:01" (lower-case hex, colon separated).
std::string format_mac(const MacAddr& mac);
// Accepts "02:00:00:00:00:01" or "02-00-00-00-00-01", either case; nullopt otherwise.
std::optional<MacAddr> parse_mac(std::string_view text);

inline constexpr std::uint16_t ethertype_ipv4 = 0x0800;
inline constexpr std::uint16_t ethertype_arp = 0x0806;
inline constexpr std::size_t ethernet_header_len = 14;
inline constexpr std::size_t ethernet_fcs_len = 4;
inline constexpr std::size_t ethernet_min_frame = 60; // minimum frame length without the FCS

namespace ethernet_field {
constexpr Field dst{0, 6};
constexpr Field src{6, 6};
constexpr Field ethertype{12, 2};
constexpr std::size_t payload = 14;
} // namespace ethernet_field

struct EthernetRepr {
    MacAddr dst{};
    MacAddr src{};
    std::uint16_t ethertype = ethertype_ipv4;

    // Writes the 14-byte header at p. The addresses are copied whole (a MacAddr is its six
    // wire bytes); inline, as every frame sent has one.
    void emit(std::uint8_t* p) const {
        std::memcpy(p + ethernet_field::dst.offset, dst.data(), dst.size());
        std::memcpy(p + ethernet_field::src.offset, src.data(), src.size());
        store_be16(p + ethernet_field::ethertype.offset, ethertype);
    }
    // Decodes the header at the front of `frame`; nullopt if fewer than 14 bytes. Inline:
    // every switch and NIC parses every frame, and a call returns the optional through memory.
    static std::optional<EthernetRepr> parse(ByteView frame) {
        if (frame.size() < ethernet_header_len) return std::nullopt;
        EthernetRepr r;
        std::memcpy(r.dst.data(), frame.data() + ethernet_field::dst.offset, r.dst.size());
        std::memcpy(r.src.data(), frame.data() + ethernet_field::src.offset, r.src.size());
        r.ethertype = load_be16(frame.data() + ethernet_field::ethertype.offset);
        return r;
    }

    // The byte inspector's rows; same as dissect_ethernet() below.
    static FieldTable dissect(ByteView bytes);

    bool operator==(const EthernetRepr&) const = default;
};

// The Ethernet FCS: CRC-32 (reflected polynomial 0xEDB88320, init and xorout 0xFFFFFFFF).
// Slicing-by-16 (16-, 8- and 4-byte steps, then bytes). In the simulator a frame's FCS is
// computed once: stack::Packet's seal spares the switch and the receiver recomputing it.
std::uint32_t crc32_ieee(ByteView data);
// Pads `frame` (header + payload, no FCS) with zeros to ethernet_min_frame, then appends the
// CRC-32 least significant byte first, as 802.3 transmits it.
void append_fcs(Bytes& frame);
// True when the last 4 bytes of `frame_with_fcs` are the CRC-32 of the bytes before them.
bool check_fcs(ByteView frame_with_fcs);

// Layer-2 rows for the 14-byte header at the front of `frame` (offsets relative to it):
// "Ethernet II", "Destination", "Source", "Type". Tolerates a short frame.
FieldTable dissect_ethernet(ByteView frame);
// "IPv4", "ARP" or "0x86dd".
std::string ethertype_name(std::uint16_t ethertype);

} // namespace wirelab::wire
