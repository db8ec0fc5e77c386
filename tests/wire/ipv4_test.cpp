// IPv4 header codec: text forms, checksum, validation and dissection.
#include "sim/wire/ipv4.hpp"

#include <catch2/catch.hpp>

using namespace wirelab::wire;

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

TEST_CASE("Ipv4Repr::parse refuses bad packets and says why", "[ipv4]") {
    Ipv4Repr r;
    r.src = 0x0a000001;
    r.dst = 0x0a000002;
    r.payload_len = 4;
    Bytes good(24, 0);
    r.emit(good.data());
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
