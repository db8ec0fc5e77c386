// TcpStage's demultiplexing keeps the last key it looked up (with its connection) in front of
// its table: segments of several connections in turn each reach their own connection, and a
// connection that has closed takes no more segments through it: they are answered with RST.
#include "sim/stack/tcp_stage.hpp"
#include "sim/stack/world.hpp"

#include "test_hosts.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>

using namespace wirelab;
using namespace wirelab::stack;

namespace {

// Keeps what each server connection received.
struct Collector : TcpUser {
    std::map<ConnId, std::string> received;
    std::vector<ConnId> ids;
    void on_connected(ConnId id, trace::EventId) override { ids.push_back(id); }
    void on_data(ConnId id, wire::ByteView data, trace::EventId) override {
        received[id].append(reinterpret_cast<const char*>(data.data()), data.size());
    }
    void on_peer_closed(ConnId, trace::EventId) override {}
    void on_closed(ConnId, trace::EventId) override {}
};

// A client and a server on one cable; the server listens on port 80 and its connections'
// data goes to `got`.
struct Net {
    World world{1};
    Host& client = world.add_host(testing::test_host("client", 1, testing::tcp_stack));
    Host& server = world.add_host(testing::test_host("server", 2, testing::tcp_stack));
    Link& link = world.add_link("cable", client, server, {});
    Collector got;
    Net() {
        server.tcp()->set_user(&got);
        server.tcp()->listen(80, trace::no_event);
    }
    TcpStage& tcp() { return *client.tcp(); }
    ConnId connect() { return tcp().connect(server.ip(), 80, trace::no_event); }
    void send(ConnId id, const std::string& s) {
        tcp().send(id, {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()},
                   trace::no_event);
    }
};

std::size_t drops(const trace::Trace& t, trace::NodeId node, trace::DropReason why) {
    std::size_t n = 0;
    for (const auto& e : t.events())
        if (e.kind == trace::Kind::drop && e.node == node && e.reason == why) ++n;
    return n;
}

} // namespace

TEST_CASE("tcp demux: connections written in turn each get their own bytes") {
    Net net;
    const ConnId a = net.connect();
    const ConnId b = net.connect();
    const ConnId c = net.connect();
    for (int i = 0; i < 6; ++i) {
        net.world.at(ms(50 + 10 * i), [&, i] {
            net.send(a, "a" + std::to_string(i));
            net.send(b, "b" + std::to_string(i));
            if (i % 2) net.send(c, "c" + std::to_string(i));
        });
    }
    net.world.run_until(seconds(1));
    REQUIRE(net.got.ids.size() == 3);
    // The server's ids follow the SYNs' order: a, b, c.
    CHECK(net.got.received[net.got.ids[0]] == "a0a1a2a3a4a5");
    CHECK(net.got.received[net.got.ids[1]] == "b0b1b2b3b4b5");
    CHECK(net.got.received[net.got.ids[2]] == "c1c3c5");
    CHECK(drops(net.world.trace(), net.server.id(), trace::DropReason::no_socket) == 0);
}

TEST_CASE("tcp demux: a segment for a connection that has closed is answered with RST") {
    // The server closes first, its last ACK is lost, and its TIME-WAIT (100 ms) ends before
    // the client's FIN is retransmitted (RTO 1 s): that FIN finds no connection any more,
    // although it has the key the server looked up last, and the server answers with RST.
    Net net;
    const ConnId a = net.connect();
    net.world.at(ms(50), [&] { net.send(a, "hello"); });
    net.world.at(ms(100), [&] {
        REQUIRE(net.got.ids.size() == 1);
        net.server.tcp()->close(net.got.ids[0], trace::no_event); // its FIN is on the link
        net.link.drop_next(1, &net.server);                       // the next: its last ACK
    });
    net.world.run_until(seconds(5));
    CHECK(net.got.received[net.got.ids.at(0)] == "hello");
    CHECK(drops(net.world.trace(), net.server.id(), trace::DropReason::no_socket) == 1);
    const tcp::Connection* client = net.tcp().connection(a);
    REQUIRE(client != nullptr);
    CHECK(client->state() == tcp::State::closed);
    CHECK(client->stats().retransmissions == 1); // the FIN, once: then the RST ended it
    const tcp::Connection* gone = net.server.tcp()->connection(net.got.ids[0]);
    REQUIRE(gone != nullptr);
    CHECK(gone->state() == tcp::State::closed);
}
