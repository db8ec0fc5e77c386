// sim/wire/tcp: emit/parse round trips, a hand-built SYN with a checksum computed outside
// the codec, rejection of bad checksums and bad data offsets, dissection rows, summaries.
#include "sim/wire/tcp.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <random>
#include <string>

using namespace wirelab::wire;

namespace {

constexpr std::uint32_t ip_a = 0x0a000001; // 10.0.0.1
constexpr std::uint32_t ip_b = 0x0a000002; // 10.0.0.2

// A SYN from 10.0.0.1:49152 to 10.0.0.2:80, seq 0x12345678, win 65535, MSS 1460. The
// checksum 0x5b27 was computed by hand (one's complement sum of pseudo-header + header):
// pseudo 0a00 0001 0a00 0002 0006 0018, header c000 0050 1234 5678 0000 0000 6002 ffff
// 0000 0000 0204 05b4.
const char* real_syn_hex = "c0000050 12345678 00000000 6002ffff 5b270000 020405b4";

Bytes hex(const char* s) {
    Bytes b;
    REQUIRE(from_hex(s, b));
    return b;
}

const FieldSpan* find_row(const FieldTable& t, const std::string& name) {
    for (const auto& r : t)
        if (r.name == name) return &r;
    return nullptr;
}

} // namespace

TEST_CASE("tcp codec: emit then parse round-trips every field and the payload") {
    TcpRepr r;
    r.src_port = 50000;
    r.dst_port = 443;
    r.seq = 0xfffffff0;
    r.ack = 0x01020304;
    r.flags = GENERATE(TcpRepr::SYN, TcpRepr::SYN | TcpRepr::ACK, TcpRepr::PSH | TcpRepr::ACK,
                       TcpRepr::FIN | TcpRepr::ACK, TcpRepr::RST, 0xff);
    r.window = 29200;
    r.urgent = 7;
    r.mss = GENERATE(std::optional<std::uint16_t>{}, std::optional<std::uint16_t>{1460});
    r.window_scale = GENERATE(std::optional<std::uint8_t>{}, std::optional<std::uint8_t>{7});
    r.sack_permitted = GENERATE(false, true);
    const Bytes payload = {'h', 'e', 'l', 'l', 'o', '!', 0, 255, 3}; // odd length on purpose

    CHECK(r.header_len() % 4 == 0);
    Bytes seg = r.to_bytes(payload, ip_a, ip_b);
    REQUIRE(seg.size() == r.header_len() + payload.size());

    std::string why;
    std::size_t off = 0;
    auto back = TcpRepr::parse(seg, ip_a, ip_b, true, &why, &off);
    INFO(why);
    REQUIRE(back);
    CHECK(*back == r);
    CHECK(off == r.header_len());
    CHECK(Bytes(seg.begin() + off, seg.end()) == payload);
}

TEST_CASE("tcp codec: a hand-built SYN matches emit byte for byte") {
    const Bytes known = hex(real_syn_hex);
    TcpRepr r;
    r.src_port = 49152;
    r.dst_port = 80;
    r.seq = 0x12345678;
    r.flags = TcpRepr::SYN;
    r.window = 65535;
    r.mss = 1460;
    CHECK(to_hex(r.to_bytes({}, ip_a, ip_b)) == to_hex(known));

    std::size_t off = 0;
    auto parsed = TcpRepr::parse(known, ip_a, ip_b, true, nullptr, &off);
    REQUIRE(parsed);
    CHECK(*parsed == r);
    CHECK(off == 24);
    CHECK(tcp_checksum(known, ip_a, ip_b) == 0x5b27);
    CHECK(summary(*parsed, 0) == "SYN seq=305419896 win=65535 mss=1460");
}

