// osi-encapsulation: the one WebSocket message the lesson follows is, layer by layer, the
// bytes its narration describes — 12 UTF-8 bytes, an 18-byte WebSocket frame, a 38-byte
// segment, a 58-byte packet, a 76-byte frame with FCS — and its serialization and arrival
// times are the 608 µs and 10.608 ms the learner is told.
#include "lesson_facts.hpp"

#include "sim/wire/bytes.hpp"
#include "sim/wire/ethernet.hpp"

#include <map>

using namespace lessons;

namespace {

const std::string message = "Hello, Zoë!";

struct Found {
    const trace::Event* ws_down = nullptr; // the browser's WebSocket message event
    const trace::Event* tx = nullptr;      // the frame carrying it leaving the browser
    const trace::Event* arrive = nullptr;  // that frame arriving at the server
};

Found find_message(const trace::Trace& t) {
    Found f;
    for (const auto& e : t.events()) {
        auto host = node_name(t, e);
        if (!f.ws_down && e.kind == trace::Kind::message && e.aux == 0 && host == "browser" &&
            starts(t.text(e.text), "TEXT"))
            f.ws_down = &e;
        else if (f.ws_down && !f.tx && e.kind == trace::Kind::tx_start && host == "browser")
            f.tx = &e;
        else if (f.tx && !f.arrive && e.kind == trace::Kind::arrive && e.pdu == f.tx->pdu)
            f.arrive = &e;
    }
    REQUIRE(f.ws_down);
    REQUIRE(f.tx);
    REQUIRE(f.arrive);
    return f;
}

} // namespace

TEST_CASE("osi-encapsulation: the message's bytes at layers 6, 5, 4, 3, 2 and 1 as narrated") {
    auto sc = load_lesson("osi-encapsulation");
    scenario::Player p(sc);
    p.run();
    const auto& t = p.trace();
    auto f = find_message(t);

    // 7 -> 6: 11 characters, 12 UTF-8 bytes (ë is c3 ab).
    REQUIRE(message.size() == 12);
    CHECK(static_cast<std::uint8_t>(message[9]) == 0xc3);
    CHECK(static_cast<std::uint8_t>(message[10]) == 0xab);

    // 5: the WebSocket frame, 81 8c + 4-byte key + 12 masked bytes = 18; spans 5 then 6.
    auto ws = t.pdu_bytes(f.ws_down->pdu);
    REQUIRE(ws.size() == 18);
    CHECK(ws[0] == 0x81);
    CHECK(ws[1] == 0x8c);
    std::string unmasked;
    for (std::size_t i = 0; i < 12; ++i)
        unmasked += static_cast<char>(ws[6 + i] ^ ws[2 + i % 4]);
    CHECK(unmasked == message);
    auto ws_spans = t.pdu_spans(f.ws_down->pdu);
    REQUIRE(ws_spans.size() == 2);
    CHECK((ws_spans[0].layer == 5 && ws_spans[0].offset == 0 && ws_spans[0].length == 6));
    CHECK((ws_spans[1].layer == 6 && ws_spans[1].offset == 6 && ws_spans[1].length == 12));

    // The frame on the wire: 14 Ethernet + 20 IPv4 + 20 TCP + 18 WebSocket + 4 FCS = 76.
    auto fr = t.pdu_bytes(f.tx->pdu);
    REQUIRE(fr.size() == 76);
    CHECK(std::equal(ws.begin(), ws.end(), fr.begin() + 54)); // the 18 bytes, untouched
    // 2: MACs, EtherType 0800, a valid FCS.
    const std::uint8_t dst[] = {2, 0, 0, 0, 0, 2}, src[] = {2, 0, 0, 0, 0, 1};
    CHECK(std::equal(dst, dst + 6, fr.begin()));
    CHECK(std::equal(src, src + 6, fr.begin() + 6));
    CHECK(wire::load_be16(&fr[12]) == 0x0800);
    CHECK(wire::check_fcs(fr));
    // 3: IPv4, 20-byte header, total length 58, TTL 64, protocol 6, addresses, checksum.
    const std::uint8_t* ip = &fr[14];
    CHECK(ip[0] == 0x45);
    CHECK(wire::load_be16(ip + 2) == 58);
    CHECK(ip[8] == 64);
    CHECK(ip[9] == 6);
    CHECK(wire::load_be32(ip + 12) == 0x0a000001);
    CHECK(wire::load_be32(ip + 16) == 0x0a000002);
    CHECK(wire::checksum_fold(wire::checksum_add(0, {ip, 20})) == 0);
    // 4: TCP, 20-byte header, ports 49194 -> 80, PSH+ACK.
    const std::uint8_t* tcp = ip + 20;
    CHECK(wire::load_be16(tcp) == 49194);
    CHECK(wire::load_be16(tcp + 2) == 80);
    CHECK((tcp[12] >> 4) == 5);
    CHECK(tcp[13] == 0x18);

    // The frame's layer spans: 18 bytes of upper layers, 20 TCP, 20 IPv4, 14 + 4 Ethernet.
    std::map<int, std::uint32_t> span_bytes;
    for (const auto& s : t.pdu_spans(f.tx->pdu))
        span_bytes[s.layer] += s.length;
    std::uint32_t upper = 0;
    for (const auto& [layer, n] : span_bytes)
        if (layer >= 5) upper += n;
    CHECK(upper == 18);
    CHECK(span_bytes[4] == 20);
    CHECK(span_bytes[3] == 20);
    CHECK(span_bytes[2] == 18);

    // Down the browser's stack: message at 5, then one pdu_down per layer, ending at 1.
    std::vector<int> down;
    for (const auto& e : t.events())
        if (e.kind == trace::Kind::pdu_down && e.pdu == f.tx->pdu) down.push_back(e.layer);
    REQUIRE(down.size() >= 4);
    CHECK(std::vector<int>(down.end() - 4, down.end()) == std::vector<int>{4, 3, 2, 1});
    CHECK(f.ws_down->layer == 5);

    // 1: serialization 76 × 8 / 1 Mbps = 608 µs, then 10 ms of propagation.
    CHECK(f.tx->aux == 608'000u);
    CHECK(f.tx->time == ms(200));
    CHECK(f.arrive->time - f.tx->time == us(10'608));

    // Up the server's stack: 1, 2, 3, 4, the WebSocket message at 5, the text at 7.
    std::vector<int> up;
    std::string delivered;
    for (const auto& e : t.events()) {
        if (e.time != f.arrive->time || node_name(t, e) != "server") continue;
        if (e.kind == trace::Kind::pdu_up && e.pdu == f.tx->pdu) up.push_back(e.layer);
        if (e.kind == trace::Kind::message && e.aux == 1) {
            up.push_back(e.layer);
            CHECK(std::equal(ws.begin(), ws.end(), t.pdu_bytes(e.pdu).begin()));
        }
        if (e.kind == trace::Kind::app && e.layer == 7) {
            up.push_back(7);
            delivered = std::string(t.text(e.text));
        }
    }
    CHECK(up == std::vector<int>{1, 2, 3, 4, 5, 7});
    CHECK(delivered == "received text \"" + message + "\"");

    // The ACK the server answers with has nothing above layer 4.
    for (const auto& s : frames_sent(t, "server"))
        if (s.time >= f.arrive->time) {
            CHECK(starts(s.summary, "ACK "));
            CHECK(s.bytes.size() == 64); // 54 bytes padded to Ethernet's 60 + FCS
            break;
        }
}
