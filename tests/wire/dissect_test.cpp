// dissect_frame(): whole frames built with the codecs, their summaries and absolute rows,
// and a fuzz pass proving a malformed frame is described, never a crash or an out-of-range row.
#include "sim/wire/arp.hpp"
#include "sim/wire/dissect.hpp"
#include "sim/wire/ethernet.hpp"
#include "sim/wire/ipv4.hpp"
#include "sim/wire/tcp.hpp"
#include "sim/wire/websocket.hpp"

#include <catch2/catch.hpp>

#include <random>

using namespace wirelab::wire;

namespace {
const MacAddr mac_a{0x02, 0, 0, 0, 0, 0x01};
const MacAddr mac_b{0x02, 0, 0, 0, 0, 0x02};
constexpr std::uint32_t ip_a = 0x0a000001, ip_b = 0x0a000002;

Bytes arp_frame(const ArpRepr& arp) {
    Bytes f(ethernet_header_len + ArpRepr::len);
    EthernetRepr{arp.op == 1 ? broadcast_mac : arp.tha, arp.sha, ethertype_arp}.emit(f.data());
    arp.emit(f.data() + ethernet_header_len);
    append_fcs(f);
    return f;
}

Bytes tcp_frame(const TcpRepr& tcp, ByteView payload) {
    const Bytes seg = tcp.to_bytes(payload, ip_a, ip_b);
    Ipv4Repr ip;
    ip.src = ip_a;
    ip.dst = ip_b;
    ip.payload_len = static_cast<std::uint16_t>(seg.size());
    Bytes f(ethernet_header_len + Ipv4Repr::header_len);
    EthernetRepr{mac_b, mac_a, ethertype_ipv4}.emit(f.data());
    ip.emit(f.data() + ethernet_header_len);
    f.insert(f.end(), seg.begin(), seg.end());
    append_fcs(f);
    return f;
}

TcpRepr psh_ack() {
    TcpRepr t;
    t.src_port = 50000;
    t.dst_port = 80;
    t.seq = 1001;
    t.ack = 5001;
    t.flags = TcpRepr::PSH | TcpRepr::ACK;
    t.window = 65535;
    return t;
}

Bytes text_bytes(std::string_view s) {
    return Bytes(s.begin(), s.end());
}

Bytes ws_frame(websocket::Opcode op, std::string_view payload, bool masked) {
    websocket::FrameHeader h;
    h.opcode = op;
    h.masked = masked;
    h.mask = {0x37, 0xfa, 0x21, 0x3d};
    h.length = payload.size();
    Bytes out(websocket::max_header_size);
    out.resize(websocket::emit_header(h, out.data()));
    for (std::size_t i = 0; i < payload.size(); ++i)
        out.push_back(static_cast<std::uint8_t>(payload[i] ^ (masked ? h.mask[i % 4] : 0)));
    return out;
}

const FieldSpan* find_row(const Dissection& d, std::string_view name) {
    for (const auto& r : d.rows)
        if (r.name == name) return &r;
    return nullptr;
}

void check_rows_in_bounds(const Dissection& d, std::size_t size) {
    for (const auto& r : d.rows) {
        INFO(r.name << " at " << r.offset << "+" << r.length);
        CHECK(r.offset + r.length <= size);
    }
}
} // namespace

TEST_CASE("dissect_frame: ARP request and reply", "[dissect]") {
    const Bytes req = arp_frame({arp_op_request, mac_a, ip_a, MacAddr{}, ip_b});
    const Dissection d = dissect_frame(req);
    CHECK(d.summary == "ARP who has 10.0.0.2? tell 10.0.0.1");
    CHECK(d.protocol == "ARP");
    CHECK(d.top_layer == 2);
    const FieldSpan* spa = find_row(d, "Sender IP address");
    REQUIRE(spa);
    CHECK(spa->offset == 14 + 14); // absolute in the frame
    REQUIRE(find_row(d, "Padding"));
    CHECK(find_row(d, "Padding")->length == 60 - 14 - 28);
    REQUIRE(find_row(d, "FCS Status"));
    CHECK(find_row(d, "FCS Status")->value == "Good");
    CHECK(find_row(d, "Frame check sequence")->offset == 60);
    check_rows_in_bounds(d, req.size());

    const Bytes rep = arp_frame({arp_op_reply, mac_b, ip_b, mac_a, ip_a});
    CHECK(dissect_frame(rep).summary == "ARP 10.0.0.2 is at 02:00:00:00:00:02");
}