TEST_CASE("tcp codec: emit works in place when the payload already sits after the header") {
    TcpRepr r;
    r.src_port = 1;
    r.dst_port = 2;
    r.flags = TcpRepr::ACK | TcpRepr::PSH;
    Bytes buf(r.header_len() + 3);
    buf[20] = 'a';
    buf[21] = 'b';
    buf[22] = 'c';
    r.emit(buf, ByteView(buf).subspan(20), ip_a, ip_b);
    auto back = TcpRepr::parse(buf, ip_a, ip_b, true, nullptr);
    REQUIRE(back);
    CHECK(buf[20] == 'a');
    CHECK(buf[22] == 'c');
}

TEST_CASE("tcp codec: a bad checksum is rejected, with a reason, unless not verified") {
    Bytes seg = hex(real_syn_hex);
    seg[4] ^= 0x01; // flip one bit of the sequence number
    std::string why;
    CHECK_FALSE(TcpRepr::parse(seg, ip_a, ip_b, true, &why));
    CHECK(why.find("bad checksum 0x5b27") != std::string::npos);
    CHECK(TcpRepr::parse(seg, ip_a, ip_b, false, &why));
    // The checksum covers the pseudo-header: the same bytes from another address fail.
    CHECK_FALSE(TcpRepr::parse(hex(real_syn_hex), ip_a, 0x0a000003, true, &why));
}

TEST_CASE("tcp codec: truncated segments and invalid data offsets are rejected") {
    const Bytes good = hex(real_syn_hex);
    std::string why;
    for (std::size_t n = 0; n < 20; ++n) {
        CHECK_FALSE(TcpRepr::parse(ByteView(good).first(n), ip_a, ip_b, false, &why));
        CHECK(why.find("truncated") != std::string::npos);
    }
    // Header says 24 bytes but only 22 are present.
    CHECK_FALSE(TcpRepr::parse(ByteView(good).first(22), ip_a, ip_b, false, &why));
    CHECK(why.find("past the end") != std::string::npos);

    Bytes bad = good;
    bad[12] = 0x40; // 4 words
    CHECK_FALSE(TcpRepr::parse(bad, ip_a, ip_b, false, &why));
    CHECK(why == "data offset 4 words < 5");
    bad[12] = 0xf0; // 60 bytes in a 24-byte segment
    CHECK_FALSE(TcpRepr::parse(bad, ip_a, ip_b, false, &why));

    Bytes bad_option = good;
    bad_option[21] = 9; // MSS option claims 9 bytes
    CHECK_FALSE(TcpRepr::parse(bad_option, ip_a, ip_b, false, &why));
    CHECK(why.find("bad length") != std::string::npos);
}

TEST_CASE("tcp codec: each refusal's exact reason, the same answer when none is asked for") {
    const Bytes good = hex(real_syn_hex);
    auto reason = [](ByteView seg, bool verify) {
        std::string why = "unset";
        const bool refused = !TcpRepr::parse(seg, ip_a, ip_b, verify, &why);
        CHECK(refused == !TcpRepr::parse(seg, ip_a, ip_b, verify));
        return refused ? why : std::string("accepted");
    };
    auto with_options = [&](const char* options_hex) {
        Bytes seg = good;
        const Bytes options = hex(options_hex);
        std::copy(options.begin(), options.end(), seg.begin() + 20);
        return seg;
    };
    CHECK(reason(good, true) == "accepted");
    CHECK(reason(ByteView(good).first(7), false) == "truncated header: 7 bytes < 20");
    CHECK(reason(ByteView(good).first(22), false) ==
          "data offset 24 bytes past the end of a 22-byte segment");
    Bytes bad = good;
    bad[12] = 0x40;
    CHECK(reason(bad, false) == "data offset 4 words < 5");
    bad[12] = 0xf0;
    CHECK(reason(bad, false) == "data offset 60 bytes past the end of a 24-byte segment");
    bad = good;
    bad[4] ^= 0x01;
    char expected[64];
    std::snprintf(expected, sizeof expected, "bad checksum 0x5b27, expected 0x%04x",
                  tcp_checksum(bad, ip_a, ip_b));
    CHECK(reason(bad, true) == expected);
    // A zero port, with and without options (the inline path takes the segment without).
    for (const std::size_t size : {20, 24}) {
        for (const std::size_t at : {0, 2}) {
            bad = Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(size));
            bad[12] = static_cast<std::uint8_t>(size / 4 << 4);
            CHECK(reason(bad, false) == "accepted");
            bad[at] = bad[at + 1] = 0;
            CHECK(reason(bad, false) == "port 0");
        }
    }
    CHECK(reason(with_options("02090000"), false) == "option 2 has bad length 9");
    CHECK(reason(with_options("01010102"), false) == "option length missing");
    CHECK(reason(with_options("02030501"), false) == "MSS option length 3");
    CHECK(reason(with_options("03020101"), false) == "window scale length 2");
    CHECK(reason(with_options("04030001"), false) == "SACK-permitted length 3");
    CHECK(reason(with_options("01010402"), false) == "accepted");
}

