// A frame whose Ethernet FCS checks out but whose IPv4 or TCP checksum does not is dropped
// as bad_checksum at that layer. Frames that come off the simulated wire untouched skip
// those checks (Meta::pristine: the sender's stack computed them); a frame from anywhere
// else — here, bytes handed to the host's port directly — is checked in full.
#include "sim/stack/tcp_stage.hpp"
#include "sim/stack/world.hpp"
#include "sim/wire/ethernet.hpp"
#include "sim/wire/ipv4.hpp"
#include "sim/wire/tcp.hpp"

#include "test_hosts.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace wirelab;
using namespace wirelab::stack;

namespace {

constexpr std::uint32_t client_ip = 0x0a000001, server_ip = 0x0a000002;

// A SYN from 10.0.0.1:40000 to 10.0.0.2:80 as an Ethernet frame without its FCS.
wire::Bytes syn_frame() {
    wire::TcpRepr tcp;
    tcp.src_port = 40000;
    tcp.dst_port = 80;
    tcp.seq = 1000;
    tcp.flags = wire::TcpRepr::SYN;
    tcp.window = 65535;
    const wire::Bytes segment = tcp.to_bytes({}, client_ip, server_ip);
    wire::Ipv4Repr ip;
    ip.src = client_ip;
    ip.dst = server_ip;
    ip.payload_len = static_cast<std::uint16_t>(segment.size());
    wire::Bytes frame(wire::ethernet_header_len + wire::Ipv4Repr::header_len);
    wire::EthernetRepr{{0x02, 0, 0, 0, 0, 2}, {0x02, 0, 0, 0, 0, 1}, wire::ethertype_ipv4}.emit(
        frame.data());
    ip.emit(frame.data() + wire::ethernet_header_len);
    frame.insert(frame.end(), segment.begin(), segment.end());
    return frame;
}

struct Outcome {
    std::vector<trace::Event> drops;
    std::size_t connections = 0;
};

// Hands `frame` (its FCS appended here, so the Ethernet check passes) to the server's port.
Outcome deliver(wire::Bytes frame) {
    World world{1};
    Host& client = world.add_host(testing::test_host("client", 1, testing::tcp_stack));
    Host& server = world.add_host(testing::test_host("server", 2, testing::tcp_stack));
    world.add_link("cable", client, server, {});
    server.tcp()->listen(80, trace::no_event);
    wire::append_fcs(frame);
    world.at(ms(1), [&] { server.receive(0, Packet::from_wire(frame), trace::no_event); });
    world.run_until(ms(2));
    Outcome out;
    for (const auto& e : world.trace().events())
        if (e.kind == trace::Kind::drop && e.node == server.id()) out.drops.push_back(e);
    out.connections = server.tcp()->connection_count();
    return out;
}

} // namespace

TEST_CASE("stack checksums: a well-formed SYN from outside the simulated wire is taken") {
    const Outcome out = deliver(syn_frame());
    CHECK(out.drops.empty());
    CHECK(out.connections == 1); // SYN-RECEIVED
}

TEST_CASE("stack checksums: a bad TCP checksum under a good FCS is dropped at layer 4") {
    wire::Bytes frame = syn_frame();
    frame[wire::ethernet_header_len + wire::Ipv4Repr::header_len + 16] ^= 0x01;
    const Outcome out = deliver(frame);
    REQUIRE(out.drops.size() == 1);
    CHECK(out.drops[0].reason == trace::DropReason::bad_checksum);
    CHECK(out.drops[0].layer == 4);
    CHECK(out.connections == 0);
}

TEST_CASE("stack checksums: a bad IPv4 header checksum under a good FCS is dropped at layer 3") {
    wire::Bytes frame = syn_frame();
    frame[wire::ethernet_header_len + 10] ^= 0x01;
    const Outcome out = deliver(frame);
    REQUIRE(out.drops.size() == 1);
    CHECK(out.drops[0].reason == trace::DropReason::bad_checksum);
    CHECK(out.drops[0].layer == 3);
    CHECK(out.connections == 0);
}
