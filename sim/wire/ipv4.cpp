// IPv4 header codec: dotted-quad text form, emit with checksum, validating parse, dissection.
#include "sim/wire/ipv4.hpp"

#include <cstdio>

namespace wirelab::wire {

std::string format_ipv4(std::uint32_t addr) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff,
                  (addr >> 8) & 0xff, addr & 0xff);
    return buf;
}

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
    std::uint32_t addr = 0;
    std::size_t i = 0;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (i >= text.size() || text[i] != '.') return std::nullopt;
            ++i;
        }
        std::size_t digits = 0;
        std::uint32_t v = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 4) {
            v = v * 10 + static_cast<std::uint32_t>(text[i] - '0');
            ++i;
            ++digits;
        }
        if (digits == 0 || digits > 3 || v > 255) return std::nullopt;
        addr = addr << 8 | v;
    }
    if (i != text.size()) return std::nullopt;
    return addr;
}

std::uint16_t ipv4_checksum(ByteView header) {
    const std::uint8_t* p = header.data();
    if (header.size() == Ipv4Repr::header_len) {
        // The usual header without options: its words summed directly, 32 bits at a time
        // (each holds two 16-bit words, 2^16 = 1 modulo 0xffff), the checksum field left out.
        std::uint64_t wide = std::uint64_t{load_be32(p)} + load_be32(p + 4) + load_be16(p + 8) +
                             load_be32(p + 12) + load_be32(p + 16);
        wide = (wide & 0xffffffffu) + (wide >> 32);
        wide = (wide & 0xffffffffu) + (wide >> 32);
        return checksum_fold(static_cast<std::uint32_t>(wide));
    }
    std::uint32_t sum = checksum_add(0, header.first(ipv4_field::checksum.offset));
    sum = checksum_add(sum, header.subspan(ipv4_field::checksum.end()));
    return checksum_fold(sum);
}

void Ipv4Repr::emit(std::uint8_t* p) const {
    const auto total = static_cast<std::uint16_t>(header_len + payload_len);
    const std::uint16_t flags_frag = df ? 0x4000 : 0;
    p[0] = 0x45; // version 4, IHL 5 words
    p[1] = 0;    // DSCP 0 (best effort), not ECN-capable
    store_be16(p + ipv4_field::total_len.offset, total);
    store_be16(p + ipv4_field::ident.offset, ident);
    store_be16(p + ipv4_field::flags_frag.offset, flags_frag);
    p[ipv4_field::ttl.offset] = ttl;
    p[ipv4_field::protocol.offset] = protocol;
    store_be32(p + ipv4_field::src.offset, src);
    store_be32(p + ipv4_field::dst.offset, dst);
    // The checksum from the fields as they are, not read back from the bytes just written:
    // the header's 16-bit words, the checksum word as zero (nonzero, as 0x4500 is in it, so
    // it folds to what ipv4_checksum() of the header gives).
    const std::uint32_t sum = 0x4500u + total + ident + flags_frag +
                              (std::uint32_t{ttl} << 8 | protocol) + (src >> 16) + (src & 0xffff) +
                              (dst >> 16) + (dst & 0xffff);
    store_be16(p + ipv4_field::checksum.offset, checksum_fold(sum));
}

static std::optional<Ipv4Repr> refuse(std::string* why, std::string reason) {
    if (why) *why = std::move(reason);
    return std::nullopt;
}

std::optional<Ipv4Repr> Ipv4Repr::parse_general(ByteView packet, bool verify_checksum,
                                                std::string* why) {
    if (packet.size() < header_len)
        return refuse(why, "truncated header: " + std::to_string(packet.size()) + " bytes < 20");
    const std::uint8_t* p = packet.data();
    const unsigned version = p[0] >> 4;
    const std::size_t ihl = (p[0] & 0x0f) * std::size_t{4};
    if (version != 4) return refuse(why, "version " + std::to_string(version) + " is not 4");
    if (ihl < header_len)
        return refuse(why, "header length " + std::to_string(ihl / 4) + " words < 5");
    if (ihl > packet.size())
        return refuse(why, "truncated header: IHL says " + std::to_string(ihl) + " bytes");
    const std::size_t total = load_be16(p + ipv4_field::total_len.offset);
    if (total < ihl)
        return refuse(why, "total length " + std::to_string(total) + " < header length " +
                               std::to_string(ihl));
    if (total > packet.size())
        return refuse(why, "total length " + std::to_string(total) + " > " +
                               std::to_string(packet.size()) + " bytes received");
    const std::uint16_t flags_frag = load_be16(p + ipv4_field::flags_frag.offset);
    if ((flags_frag & 0x2000) != 0 || (flags_frag & 0x1fff) != 0)
        return refuse(why, "fragments not modelled");
    if (verify_checksum) {
        const std::uint16_t stored = load_be16(p + ipv4_field::checksum.offset);
        const std::uint16_t expected = ipv4_checksum(packet.first(ihl));
        if (stored != expected) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "bad header checksum 0x%04x, expected 0x%04x", stored,
                          expected);
            return refuse(why, buf);
        }
    }
    return fields(p, flags_frag, total - ihl);
}