TEST_CASE("tcp codec: parse's inline path answers as the general one does") {
    // With a correct checksum, verify_checksum = true (always the general path) and false
    // (the inline path where it applies) must agree on every segment: fields, payload
    // offset, the refusal and its reason.
    std::mt19937 rng(20261126);
    const std::uint8_t offsets[] = {0x50, 0x50, 0x50, 0x5f, 0x60, 0x40, 0x80, 0xf0};
    int fast = 0;
    for (int i = 0; i < 4000; ++i) {
        Bytes seg(rng() % 40);
        for (auto& b : seg)
            b = static_cast<std::uint8_t>(rng());
        if (seg.size() >= 20) {
            seg[12] = offsets[rng() % std::size(offsets)];
            if (rng() % 4 == 0) { // a zero port, sometimes
                const std::size_t at = rng() % 2 * 2;
                seg[at] = seg[at + 1] = 0;
            }
            if (seg.size() >= 24 && rng() % 2 == 0) {
                const Bytes options = hex("020405b4"); // a valid MSS
                std::copy(options.begin(), options.end(), seg.begin() + 20);
            }
            store_be16(seg.data() + 16, tcp_checksum(seg, ip_a, ip_b));
        }
        std::string why_checked = "-", why_inline = "-";
        std::size_t off_checked = 99, off_inline = 99;
        const auto checked = TcpRepr::parse(seg, ip_a, ip_b, true, &why_checked, &off_checked);
        const auto inlined = TcpRepr::parse(seg, ip_a, ip_b, false, &why_inline, &off_inline);
        INFO(to_hex(seg));
        CHECK(checked == inlined);
        CHECK(why_checked == why_inline);
        CHECK(off_checked == off_inline);
        fast += inlined && seg[12] >> 4 == 5;
    }
    CHECK(fast > 500); // the inline path was taken, often
}

TEST_CASE("tcp codec: unknown options are skipped, the payload offset is the real one") {
    // NOP NOP Timestamps(10) + MSS: 16 bytes of options, data offset 9 words.
    Bytes seg = hex("c0000050 00000001 00000002 9010ffff 00000000"
                    "0101080a 00000011 00000022 020405b4 616263");
    store_be16(seg.data() + 16, tcp_checksum(seg, ip_a, ip_b));
    std::size_t off = 0;
    auto r = TcpRepr::parse(seg, ip_a, ip_b, true, nullptr, &off);
    REQUIRE(r);
    CHECK(off == 36);
    CHECK(r->mss == 1460);
    CHECK(r->header_len() == 24);
    auto rows = dissect_tcp(seg);
    const FieldSpan* ts = find_row(rows, "Timestamps");
    REQUIRE(ts);
    CHECK(ts->offset == 22);
    CHECK(ts->length == 10);
    CHECK(ts->value == "TSval 17, TSecr 34");
}

