// The WebSocket stages on the simulated network: the Upgrade, permessage-deflate and the
// chat relay, checked on the bytes the trace recorded.
#include "sim/stack/tcp_stage.hpp"
#include "sim/stack/world.hpp"
#include "sim/stack/ws_stage.hpp"
#include "sim/wire/websocket.hpp"

#include "test_hosts.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace wirelab;
using namespace wirelab::stack;

namespace {

HostConfig ws_host(std::string name, std::uint8_t last, std::vector<std::string> extra) {
    return testing::test_host(std::move(name), last, testing::ws_stack, std::move(extra));
}

wire::ByteView text(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// The app events ("received text …") recorded at a host, in order.
std::vector<std::string> received(const trace::Trace& t, trace::NodeId node) {
    std::vector<std::string> out;
    for (const auto& e : t.events())
        if (e.kind == trace::Kind::app && e.node == node && e.layer == 7)
            out.emplace_back(t.text(e.text));
    return out;
}

} // namespace

TEST_CASE("permessage-deflate on the simulated wire: RSV1 frames, the text arrives intact") {
    World world(4);
    auto& client = world.add_host(ws_host("client", 1, {"deflate"}));
    auto& server = world.add_host(ws_host("server", 2, {"deflate", "app"}));
    world.add_link("cable", client, server, {});
    server.ws()->listen(80, "/", trace::no_event);
    client.ws()->connect(server.ip(), 80, "server", "/", trace::no_event);
    const std::string message = "hello hello hello hello hello hello hello hello";
    world.at(ms(100), [&] { client.ws()->send(0, text(message), false, 0, trace::no_event); });
    world.run_until(seconds(1));
    const auto& t = world.trace();

    // The 101 response agreed on the extension.
    bool agreed = false;
    std::size_t compressed_frames = 0;
    for (const auto& e : t.events()) {
        if (e.kind != trace::Kind::message) continue;
        auto bytes = t.pdu_bytes(e.pdu);
        std::string head(bytes.begin(), bytes.end());
        if (head.rfind("HTTP/1.1 101", 0) == 0)
            agreed = head.find("permessage-deflate") != std::string::npos;
        wire::websocket::FrameHeader h;
        if (head.rfind("HTTP", 0) != 0 && head.rfind("GET", 0) != 0 &&
            wire::websocket::parse_header(bytes, h) == wire::websocket::HeaderStatus::complete &&
            h.opcode == wire::websocket::Opcode::text) {
            CHECK(h.rsv == 4); // RSV1: the message is compressed
            CHECK(h.length < message.size());
            ++compressed_frames;
        }
    }
    CHECK(agreed);
    CHECK(compressed_frames == 4); // sent and received, each way
    auto at_server = received(t, server.id());
    auto at_client = received(t, client.id());
    REQUIRE(at_server.size() == 1);
    REQUIRE(at_client.size() == 1);
    CHECK(at_server[0].find(message.substr(0, 40)) != std::string::npos);
    CHECK(at_client[0] == at_server[0]); // the echo decompressed to the same text
}

TEST_CASE("the chat server relays a message to every other client, not back to its sender") {
    World world(5);
    auto& sw = world.add_switch("sw");
    auto& server = world.add_host(ws_host("server", 100, {"chat"}));
    world.add_link("server-sw", server, sw, {});
    std::vector<Host*> clients;
    for (std::uint8_t i = 1; i <= 3; ++i) {
        auto& c = world.add_host(ws_host("c" + std::to_string(i), i, {}));
        world.add_link(c.name() + "-sw", c, sw, {});
        clients.push_back(&c);
    }
    server.ws()->listen(80, "/chat", trace::no_event);
    for (auto* c : clients)
        c->ws()->connect(server.ip(), 80, "server", "/chat", trace::no_event);
    world.at(ms(200),
             [&] { clients[0]->ws()->send(0, text("hi all"), false, 0, trace::no_event); });
    world.run_until(seconds(1));
    const auto& t = world.trace();
    CHECK(received(t, clients[0]->id()).empty());
    for (int i = 1; i < 3; ++i) {
        auto got = received(t, clients[i]->id());
        REQUIRE(got.size() == 1);
        CHECK(got[0] == "received text \"hi all\"");
    }
}

TEST_CASE("an Upgrade to a closed port is answered by RST, and nothing is delivered") {
    World world(6);
    auto& client = world.add_host(ws_host("client", 1, {}));
    auto& server = world.add_host(ws_host("server", 2, {"app"}));
    world.add_link("cable", client, server, {});
    client.ws()->connect(server.ip(), 80, "server", "/", trace::no_event);
    world.run_until(seconds(1));
    CHECK_FALSE(client.ws()->send(0, text("x"), false, 0, trace::no_event));
    CHECK(received(world.trace(), server.id()).empty());
}
