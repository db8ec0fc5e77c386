// ARP request/reply codec (RFC 826, Ethernet + IPv4 only), its one-line summary and rows.
#include "sim/wire/arp.hpp"

namespace wirelab::wire {

static MacAddr load_mac(const std::uint8_t* p) {
    MacAddr m{};
    for (std::size_t i = 0; i < 6; ++i)
        m[i] = p[i];
    return m;
}

static void store_mac(std::uint8_t* p, const MacAddr& m) {
    for (std::size_t i = 0; i < 6; ++i)
        p[i] = m[i];
}

void ArpRepr::emit(std::uint8_t* p) const {
    store_be16(p + arp_field::htype.offset, 1);
    store_be16(p + arp_field::ptype.offset, ethertype_ipv4);
    p[arp_field::hlen.offset] = 6;
    p[arp_field::plen.offset] = 4;
    store_be16(p + arp_field::oper.offset, op);
    store_mac(p + arp_field::sha.offset, sha);
    store_be32(p + arp_field::spa.offset, spa);
    store_mac(p + arp_field::tha.offset, tha);
    store_be32(p + arp_field::tpa.offset, tpa);
}

std::optional<ArpRepr> ArpRepr::parse(ByteView packet) {
    if (packet.size() < len) return std::nullopt;
    const std::uint8_t* p = packet.data();
    if (load_be16(p + arp_field::htype.offset) != 1 ||
        load_be16(p + arp_field::ptype.offset) != ethertype_ipv4 ||
        p[arp_field::hlen.offset] != 6 || p[arp_field::plen.offset] != 4)
        return std::nullopt;
    ArpRepr r;
    r.op = load_be16(p + arp_field::oper.offset);
    if (r.op != arp_op_request && r.op != arp_op_reply) return std::nullopt;
    r.sha = load_mac(p + arp_field::sha.offset);
    r.spa = load_be32(p + arp_field::spa.offset);
    r.tha = load_mac(p + arp_field::tha.offset);
    r.tpa = load_be32(p + arp_field::tpa.offset);
    return r;
}

FieldTable ArpRepr::dissect(ByteView bytes) {
    return dissect_arp(bytes);
}

std::string summary(const ArpRepr& arp) {
    if (arp.op == arp_op_request) {
        if (arp.spa == arp.tpa) return "ARP announcement for " + format_ipv4(arp.spa);
        return "ARP who has " + format_ipv4(arp.tpa) + "? tell " + format_ipv4(arp.spa);
    }
    return "ARP " + format_ipv4(arp.spa) + " is at " + format_mac(arp.sha);
}

FieldTable dissect_arp(ByteView packet) {
    constexpr std::uint8_t L = 2;
    FieldTable rows;
    if (packet.size() < ArpRepr::len) {
        rows.push_back({"Address Resolution Protocol", 0, packet.size(), L, 0,
                        "[Malformed: " + std::to_string(packet.size()) + " bytes < 28]"});
        return rows;
    }
    const std::uint8_t* p = packet.data();
    const auto r = ArpRepr::parse(packet);
    const std::uint16_t op = load_be16(p + arp_field::oper.offset);
    const char* op_name = op == 1 ? "request" : op == 2 ? "reply" : "unknown";
    rows.push_back({"Address Resolution Protocol", 0, ArpRepr::len, L, 0,
                    r ? std::string("(") + op_name + ")" : "[Unsupported or malformed]"});
    const std::uint16_t htype = load_be16(p);
    rows.push_back({"Hardware type", 0, 2, L, 1,
                    (htype == 1 ? std::string("Ethernet (1)") : std::to_string(htype))});
    const std::uint16_t ptype = load_be16(p + 2);
    rows.push_back({"Protocol type", 2, 2, L, 1,
                    ptype == ethertype_ipv4 ? "IPv4 (0x0800)" : ethertype_name(ptype)});
    rows.push_back({"Hardware size", 4, 1, L, 1, std::to_string(p[4])});
    rows.push_back({"Protocol size", 5, 1, L, 1, std::to_string(p[5])});
    rows.push_back({"Opcode", 6, 2, L, 1, std::string(op_name) + " (" + std::to_string(op) + ")"});
    rows.push_back({"Sender MAC address", 8, 6, L, 1, format_mac(load_mac(p + 8))});
    rows.push_back({"Sender IP address", 14, 4, L, 1, format_ipv4(load_be32(p + 14))});
    rows.push_back({"Target MAC address", 18, 6, L, 1, format_mac(load_mac(p + 18))});
    rows.push_back({"Target IP address", 24, 4, L, 1, format_ipv4(load_be32(p + 24))});
    return rows;
}

} // namespace wirelab::wire
