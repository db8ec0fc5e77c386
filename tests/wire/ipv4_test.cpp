// IPv4 header codec: text forms, checksum, validation and dissection.
#include "sim/wire/ipv4.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <iterator>
#include <random>
#include <string>

using namespace wirelab::wire;

namespace {
// 10.0.0.1 -> 10.0.0.2, 4 payload bytes (zeros): the packet the refusal tests alter.
Bytes good_packet() {
    Ipv4Repr r;
    r.src = 0x0a000001;
    r.dst = 0x0a000002;
    r.payload_len = 4;
    Bytes good(24, 0);
    r.emit(good.data());
    return good;
}
} // namespace

TEST_CASE("format_ipv4 and parse_ipv4 are strict dotted quads in host byte order", "[ipv4]") {
    CHECK(format_ipv4(0x0a000001) == "10.0.0.1");
    CHECK(format_ipv4(0xffffffff) == "255.255.255.255");
    CHECK(parse_ipv4("10.0.0.1") == 0x0a000001u);
    CHECK(parse_ipv4("192.168.1.254") == 0xc0a801feu);
    CHECK(parse_ipv4("0.0.0.0") == 0u);
    CHECK_FALSE(parse_ipv4("256.0.0.1"));
    CHECK_FALSE(parse_ipv4("10.0.0"));
    CHECK_FALSE(parse_ipv4("10.0.0.1.2"));
    CHECK_FALSE(parse_ipv4("10.0.0.1 "));
    CHECK_FALSE(parse_ipv4("10..0.1"));
    CHECK_FALSE(parse_ipv4("1000.0.0.1"));
    CHECK_FALSE(parse_ipv4(""));
}