TEST_CASE("tcp codec: dissect names every field at its offset, layer 4") {
    auto rows = TcpRepr::dissect(hex(real_syn_hex));
    struct Expect {
        const char* name;
        std::size_t offset, length;
        const char* value;
    };
    const Expect expect[] = {
        {"Source Port", 0, 2, "49152"},
        {"Destination Port", 2, 2, "80"},
        {"Sequence Number", 4, 4, "305419896"},
        {"Acknowledgment Number", 8, 4, "0"},
        {"Data Offset", 12, 1, "6 (24 bytes)"},
        {"Flags", 13, 1, "0x02 (SYN)"},
        {"SYN", 13, 1, "Set"},
        {"ACK", 13, 1, "Not set"},
        {"Window", 14, 2, "65535"},
        {"Checksum", 16, 2, "0x5b27"},
        {"Urgent Pointer", 18, 2, "0"},
        {"Options", 20, 4, "4 bytes"},
        {"Maximum Segment Size", 20, 4, "1460 bytes"},
    };
    for (const auto& e : expect) {
        INFO(e.name);
        const FieldSpan* row = find_row(rows, e.name);
        REQUIRE(row);
        CHECK(row->offset == e.offset);
        CHECK(row->length == e.length);
        CHECK(row->value == e.value);
        CHECK(row->layer == 4);
    }
    CHECK(rows.front().depth == 0);
    CHECK(find_row(rows, "SYN")->depth == 2);
    // Malformed input still dissects without reading out of bounds.
    CHECK(dissect_tcp(hex("c000")).size() == 1);
    Bytes bad = hex(real_syn_hex);
    bad[12] = 0x30;
    CHECK(find_row(dissect_tcp(bad), "Data Offset")->value == "3 (12 bytes) invalid: < 5");
}

TEST_CASE("tcp codec: summary reads as a teacher says it") {
    TcpRepr r;
    r.seq = 1000;
    r.ack = 2000;
    r.window = 64240;
    r.flags = TcpRepr::SYN | TcpRepr::ACK;
    r.mss = 1460;
    CHECK(summary(r, 0) == "SYN-ACK seq=1000 ack=2000 win=64240 mss=1460");
    r.mss.reset();
    r.flags = TcpRepr::ACK;
    CHECK(summary(r, 0) == "ACK ack=2000 win=64240");
    r.flags = TcpRepr::PSH | TcpRepr::ACK;
    CHECK(summary(r, 12) == "PSH-ACK seq=1000 ack=2000 win=64240 len=12");
    r.flags = TcpRepr::FIN | TcpRepr::ACK;
    CHECK(summary(r, 0) == "FIN-ACK seq=1000 ack=2000 win=64240");
    r.flags = TcpRepr::RST;
    r.window = 0;
    CHECK(summary(r, 0) == "RST seq=1000 win=0");
}

TEST_CASE("tcp codec: emit into a buffer that is too small writes nothing") {
    TcpRepr r;
    r.src_port = 1;
    r.dst_port = 2;
    r.mss = 1460;
    Bytes small(23, 0xaa);
    CHECK(r.emit(small, {}, ip_a, ip_b) == 0);
    CHECK(small == Bytes(23, 0xaa));
}

TEST_CASE("tcp codec: emit writes every header byte, whatever the buffer held before") {
    // Each combination of options, into a zeroed buffer and one full of 0xff: same bytes.
    for (int options = 0; options < 8; ++options) {
        TcpRepr r;
        r.src_port = 49152;
        r.dst_port = 80;
        r.seq = 0x01020304;
        r.ack = 0x05060708;
        r.flags = TcpRepr::SYN | TcpRepr::ACK;
        r.window = 0x1234;
        if (options & 1) r.mss = 1460;
        if (options & 2) r.sack_permitted = true;
        if (options & 4) r.window_scale = 7;
        const Bytes payload{'h', 'i', '!'};
        Bytes zeroed(r.header_len() + payload.size(), 0x00);
        Bytes dirty(r.header_len() + payload.size(), 0xff);
        INFO("options " << options);
        REQUIRE(r.emit(zeroed, payload, ip_a, ip_b) == zeroed.size());
        REQUIRE(r.emit(dirty, payload, ip_a, ip_b) == dirty.size());
        CHECK(dirty == zeroed);
        CHECK(load_be16(zeroed.data() + 16) == tcp_checksum(zeroed, ip_a, ip_b));
        CHECK(TcpRepr::parse(dirty, ip_a, ip_b) == r);
    }
}