TEST_CASE("dissect_frame: TCP SYN uses tcp.hpp's summary — layers 2-4 rows", "[dissect]") {
    TcpRepr syn;
    syn.src_port = 50000;
    syn.dst_port = 80;
    syn.seq = 123;
    syn.flags = TcpRepr::SYN;
    syn.window = 65535;
    syn.mss = 1460;
    const Bytes f = tcp_frame(syn, {});
    const Dissection d = dissect_frame(f);
    CHECK(d.summary == summary(syn, 0));
    CHECK(d.summary.starts_with("SYN seq=123 win=65535"));
    CHECK(d.protocol == "TCP");
    CHECK(d.top_layer == 4);
    bool has[5] = {};
    for (const auto& r : d.rows)
        has[r.layer < 5 ? r.layer : 0] = true;
    CHECK(has[2]);
    CHECK(has[3]);
    CHECK(has[4]);
    const FieldSpan* dst_ip = find_row(d, "Destination Address");
    REQUIRE(dst_ip);
    CHECK(dst_ip->offset == 14 + 16);
    CHECK(dst_ip->value == "10.0.0.2");
    for (const auto& r : d.rows)
        if (r.layer == 4) CHECK(r.offset >= 34);
    check_rows_in_bounds(d, f.size());
}

TEST_CASE("dissect_frame: corrupted bytes are reported, not hidden", "[dissect]") {
    TcpRepr syn;
    syn.flags = TcpRepr::SYN;
    Bytes f = tcp_frame(syn, {});
    Bytes bad_fcs = f;
    bad_fcs.back() ^= 1;
    const Dissection d = dissect_frame(bad_fcs);
    CHECK(d.summary.find("[bad FCS]") != std::string::npos);
    CHECK(find_row(d, "FCS Status")->value == "Bad");

    // A flipped bit inside the TCP header, FCS recomputed (as if corrupted before the NIC).
    Bytes bad_tcp(f.begin(), f.end() - 4);
    bad_tcp[14 + 20 + 4] ^= 0x01;
    append_fcs(bad_tcp);
    CHECK(dissect_frame(bad_tcp).summary.find("checksum") != std::string::npos);

    Bytes bad_ip(f.begin(), f.end() - 4);
    bad_ip[14 + 8] = 1; // TTL changed
    append_fcs(bad_ip);
    CHECK(dissect_frame(bad_ip).summary.find("[bad IPv4 header checksum]") != std::string::npos);

    CHECK(dissect_frame(Bytes(10, 0)).summary.find("Malformed") != std::string::npos);
}