FieldTable Ipv4Repr::dissect(ByteView bytes) {
    return dissect_ipv4(bytes);
}

std::string ip_protocol_name(std::uint8_t protocol) {
    switch (protocol) {
    case 1: return "ICMP";
    case 6: return "TCP";
    case 17: return "UDP";
    default: return std::to_string(protocol);
    }
}

static std::string hex16(std::uint16_t v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%04x", v);
    return buf;
}

FieldTable dissect_ipv4(ByteView packet) {
    constexpr std::uint8_t L = 3;
    FieldTable rows;
    if (packet.size() < Ipv4Repr::header_len) {
        rows.push_back({"Internet Protocol Version 4", 0, packet.size(), L, 0,
                        "[Malformed: " + std::to_string(packet.size()) + " bytes < 20]"});
        return rows;
    }
    const std::uint8_t* p = packet.data();
    const std::size_t ihl = (p[0] & 0x0f) * std::size_t{4};
    const std::uint32_t src = load_be32(p + ipv4_field::src.offset);
    const std::uint32_t dst = load_be32(p + ipv4_field::dst.offset);
    const std::size_t shown = ihl >= 20 && ihl <= packet.size() ? ihl : Ipv4Repr::header_len;
    rows.push_back({"Internet Protocol Version 4", 0, shown, L, 0,
                    "Src: " + format_ipv4(src) + ", Dst: " + format_ipv4(dst)});
    rows.push_back({"Version", 0, 1, L, 1, std::to_string(p[0] >> 4)});
    rows.push_back({"Header Length", 0, 1, L, 1,
                    std::to_string(ihl) + " bytes (" + std::to_string(p[0] & 0x0f) + ")"});
    rows.push_back({"Differentiated Services Field", 1, 1, L, 1,
                    hex16(p[1]).replace(2, 2, "") + " (DSCP: " + std::to_string(p[1] >> 2) +
                        ", ECN: " + std::to_string(p[1] & 3) + ")"});
    rows.push_back(
        {"Total Length", 2, 2, L, 1, std::to_string(load_be16(p + ipv4_field::total_len.offset))});
    const std::uint16_t ident = load_be16(p + ipv4_field::ident.offset);
    rows.push_back(
        {"Identification", 4, 2, L, 1, hex16(ident) + " (" + std::to_string(ident) + ")"});
    const std::uint16_t ff = load_be16(p + ipv4_field::flags_frag.offset);
    std::string flags = hex16(static_cast<std::uint16_t>(ff >> 13)).replace(2, 3, "");
    if (ff & 0x4000) flags += ", Don't fragment";
    if (ff & 0x2000) flags += ", More fragments";
    rows.push_back({"Flags", 6, 1, L, 1, flags});
    auto bit = [](bool v) { return std::string(v ? "Set" : "Not set"); };
    rows.push_back({"Reserved bit", 6, 1, L, 2, bit(ff & 0x8000)});
    rows.push_back({"Don't fragment", 6, 1, L, 2, bit(ff & 0x4000)});
    rows.push_back({"More fragments", 6, 1, L, 2, bit(ff & 0x2000)});
    rows.push_back({"Fragment Offset", 6, 2, L, 1, std::to_string((ff & 0x1fff) * 8)});
    rows.push_back({"Time to Live", 8, 1, L, 1, std::to_string(p[8])});
    rows.push_back(
        {"Protocol", 9, 1, L, 1, ip_protocol_name(p[9]) + " (" + std::to_string(p[9]) + ")"});
    const std::uint16_t stored = load_be16(p + ipv4_field::checksum.offset);
    std::string status;
    if (ihl >= 20 && ihl <= packet.size()) {
        const std::uint16_t expected = ipv4_checksum(packet.first(ihl));
        status =
            stored == expected ? " [correct]" : " [incorrect, should be " + hex16(expected) + "]";
    }
    rows.push_back({"Header Checksum", 10, 2, L, 1, hex16(stored) + status});
    rows.push_back({"Source Address", 12, 4, L, 1, format_ipv4(src)});
    rows.push_back({"Destination Address", 16, 4, L, 1, format_ipv4(dst)});
    if (ihl > 20 && ihl <= packet.size())
        rows.push_back({"Options", 20, ihl - 20, L, 1, std::to_string(ihl - 20) + " bytes"});
    return rows;
}

} // namespace wirelab::wire
