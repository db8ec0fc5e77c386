// libFuzzer target for the wire codecs: arbitrary bytes through the frame dissector and the
// Ethernet, IPv4, TCP and WebSocket-header parsers (nothing may crash or read out of bounds),
// and the word-at-a-time checksums checked against plain byte-by-byte definitions: the
// Internet checksum (RFC 1071) whole and in two pieces cut at an even offset, the CRC-32 of
// the Ethernet FCS, and the TCP checksum a successful parse verified.
//   make fuzz    or    build-fuzz/tests/fuzz/fuzz_wire tests/fuzz/corpus/wire
#include "sim/wire/dissect.hpp"
#include "sim/wire/ethernet.hpp"
#include "sim/wire/ipv4.hpp"
#include "sim/wire/tcp.hpp"
#include "sim/wire/websocket.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

using namespace wirelab::wire;

namespace {

// RFC 1071 as written: the one's complement of the one's complement sum of 16-bit
// big-endian words, an odd last byte padded with zero.
std::uint16_t reference_checksum(ByteView data) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < data.size(); i += 2) {
        const std::uint32_t hi = data[i];
        const std::uint32_t lo = i + 1 < data.size() ? data[i + 1] : 0;
        sum += hi << 8 | lo;
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<std::uint16_t>(~sum);
}

// CRC-32 (reflected 0xEDB88320, init and xorout 0xFFFFFFFF), one bit at a time.
std::uint32_t reference_crc32(ByteView data) {
    std::uint32_t crc = 0xffffffffu;
    for (const std::uint8_t b : data) {
        crc ^= b;
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return crc ^ 0xffffffffu;
}

void check(bool ok) {
    if (!ok) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView bytes{data, size};

    // Checksums: the fast paths equal the definitions, for every length and alignment.
    check(checksum_fold(checksum_add(0, bytes)) == reference_checksum(bytes));
    if (size >= 2) {
        const std::size_t cut = (data[0] % (size / 2 + 1)) * 2; // even, within the data
        const std::uint32_t pieces =
            checksum_add(checksum_add(0, bytes.first(cut)), bytes.subspan(cut));
        check(checksum_fold(pieces) == reference_checksum(bytes));
    }
    check(crc32_ieee(bytes) == reference_crc32(bytes));
    if (size >= 4) {
        const std::uint32_t fcs = reference_crc32(bytes.first(size - 4));
        const bool stored = data[size - 4] == (fcs & 0xff) &&
                            data[size - 3] == ((fcs >> 8) & 0xff) &&
                            data[size - 2] == ((fcs >> 16) & 0xff) && data[size - 1] == (fcs >> 24);
        check(check_fcs(bytes) == stored);
    }

    // Parsers: anything goes in, a value or a reason comes out.
    (void)dissect_frame(bytes);
    // IPv4 inside an Ethernet frame (header, packet, FCS), or the bytes as a bare packet.
    ByteView packet = bytes;
    const auto eth = EthernetRepr::parse(bytes);
    if (eth && eth->ethertype == ethertype_ipv4 && size >= ethernet_header_len + ethernet_fcs_len)
        packet = bytes.subspan(ethernet_header_len, size - ethernet_header_len - ethernet_fcs_len);
    std::string why;
    if (const auto ip = Ipv4Repr::parse(packet, true, &why)) {
        // Validated: the payload is packet[IHL * 4, total length).
        const std::size_t ihl = (packet[0] & 0x0fu) * 4u;
        const std::size_t total = static_cast<std::size_t>(packet[2] << 8 | packet[3]);
        const ByteView payload = packet.subspan(ihl, total - ihl);
        std::size_t offset = 0;
        why.clear();
        if (TcpRepr::parse(payload, ip->src, ip->dst, true, &why, &offset)) {
            check(offset <= payload.size());
            // A verified segment's stored checksum is the one tcp_checksum computes.
            const std::uint16_t stored = static_cast<std::uint16_t>(payload[16] << 8 | payload[17]);
            check(tcp_checksum(payload, ip->src, ip->dst) == stored);
        }
    }
    why.clear();
    std::size_t offset = 0;
    (void)TcpRepr::parse(bytes, 0x0a000001, 0x0a000002, size % 2 == 0, &why, &offset);
    websocket::FrameHeader header;
    (void)websocket::parse_header(bytes, header);
    return 0;
}