TEST_CASE("ipv4_checksum matches a known header (RFC 1071 example header)", "[ipv4]") {
    Bytes h;
    REQUIRE(from_hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7", h));
    CHECK(ipv4_checksum(h) == 0xb861);
}

TEST_CASE("Ipv4Repr::emit writes a valid header that parse reads back", "[ipv4]") {
    Ipv4Repr r;
    r.src = 0x0a000001;
    r.dst = 0x0a000002;
    r.ident = 0x1234;
    r.payload_len = 40;
    Bytes pkt(Ipv4Repr::header_len + 40, 0);
    r.emit(pkt.data());
    Bytes head;
    REQUIRE(from_hex("4500 003c 1234 4000 4006", head));
    CHECK(Bytes(pkt.begin(), pkt.begin() + 10) == head);
    CHECK(checksum_fold(checksum_add(0, ByteView(pkt).first(20))) == 0); // header sums to 0xffff
    std::string why;
    const auto parsed = Ipv4Repr::parse(pkt, true, &why);
    REQUIRE(parsed);
    CHECK(*parsed == r);
    // Ethernet padding after the total length is allowed.
    pkt.resize(pkt.size() + 6, 0);
    CHECK(Ipv4Repr::parse(pkt) == r);
}

TEST_CASE("Ipv4Repr::emit's checksum, summed from the fields, is the header's", "[ipv4]") {
    // emit() sums the fields, not the bytes it wrote: compare with ipv4_checksum() of the
    // bytes for random and extreme field values (including a sum that is a multiple of
    // 0xffff, where a fold could give 0x0000 for 0xffff).
    std::mt19937 rng(7);
    auto check = [](const Ipv4Repr& r) {
        std::uint8_t h[Ipv4Repr::header_len];
        std::memset(h, 0xaa, sizeof h);
        r.emit(h);
        INFO(to_hex(ByteView(h, sizeof h)));
        CHECK(load_be16(h + 10) == ipv4_checksum(ByteView(h, sizeof h)));
        CHECK(Ipv4Repr::parse(ByteView(h, sizeof h).first(20), false).has_value() ==
              (r.payload_len == 0));
    };
    for (int i = 0; i < 5000; ++i) {
        Ipv4Repr r;
        r.src = static_cast<std::uint32_t>(rng());
        r.dst = static_cast<std::uint32_t>(rng());
        r.protocol = static_cast<std::uint8_t>(rng());
        r.ttl = static_cast<std::uint8_t>(rng());
        r.ident = static_cast<std::uint16_t>(rng());
        r.df = rng() % 2 == 0;
        r.payload_len = static_cast<std::uint16_t>(rng() % (65536 - Ipv4Repr::header_len));
        check(r);
    }
    Ipv4Repr max;
    max.src = max.dst = 0xffffffff;
    max.protocol = max.ttl = 0xff;
    max.ident = 0xffff;
    max.payload_len = 0xffff - Ipv4Repr::header_len;
    check(max);
    Ipv4Repr zero;
    zero.src = zero.dst = 0;
    zero.protocol = zero.ttl = 0;
    zero.df = false;
    check(zero);
    // 0x4500 + 0x0014 + ident: ident = 0xffff - 0x4514 makes the sum exactly 0xffff.
    zero.ident = 0xffff - 0x4514;
    check(zero);
}

TEST_CASE("Ipv4Repr::parse refuses bad packets and says why", "[ipv4]") {
    const Bytes good = good_packet();
    std::string why;

    auto refuse = [&](Bytes pkt, bool verify = true) {
        why.clear();
        return !Ipv4Repr::parse(pkt, verify, &why);
    };
    CHECK(refuse(Bytes(good.begin(), good.begin() + 19)));
    CHECK(why.find("truncated") != std::string::npos);

    Bytes v6 = good;
    v6[0] = 0x65;
    CHECK(refuse(v6, false));
    CHECK(why == "version 6 is not 4");

    Bytes ihl = good;
    ihl[0] = 0x44;
    CHECK(refuse(ihl, false));
    CHECK(why.find("< 5") != std::string::npos);

    Bytes longer = good;
    store_be16(longer.data() + 2, 100);
    CHECK(refuse(longer, false));
    CHECK(why.find("total length 100") != std::string::npos);

    Bytes mf = good;
    mf[6] = 0x20;
    CHECK(refuse(mf, false));
    CHECK(why == "fragments not modelled");
    Bytes offset = good;
    offset[7] = 0x01;
    CHECK(refuse(offset, false));
    CHECK(why == "fragments not modelled");

    Bytes corrupt = good;
    corrupt[8] = 63; // TTL changed, checksum not updated
    CHECK(refuse(corrupt));
    CHECK(why.find("bad header checksum") != std::string::npos);
    CHECK(Ipv4Repr::parse(corrupt, false)); // accepted when the caller skips the check
}

TEST_CASE("Ipv4Repr::parse gives each refusal's exact reason, and none when not asked", "[ipv4]") {
    const Bytes good = good_packet();
    auto reason = [](const Bytes& pkt, bool verify) {
        std::string why = "unset";
        const bool refused = !Ipv4Repr::parse(pkt, verify, &why);
        CHECK(refused == !Ipv4Repr::parse(pkt, verify)); // the same answer without a reason
        return refused ? why : std::string("accepted");
    };
    auto with = [&](std::size_t at, std::uint8_t value) {
        Bytes b = good;
        b[at] = value;
        return b;
    };
    CHECK(reason(good, true) == "accepted");
    CHECK(reason(Bytes{}, true) == "truncated header: 0 bytes < 20");
    CHECK(reason(Bytes(good.begin(), good.begin() + 19), true) ==
          "truncated header: 19 bytes < 20");
    CHECK(reason(with(0, 0x55), false) == "version 5 is not 4");
    CHECK(reason(with(0, 0x43), false) == "header length 3 words < 5");
    CHECK(reason(with(0, 0x47), false) == "truncated header: IHL says 28 bytes");
    CHECK(reason(with(3, 16), false) == "total length 16 < header length 20");
    CHECK(reason(with(3, 25), false) == "total length 25 > 24 bytes received");
    CHECK(reason(with(6, 0x20), false) == "fragments not modelled");
    CHECK(reason(with(7, 0x08), false) == "fragments not modelled");
    CHECK(reason(with(6, 0x40), false) == "accepted"); // DF alone is fine
    const Bytes corrupt = with(8, 63);
    char expected[64];
    std::snprintf(expected, sizeof expected, "bad header checksum 0x%04x, expected 0x%04x",
                  load_be16(corrupt.data() + 10), ipv4_checksum(ByteView(corrupt).first(20)));
    CHECK(reason(corrupt, true) == expected);
    CHECK(reason(corrupt, false) == "accepted");
}

TEST_CASE("Ipv4Repr::parse's inline path answers as the general one does", "[ipv4]") {
    // With a correct checksum, verify_checksum = true (always the general path) and false
    // (the inline path where it applies) must agree on every header: the decoded fields,
    // the refusal and its reason.
    std::mt19937 rng(20261126);
    auto byte = [&] { return static_cast<std::uint8_t>(rng()); };
    const std::uint8_t ver_ihl[] = {0x45, 0x45, 0x45, 0x46, 0x44, 0x55, 0x4f, 0x05};
    const std::uint16_t flags[] = {0x0000, 0x4000, 0x8000, 0x2000, 0x0001, 0x4100, 0xc000};
    int fast = 0;
    for (int i = 0; i < 4000; ++i) {
        Bytes pkt(rng() % 48);
        for (auto& b : pkt)
            b = byte();
        if (pkt.size() >= 20) {
            pkt[0] = ver_ihl[rng() % std::size(ver_ihl)];
            store_be16(pkt.data() + 2, static_cast<std::uint16_t>(pkt.size() - 4 + rng() % 8));
            store_be16(pkt.data() + 6, flags[rng() % std::size(flags)]);
            const std::size_t ihl = (pkt[0] & 0x0f) * std::size_t{4};
            if (ihl >= 20 && ihl <= pkt.size())
                store_be16(pkt.data() + 10, ipv4_checksum(ByteView(pkt).first(ihl)));
        }
        std::string why_checked = "-", why_inline = "-";
        const auto checked = Ipv4Repr::parse(pkt, true, &why_checked);
        const auto inlined = Ipv4Repr::parse(pkt, false, &why_inline);
        INFO(to_hex(pkt));
        CHECK(checked == inlined);
        CHECK(why_checked == why_inline);
        fast += inlined && pkt[0] == 0x45;
    }
    CHECK(fast > 150); // the inline path was taken, often
}

TEST_CASE("dissect_ipv4 rows: Wireshark names, flags as sub-rows, checksum status", "[ipv4]") {
    Ipv4Repr r;
    r.src = 0x0a000001;
    r.dst = 0x0a000002;
    r.payload_len = 0;
    Bytes pkt(20);
    r.emit(pkt.data());
    const FieldTable rows = Ipv4Repr::dissect(pkt);
    auto find = [&](std::string_view name) -> const FieldSpan& {
        for (const auto& row : rows)
            if (row.name == name) return row;
        FAIL("no row " << name);
        return rows.front();
    };
    CHECK(rows[0].name == "Internet Protocol Version 4");
    CHECK(rows[0].depth == 0);
    CHECK(rows[0].value == "Src: 10.0.0.1, Dst: 10.0.0.2");
    CHECK(find("Flags").value == "0x2, Don't fragment");
    CHECK(find("Don't fragment").depth == 2);
    CHECK(find("Don't fragment").value == "Set");
    CHECK(find("More fragments").value == "Not set");
    CHECK(find("Time to Live").value == "64");
    CHECK(find("Protocol").value == "TCP (6)");
    CHECK(find("Header Checksum").value.find("[correct]") != std::string::npos);
    CHECK(find("Header Checksum").offset == 10);
    CHECK(find("Destination Address").offset == 16);
    for (const auto& row : rows)
        CHECK(row.layer == 3);
    pkt[8] = 1;
    CHECK(dissect_ipv4(pkt)[0].name == "Internet Protocol Version 4");
    bool incorrect = false;
    for (const auto& row : dissect_ipv4(pkt))
        if (row.name == "Header Checksum")
            incorrect = row.value.find("incorrect") != std::string::npos;
    CHECK(incorrect);
}