TEST_CASE("dissect_frame: HTTP Upgrade request and 101 response", "[dissect]") {
    const Bytes get =
        text_bytes("GET /chat HTTP/1.1\r\nHost: server\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                   "Sec-WebSocket-Version: 13\r\n\r\n");
    const Bytes f = tcp_frame(psh_ack(), get);
    const Dissection d = dissect_frame(f);
    CHECK(d.summary == "GET /chat HTTP/1.1 (Upgrade: websocket)");
    CHECK(d.protocol == "HTTP");
    CHECK(d.top_layer == 5);
    const FieldSpan* up = find_row(d, "Upgrade");
    REQUIRE(up);
    CHECK(up->value == "websocket");
    CHECK(std::string(f.begin() + static_cast<long>(up->offset),
                      f.begin() + static_cast<long>(up->offset + up->length)) ==
          "Upgrade: websocket\r\n");
    check_rows_in_bounds(d, f.size());

    const Bytes resp = text_bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                  "Connection: Upgrade\r\n"
                                  "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
    const Dissection r = dissect_frame(tcp_frame(psh_ack(), resp));
    CHECK(r.summary == "HTTP/1.1 101 Switching Protocols");
    CHECK(r.protocol == "HTTP");
}

TEST_CASE("dissect_frame: WebSocket data and control frames", "[dissect]") {
    using websocket::Opcode;
    const Dissection text =
        dissect_frame(tcp_frame(psh_ack(), ws_frame(Opcode::text, "Hello", true)));
    CHECK(text.summary == "TEXT fin=1 mask=1 len=5 \"Hello\"");
    CHECK(text.protocol == "WebSocket");
    CHECK(text.top_layer == 5);
    REQUIRE(find_row(text, "Masking key"));
    CHECK(find_row(text, "Masking key")->value == "37fa213d");
    CHECK(find_row(text, "Masked payload")->length == 5);

    CHECK(dissect_frame(tcp_frame(psh_ack(), ws_frame(Opcode::ping, "", false))).summary == "PING");
    const std::string close_body("\x03\xe8", 2);
    CHECK(dissect_frame(tcp_frame(psh_ack(), ws_frame(Opcode::close, close_body, true))).summary ==
          "CLOSE 1000");

    Bytes two = ws_frame(Opcode::text, "42[\"chat\",\"hi\"]", false);
    const Bytes pong = ws_frame(Opcode::pong, "", false);
    two.insert(two.end(), pong.begin(), pong.end());
    CHECK(dissect_frame(tcp_frame(psh_ack(), two)).summary ==
          "TEXT fin=1 mask=0 len=15 \"42[\"chat\",\"hi\"]\"; PONG");

    // Bytes that are neither HTTP nor whole frames stay TCP data.
    const Bytes junk = text_bytes("\x81\x7e\x01\x00partial");
    const Dissection d = dissect_frame(tcp_frame(psh_ack(), junk));
    CHECK(d.protocol == "TCP");
    CHECK(d.summary.starts_with("PSH-ACK"));
    REQUIRE(find_row(d, "TCP segment data"));
}

TEST_CASE("dissect_frame never crashes and keeps rows inside the frame (fuzz)", "[dissect]") {
    const Bytes seeds[] = {
        arp_frame({arp_op_request, mac_a, ip_a, MacAddr{}, ip_b}),
        tcp_frame(psh_ack(), text_bytes("GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n")),
        tcp_frame(psh_ack(), ws_frame(websocket::Opcode::text, "Hello", true)),
        tcp_frame(psh_ack(), ws_frame(websocket::Opcode::close, "\x03\xe8 bye", false)),
    };
    for (std::uint32_t seed = 1; seed <= 3000; ++seed) {
        std::mt19937 rng(seed);
        Bytes f;
        if (seed % 3 == 0) { // pure noise of any length
            f.resize(rng() % 200);
            for (auto& b : f)
                b = static_cast<std::uint8_t>(rng());
        } else { // a valid frame with a few bytes changed and maybe cut, FCS maybe fixed
            f = seeds[rng() % std::size(seeds)];
            const int flips = 1 + static_cast<int>(rng() % 4);
            for (int i = 0; i < flips; ++i)
                f[rng() % f.size()] = static_cast<std::uint8_t>(rng());
            if (rng() % 4 == 0) f.resize(rng() % f.size());
            if (rng() % 2 == 0 && f.size() > 4) {
                f.resize(f.size() - 4);
                append_fcs(f);
            }
        }
        INFO("seed " << seed);
        const Dissection d = dissect_frame(f);
        CHECK_FALSE(d.summary.empty());
        check_rows_in_bounds(d, f.size());
    }
}
