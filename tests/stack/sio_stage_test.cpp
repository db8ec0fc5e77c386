// SioStage on the simulated network: Socket.IO clients connect over WebSocket, join rooms of
// the server's built-in chat, and a chat message reaches exactly the sender's room; each
// Engine.IO / Socket.IO packet is traced decoded; the heartbeat runs on the world's clock.
#include "sim/proto/sio/json_text.hpp"
#include "sim/stack/sio_stage.hpp"
#include "sim/stack/switch.hpp"
#include "sim/stack/world.hpp"

#include "test_hosts.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace wirelab;
using namespace wirelab::stack;
using sio::Json;

namespace {

HostConfig sio_host(std::string name, std::uint8_t last) {
    return testing::test_host(std::move(name), last, testing::ws_stack, {"sio"});
}

std::vector<std::string> app_texts(const trace::Trace& t, trace::NodeId node) {
    std::vector<std::string> out;
    for (const auto& e : t.events())
        if (e.kind == trace::Kind::app && e.node == node && e.layer == 7)
            out.emplace_back(t.text(e.text));
    return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
    for (const auto& x : v)
        if (x == s) return true;
    return false;
}

} // namespace

TEST_CASE("describe_sio_frame names Engine.IO and Socket.IO packets") {
    using sio::engineio::Frame;
    CHECK(describe_sio_frame(Frame{false, "42[\"chat\",\"hi\"]"}) == "EVENT \"chat\" [\"hi\"]");
    CHECK(describe_sio_frame(Frame{false, "421[\"join\",\"a\"]"}) ==
          "EVENT \"join\" [\"a\"] (ack id 1)");
    CHECK(describe_sio_frame(Frame{false, "433[true]"}) == "ACK 3 [true]");
    CHECK(describe_sio_frame(Frame{false, "40"}) == "CONNECT /");
    CHECK(describe_sio_frame(Frame{false, "2"}) == "PING");
    CHECK(describe_sio_frame(Frame{false, "3"}) == "PONG");
    CHECK(describe_sio_frame(Frame{false, "9"}) == "malformed Engine.IO packet");
}

TEST_CASE("SioStage: rooms of the built-in chat, acks, heartbeats on the world's clock") {
    World world(7);
    auto& server = world.add_host(sio_host("server", 1));
    auto& sw = world.add_switch("sw");
    world.add_link("ls", server, sw, {});
    std::vector<Host*> clients;
    for (std::uint8_t i = 0; i < 4; ++i) {
        clients.push_back(&world.add_host(sio_host("c" + std::to_string(i), 10 + i)));
        world.add_link("l" + std::to_string(i), *clients.back(), sw, {});
    }
    REQUIRE(server.sio());
    server.sio()->listen(80, trace::no_event);
    for (Host* c : clients)
        c->sio()->connect(server.ip(), 80, "server", trace::no_event);
    // c0, c1 in room a; c2 in room b; c3 in no room.
    world.at(ms(200), [&] {
        clients[0]->sio()->join("a", trace::no_event);
        clients[1]->sio()->join("a", trace::no_event);
        clients[2]->sio()->join("b", trace::no_event);
    });
    world.at(ms(400),
             [&] { clients[0]->sio()->emit("chat", Json::array({"hi"}), true, trace::no_event); });
    world.at(ms(600),
             [&] { server.sio()->to_room("b", "news", Json::array({1}), trace::no_event); });
    world.run_until(seconds(30)); // past one ping interval (25 s)

    for (Host* c : clients)
        CHECK(c->sio()->client_connected(0));
    auto got = [&](std::size_t i) { return clients[i]->sio()->client_received(0); };
    CHECK(got(0).empty());
    REQUIRE(got(1).size() == 1);
    CHECK(got(1)[0].first == "chat");
    CHECK(sio::stringify(got(1)[0].second.json()) == "[\"hi\"]");
    REQUIRE(got(2).size() == 1);
    CHECK(got(2)[0].first == "news");
    CHECK(got(3).empty());

    const auto& t = world.trace();
    auto at_c0 = app_texts(t, clients[0]->id());
    CHECK(has(at_c0, "EVENT \"chat\" [\"hi\"] (ack id 1) sent"));
    CHECK(has(at_c0, "ACK 1 [1] received")); // one recipient
    CHECK(has(at_c0, "ACK 0 [true] received"));
    CHECK(has(at_c0, "PING received"));
    CHECK(has(at_c0, "PONG sent"));
    auto at_server = app_texts(t, server.id());
    CHECK(has(at_server, "CONNECT / received"));
    CHECK(has(at_server, "EVENT \"chat\" [\"hi\"] sent"));
    CHECK(has(at_server, "PONG received"));
    // The same bytes on the wire, as WsStage traced the frame.
    bool framed = false;
    for (const auto& e : t.events())
        if (e.kind == trace::Kind::message && e.node == clients[1]->id() && e.aux == 1)
            framed |= t.text(e.text).find("42[\"chat\",\"hi\"]") != std::string_view::npos;
    CHECK(framed);
}

TEST_CASE("SioStage: a client whose server went silent reconnects once the link is back") {
    World world(11);
    auto& server = world.add_host(sio_host("server", 1));
    auto& client = world.add_host(sio_host("client", 2));
    auto& cable = world.add_link("cable", client, server, {});
    server.sio()->listen(80, trace::no_event);
    client.sio()->connect(server.ip(), 80, "server", trace::no_event);
    world.at(seconds(1), [&] { cable.cut(); });
    world.at(seconds(70), [&] { cable.restore(); });
    world.run_until(seconds(40));
    CHECK(client.sio()->client_connected(0)); // the heartbeat has not run out yet (25 + 20 s)
    world.run_until(seconds(60));
    CHECK_FALSE(client.sio()->client_connected(0));
    world.run_until(seconds(150));
    CHECK(client.sio()->client_connected(0));

    const auto& t = world.trace();
    std::vector<std::string> states;
    for (const auto& e : t.events())
        if (e.kind == trace::Kind::state && e.node == client.id() && e.layer == 7)
            states.emplace_back(t.text(e.text));
    REQUIRE(states.size() >= 3);
    CHECK(states[0] == "Socket.IO client: connect");
    CHECK(states[1] == "Socket.IO client: disconnect (ping timeout)");
    CHECK(states.back() == "Socket.IO client: connect");
    auto at_client = app_texts(t, client.id());
    bool reconnected = false;
    for (const auto& s : at_client)
        reconnected |= s.rfind("Socket.IO client: reconnect ", 0) == 0;
    CHECK(reconnected);
    // The server saw its socket go with the ping timeout, and a new one come.
    std::vector<std::string> server_states;
    for (const auto& e : t.events())
        if (e.kind == trace::Kind::state && e.node == server.id() && e.layer == 7)
            server_states.emplace_back(t.text(e.text));
    REQUIRE(server_states.size() == 3);
    CHECK(server_states[1].find("disconnected (ping timeout)") != std::string::npos);
}
