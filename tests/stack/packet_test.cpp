// Packet's FCS seal: set by the Ethernet stage once the FCS is written, kept by reading and
// copying, lost by anything that may change the bytes or their range.
#include "sim/stack/packet.hpp"
#include "sim/wire/ethernet.hpp"

#include <catch2/catch.hpp>

#include <utility>

using namespace wirelab;
using namespace wirelab::stack;

namespace {
// A minimum-size frame with a correct FCS, as EthStage::from_above builds it.
Packet sealed_frame() {
    const wire::Bytes payload(46, 0x5a);
    Packet p(payload);
    wire::EthernetRepr eth{{2, 0, 0, 0, 0, 2}, {2, 0, 0, 0, 0, 1}, 0x0800};
    eth.emit(p.push_header(wire::ethernet_header_len, 2).data());
    const std::uint32_t fcs = wire::crc32_ieee(std::as_const(p).data());
    auto t = p.push_trailer(wire::ethernet_fcs_len, 2);
    for (int i = 0; i < 4; ++i)
        t[i] = static_cast<std::uint8_t>(fcs >> (8 * i));
    p.seal_fcs();
    return p;
}
} // namespace

TEST_CASE("Packet: the FCS seal survives reads and copies, not writes") {
    Packet p = sealed_frame();
    REQUIRE(p.fcs_sealed());
    REQUIRE(wire::check_fcs(std::as_const(p).data()));
    CHECK(fcs_checks_out(p));

    (void)std::as_const(p).data(); // reading
    CHECK(p.fcs_sealed());
    Packet copy(p);
    CHECK(copy.fcs_sealed());
    Packet moved(std::move(copy));
    CHECK(moved.fcs_sealed());

    SECTION("a write through data() unseals, and the corrupted FCS is then computed") {
        auto bytes = p.data();
        bytes[20] ^= 0x01;
        CHECK_FALSE(p.fcs_sealed());
        CHECK_FALSE(fcs_checks_out(p));
        bytes[20] ^= 0x01; // put back: checks out again, now by computing it
        CHECK(fcs_checks_out(p));
    }
    SECTION("changing the range unseals") {
        Packet a = sealed_frame();
        a.pull_header(wire::ethernet_header_len);
        CHECK_FALSE(a.fcs_sealed());
        Packet b = sealed_frame();
        b.truncate(b.size() - wire::ethernet_fcs_len);
        CHECK_FALSE(b.fcs_sealed());
        Packet c = sealed_frame();
        c.push_header(4, 2);
        CHECK_FALSE(c.fcs_sealed());
        Packet d = sealed_frame();
        d.push_trailer(4, 2);
        CHECK_FALSE(d.fcs_sealed());
    }
    SECTION("a new packet, even in a recycled block, starts unsealed") {
        p = Packet{};
        CHECK_FALSE(p.fcs_sealed());
        Packet fresh(wire::Bytes(60, 0));
        CHECK_FALSE(fresh.fcs_sealed());
        CHECK_FALSE(fcs_checks_out(fresh)); // zeros: no valid FCS
    }
}
