// Ethernet II codec, MAC text form and the CRC-32 FCS.
#include "sim/wire/ethernet.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <random>

using namespace wirelab::wire;

namespace {
Bytes bytes_of(std::string_view s) {
    return Bytes(s.begin(), s.end());
}

// Bit-at-a-time reference CRC-32, to check the slicing-by-8 tables against.
std::uint32_t crc32_reference(ByteView data) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (auto b : data) {
        crc ^= b;
        for (int k = 0; k < 8; ++k)
            crc = (crc & 1) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    }
    return ~crc;
}
} // namespace

TEST_CASE("format_mac and parse_mac round-trip, reject malformed text", "[ethernet]") {
    const MacAddr m{0x02, 0x00, 0x00, 0xab, 0xcd, 0x01};
    CHECK(format_mac(m) == "02:00:00:ab:cd:01");
    CHECK(parse_mac("02:00:00:ab:cd:01") == m);
    CHECK(parse_mac("02-00-00-AB-CD-01") == m);
    CHECK(parse_mac("ff:ff:ff:ff:ff:ff") == broadcast_mac);
    CHECK_FALSE(parse_mac("02:00:00:ab:cd"));
    CHECK_FALSE(parse_mac("02:00:00:ab:cd:0g"));
    CHECK_FALSE(parse_mac("02:00-00:ab:cd:01"));
    CHECK_FALSE(parse_mac("02:00:00:ab:cd:011"));
    CHECK_FALSE(parse_mac(""));
}

TEST_CASE("EthernetRepr emits the 14-byte header and parses it back", "[ethernet]") {
    const EthernetRepr r{broadcast_mac, {0x02, 0, 0, 0, 0, 0x01}, ethertype_arp};
    std::uint8_t buf[14];
    r.emit(buf);
    Bytes expected;
    REQUIRE(from_hex("ffffffffffff 020000000001 0806", expected));
    CHECK(Bytes(buf, buf + 14) == expected);
    CHECK(EthernetRepr::parse(expected) == r);
    CHECK_FALSE(EthernetRepr::parse(ByteView(expected).first(13)));
}

TEST_CASE("EthernetRepr keeps every address byte in place, at any alignment", "[ethernet]") {
    // Twelve distinct address bytes, so a swapped or shifted byte shows; emitted at and
    // parsed from an odd offset, and the bytes around the header left alone.
    const EthernetRepr r{
        {0x10, 0x21, 0x32, 0x43, 0x54, 0x65}, {0x76, 0x87, 0x98, 0xa9, 0xba, 0xcb}, 0x86dd};
    std::uint8_t buf[17];
    std::memset(buf, 0xee, sizeof buf);
    r.emit(buf + 1);
    Bytes expected;
    REQUIRE(from_hex("ee 102132435465 768798a9bacb 86dd ee ee", expected));
    CHECK(Bytes(buf, buf + sizeof buf) == expected);
    CHECK(EthernetRepr::parse(ByteView(buf + 1, 14)) == r);
    CHECK(EthernetRepr::parse(ByteView(buf + 1, 16)) == r);
}

TEST_CASE("crc32_ieee matches the standard check value and a bitwise reference", "[ethernet]") {
    CHECK(crc32_ieee(bytes_of("123456789")) == 0xCBF43926u);
    CHECK(crc32_ieee({}) == 0u);
    CHECK(crc32_ieee(bytes_of("The quick brown fox jumps over the lazy dog")) == 0x414FA339u);
    std::mt19937 rng(7);
    for (std::size_t n = 0; n < 100; ++n) {
        Bytes data(n);
        for (auto& b : data)
            b = static_cast<std::uint8_t>(rng());
        INFO("length " << n);
        CHECK(crc32_ieee(data) == crc32_reference(data));
    }
}

TEST_CASE("append_fcs pads to 60 bytes, appends the CRC little-endian — check_fcs verifies",
          "[ethernet]") {
    Bytes frame(14, 0);
    EthernetRepr{broadcast_mac, {0x02, 0, 0, 0, 0, 0x01}, ethertype_arp}.emit(frame.data());
    append_fcs(frame);
    REQUIRE(frame.size() == ethernet_min_frame + ethernet_fcs_len);
    const std::uint32_t crc = crc32_ieee(ByteView(frame).first(60));
    CHECK(frame[60] == (crc & 0xff));
    CHECK(frame[63] == (crc >> 24));
    CHECK(check_fcs(frame));
    // The residue property of a correct FCS: CRC over frame + FCS is the constant 0x2144DF1C.
    CHECK(crc32_ieee(frame) == 0x2144DF1Cu);
    for (std::size_t i = 0; i < frame.size(); ++i) {
        Bytes bad = frame;
        bad[i] ^= 0x10;
        INFO("flipped byte " << i);
        CHECK_FALSE(check_fcs(bad));
    }
    CHECK_FALSE(check_fcs(ByteView(frame).first(3)));

    Bytes big(100, 0xaa);
    append_fcs(big);
    CHECK(big.size() == 104);
    CHECK(check_fcs(big));
}

TEST_CASE("dissect_ethernet names the fields as Wireshark does", "[ethernet]") {
    Bytes frame;
    REQUIRE(from_hex("ffffffffffff 020000000001 0800", frame));
    const FieldTable rows = EthernetRepr::dissect(frame);
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].name == "Ethernet II");
    CHECK(rows[0].depth == 0);
    CHECK(rows[0].layer == 2);
    CHECK(rows[1].name == "Destination");
    CHECK(rows[1].value == "ff:ff:ff:ff:ff:ff (Broadcast)");
    CHECK(rows[2].offset == 6);
    CHECK(rows[2].value == "02:00:00:00:00:01");
    CHECK(rows[3].name == "Type");
    CHECK(rows[3].value == "IPv4 (0x0800)");
    CHECK(rows[3].offset == 12);
    CHECK(rows[3].length == 2);
    store_be16(frame.data() + 12, 0x88b5); // a local experimental EtherType: no name
    CHECK(dissect_ethernet(frame)[3].value == "0x88b5");
    const FieldTable shortrows = dissect_ethernet(ByteView(frame).first(5));
    REQUIRE(shortrows.size() == 1);
    CHECK(shortrows[0].value.find("Malformed") != std::string::npos);
}
