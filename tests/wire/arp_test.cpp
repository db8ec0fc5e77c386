// ARP request/reply codec and summary.
#include "sim/wire/arp.hpp"

#include <catch2/catch.hpp>

using namespace wirelab::wire;

namespace {
const MacAddr mac1{0x02, 0, 0, 0, 0, 0x01};
const MacAddr mac2{0x02, 0, 0, 0, 0, 0x02};
constexpr std::uint32_t ip1 = 0x0a000001, ip2 = 0x0a000002;
} // namespace

TEST_CASE("ArpRepr request emits RFC 826 bytes and parses back", "[arp]") {
    const ArpRepr req{arp_op_request, mac1, ip1, MacAddr{}, ip2};
    std::uint8_t buf[ArpRepr::len];
    req.emit(buf);
    Bytes expected;
    REQUIRE(from_hex("0001 0800 06 04 0001 020000000001 0a000001 000000000000 0a000002", expected));
    CHECK(Bytes(buf, buf + 28) == expected);
    CHECK(ArpRepr::parse(expected) == req);
    CHECK(summary(req) == "ARP who has 10.0.0.2? tell 10.0.0.1");

    // Ethernet padding after the 28 bytes is ignored.
    Bytes padded = expected;
    padded.resize(46, 0);
    CHECK(ArpRepr::parse(padded) == req);
}

TEST_CASE("ArpRepr reply summary says who is at which MAC", "[arp]") {
    const ArpRepr rep{arp_op_reply, mac2, ip2, mac1, ip1};
    Bytes buf(ArpRepr::len);
    rep.emit(buf.data());
    const auto parsed = ArpRepr::parse(buf);
    REQUIRE(parsed);
    CHECK(parsed->op == 2);
    CHECK(summary(*parsed) == "ARP 10.0.0.2 is at 02:00:00:00:00:02");
}

TEST_CASE("ArpRepr::parse rejects short packets, foreign types and unknown opcodes", "[arp]") {
    Bytes buf(ArpRepr::len);
    ArpRepr{arp_op_request, mac1, ip1, MacAddr{}, ip2}.emit(buf.data());
    CHECK_FALSE(ArpRepr::parse(ByteView(buf).first(27)));
    for (std::size_t at : {0u, 3u, 4u, 5u, 7u}) {
        Bytes bad = buf;
        bad[at] ^= 0x04;
        INFO("byte " << at);
        CHECK_FALSE(ArpRepr::parse(bad));
    }
}

TEST_CASE("dissect_arp gives Wireshark's field names with absolute-in-header offsets", "[arp]") {
    Bytes buf(ArpRepr::len);
    ArpRepr{arp_op_reply, mac2, ip2, mac1, ip1}.emit(buf.data());
    const FieldTable rows = ArpRepr::dissect(buf);
    REQUIRE(rows.size() == 10);
    CHECK(rows[0].name == "Address Resolution Protocol");
    CHECK(rows[0].value == "(reply)");
    CHECK(rows[5].name == "Opcode");
    CHECK(rows[5].value == "reply (2)");
    CHECK(rows[7].name == "Sender IP address");
    CHECK(rows[7].offset == 14);
    CHECK(rows[7].value == "10.0.0.2");
    CHECK(rows[9].name == "Target IP address");
    CHECK(rows[9].value == "10.0.0.1");
    for (const auto& r : rows)
        CHECK(r.layer == 2);
}
