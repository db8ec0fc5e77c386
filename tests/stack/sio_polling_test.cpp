// SioStage over HTTP long-polling, then upgraded to a WebSocket, on the simulated network: a
// client with transport "polling" opens its Engine.IO session by GET, connects by POST, sends
// a chat event with an ack while still polling, probes and upgrades, then chats over the
// WebSocket; a websocket-only client in the same chat receives both. The trace shows the
// handshake GET, the POST of 40, the held GET answered, the 101, 2probe/3probe, the NOOP that
// ends the last poll, the UPGRADE packet, then frames.
#include "sim/proto/sio/json_text.hpp"
#include "sim/stack/http_stage.hpp"
#include "sim/stack/sio_stage.hpp"
#include "sim/stack/switch.hpp"
#include "sim/stack/world.hpp"

#include "test_hosts.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

using namespace wirelab;
using namespace wirelab::stack;
using sio::Json;

namespace {

struct Line {
    trace::NodeId node;
    trace::Kind kind;
    std::uint8_t layer;
    bool received;
    std::string text;
};

std::vector<Line> lines(const trace::Trace& t) {
    std::vector<Line> out;
    for (const auto& e : t.events())
        if (e.kind == trace::Kind::message || e.kind == trace::Kind::app ||
            e.kind == trace::Kind::state)
            out.push_back({e.node, e.kind, e.layer, e.aux == 1, std::string(t.text(e.text))});
    return out;
}

// The index of the first line at or after `from` on `node` whose text starts with `prefix`
// (npos if none).
std::size_t find(const std::vector<Line>& v, trace::NodeId node, std::string_view prefix,
                 std::size_t from = 0) {
    for (std::size_t i = from; i < v.size(); ++i)
        if (v[i].node == node && std::string_view(v[i].text).starts_with(prefix)) return i;
    return std::string::npos;
}

} // namespace

TEST_CASE("SioStage: polling, a chat with an ack, the upgrade, a chat over the WebSocket") {
    World world(5);
    auto host = [](std::string name, std::uint8_t last) {
        return testing::test_host(std::move(name), last, testing::ws_stack, {"sio"});
    };
    auto& server = world.add_host(host("server", 1));
    auto& poller = world.add_host(host("poller", 2));
    auto& other = world.add_host(host("other", 3));
    auto& sw = world.add_switch("sw");
    LinkParams slow;
    slow.delay = ms(20);
    world.add_link("ls", server, sw, {});
    world.add_link("lp", poller, sw, slow);
    world.add_link("lo", other, sw, {});
    server.sio()->listen(80, trace::no_event);
    other.sio()->connect(server.ip(), 80, "server", trace::no_event);
    poller.sio()->connect(server.ip(), 80, "server", trace::no_event, {.polling = true});
    // Buffered until the CONNECT is answered: sent in a POST, while the transport is polling.
    poller.sio()->emit("chat", Json::array({"over polling"}), true, trace::no_event);
    world.at(seconds(2), [&] {
        poller.sio()->emit("chat", Json::array({"over websocket"}), true, trace::no_event);
    });
    world.run_until(seconds(3));

    const auto& t = world.trace();
    const auto v = lines(t);
    if (std::getenv("WIRELAB_DUMP"))
        for (const auto& l : v)
            std::cout << l.node << " L" << int(l.layer) << (l.received ? " < " : " > ") << l.text
                      << "\n";

    // Both events reached the other browser, and both acks came back.
    CHECK(poller.sio()->client_connected(0));
    const auto& got = other.sio()->client_received(0);
    REQUIRE(got.size() == 2);
    CHECK(sio::stringify(got[0].second.json()) == R"(["over polling"])");
    CHECK(sio::stringify(got[1].second.json()) == R"(["over websocket"])");

    // The order on the polling client's side.
    const auto p = poller.id();
    const std::size_t handshake = find(v, p, "GET /socket.io/?EIO=4&transport=polling&t=");
    const std::size_t open = find(v, p, "OPEN {\"sid\":", handshake);
    const std::size_t connect = find(v, p, "CONNECT / sent", open);
    const std::size_t post = find(v, p, "POST /socket.io/?EIO=4&transport=polling&sid=", connect);
    const std::size_t answered = find(v, p, "CONNECT / {\"sid\":", post);
    const std::size_t chat = find(v, p, "EVENT \"chat\" [\"over polling\"] (ack id 0) sent");
    const std::size_t chat_post = find(v, p, "POST /socket.io/", chat);
    const std::size_t ack = find(v, p, "ACK 0 [1] received", chat_post);
    const std::size_t upgrade_get =
        find(v, p, "GET /socket.io/?EIO=4&transport=websocket&sid=", open);
    const std::size_t switched = find(v, p, "HTTP/1.1 101 Switching Protocols", upgrade_get);
    const std::size_t probe = find(v, p, "PING probe sent", switched);
    const std::size_t probe_frame = find(v, p, "TEXT fin=1 mask=1 len=6 \"2probe\"", probe);
    const std::size_t pong = find(v, p, "PONG probe received", probe_frame);
    const std::size_t noop = find(v, p, "NOOP received", pong);
    const std::size_t five = find(v, p, "TEXT fin=1 mask=1 len=1 \"5\"", noop);
    const std::size_t upgraded =
        find(v, p, "Socket.IO client: transport upgraded to websocket", five);
    const std::size_t frame = find(v, p, "TEXT fin=1 mask=1 len=28 \"421[", upgraded);
    const std::size_t ack_ws = find(v, p, "ACK 1 [1] received", frame);
    for (std::size_t i :
         {handshake, open, connect, post, answered, chat, chat_post, ack, upgrade_get, switched,
          probe, probe_frame, pong, noop, five, upgraded, frame, ack_ws})
        CHECK(i != std::string::npos);
    CHECK(handshake < open);
    CHECK(open < upgrade_get);
    // CONNECT's answer, the chat's ack and the NOOP each came in a polling GET's response.
    for (std::size_t i : {answered, ack, noop}) {
        REQUIRE(i != std::string::npos);
        CHECK(v[i - 1].kind == trace::Kind::message);
        CHECK(v[i - 1].text.starts_with("HTTP/1.1 200 OK"));
    }
    CHECK(ack < five); // the ack came while still polling
    CHECK(v[find(v, p, "Socket.IO client: connect")].text == "Socket.IO client: connect");

    // The server: the POST of 40, the probe accepted on the WebSocket of the same session,
    // 3probe, the NOOP on the held GET, then 5.
    const auto s = server.id();
    const std::size_t s_post = find(v, s, "POST /socket.io/?EIO=4&transport=polling&sid=");
    const std::size_t s_connect = find(v, s, "CONNECT / received", s_post);
    const std::size_t s_probe = find(v, s, "Engine.IO session ", s_connect);
    const std::size_t s_3probe = find(v, s, "TEXT fin=1 mask=0 len=6 \"3probe\"", s_probe);
    const std::size_t s_noop = find(v, s, "NOOP sent", s_3probe);
    const std::size_t s_five = find(v, s, "UPGRADE received", s_noop);
    for (std::size_t i : {s_post, s_connect, s_probe, s_3probe, s_noop, s_five})
        CHECK(i != std::string::npos);

    // Real HTTP/1.1 on the wire: Host, and the POST's Content-Type and Content-Length.
    bool post_checked = false;
    for (const auto& e : t.events()) {
        if (e.kind != trace::Kind::message || e.node != p || e.aux != 0 ||
            !t.text(e.text).starts_with("POST "))
            continue;
        const auto bytes = t.pdu_bytes(e.pdu);
        const std::string text(bytes.begin(), bytes.end());
        CHECK(text.find("\r\nHost: server\r\n") != std::string::npos);
        CHECK(text.find("\r\nContent-Type: text/plain;charset=UTF-8\r\n") != std::string::npos);
        CHECK(text.find("\r\nContent-Length: 2\r\n\r\n40") != std::string::npos);
        post_checked = true;
        break;
    }
    CHECK(post_checked);

    // After the upgrade both polling connections are closed by the client (FIN first), and
    // the WebSocket stays.
    int closed = 0;
    bool after = false;
    for (const auto& l : v) {
        if (l.node == p && l.text == "Socket.IO client: transport upgraded to websocket")
            after = true;
        if (after && l.node == p && l.kind == trace::Kind::state && l.layer == 4 &&
            l.text == "ESTABLISHED → FIN-WAIT-1")
            ++closed;
    }
    CHECK(closed == 2);
}

TEST_CASE("SioStage: a polling client whose server has no http stage gets no session") {
    // The server speaks WebSocket only (no http stage): its WebSocket endpoint refuses the
    // plain GET (not an Upgrade), so the Engine.IO handshake never completes.
    World world(3);
    auto& server = world.add_host(
        testing::test_host("server", 1, {"phy", "eth", "arp", "ipv4", "tcp", "ws"}, {"sio"}));
    auto& client = world.add_host(testing::test_host("client", 2, testing::ws_stack, {"sio"}));
    world.add_link("cable", client, server, {});
    server.sio()->listen(80, trace::no_event);
    client.sio()->connect(server.ip(), 80, "server", trace::no_event, {.polling = true});
    world.run_until(seconds(1));
    CHECK_FALSE(client.sio()->client_connected(0));
}

TEST_CASE("SioStage: a polling client cut off reconnects by polling and upgrades again") {
    World world(8);
    auto host = [](std::string name, std::uint8_t last) {
        return testing::test_host(std::move(name), last, testing::ws_stack, {"sio"});
    };
    auto& server = world.add_host(host("server", 1));
    auto& client = world.add_host(host("client", 2));
    auto& cable = world.add_link("cable", client, server, {});
    server.sio()->listen(80, trace::no_event, {.ping_interval_ms = 2000, .ping_timeout_ms = 1000});
    client.sio()->connect(server.ip(), 80, "server", trace::no_event, {.polling = true});
    world.at(seconds(1), [&] { cable.cut(); });
    world.at(seconds(10), [&] { cable.restore(); });
    world.at(seconds(30),
             [&] { client.sio()->emit("chat", Json::array({"back"}), true, trace::no_event); });
    world.run_until(seconds(31));

    const auto v = lines(world.trace());
    if (std::getenv("WIRELAB_DUMP"))
        for (const auto& l : v)
            if (l.layer >= 5)
                std::cout << l.node << " L" << int(l.layer) << (l.received ? " < " : " > ")
                          << l.text << "\n";
    const auto c = client.id();
    const std::size_t down = find(v, c, "Socket.IO client: disconnect (ping timeout)");
    REQUIRE(down != std::string::npos);
    const std::size_t again = find(v, c, "GET /socket.io/?EIO=4&transport=polling&t=", down);
    const std::size_t back = find(v, c, "Socket.IO client: reconnect ", again);
    const std::size_t upgraded =
        find(v, c, "Socket.IO client: transport upgraded to websocket", back);
    CHECK(again != std::string::npos);
    CHECK(back != std::string::npos);
    CHECK(upgraded != std::string::npos);
    CHECK(find(v, c, "ACK 0 [0] received", upgraded) != std::string::npos);
    CHECK(client.sio()->client_connected(0));
    CHECK(server.sio()->server()->session_count() == 1); // the old session is gone
}

namespace {
// A Socket.IO server reachable by HTTP only (as behind a proxy that refuses WebSockets): an
// HttpHandler around socketio::Server on a host without the ws stage. Upgrade requests get
// 400 from it; held GETs are answered from poll_replies() after each request.
struct PollingOnlyServer : HttpHandler {
    World* world = nullptr;
    HttpStage* http = nullptr;
    sio::socketio::Server server;
    std::map<sio::socketio::ConnId, ConnId> held;
    void on_request(ConnId id, const http::Message& m, trace::EventId cause) override {
        const std::string body(m.body().begin(), m.body().end());
        auto reply = server.handle_http({m.method, m.target, body, m.header("Upgrade") != nullptr},
                                        world->now());
        if (reply.kind == sio::socketio::HttpReply::Kind::held)
            held[reply.conn] = id;
        else if (reply.kind == sio::socketio::HttpReply::Kind::upgrade)
            http->respond(id, 400, {}, "no WebSockets here", cause);
        else
            http->respond(id, reply.status, reply.headers, reply.body, cause);
        for (auto& e : server.events())
            if (e.kind == sio::socketio::ServerEvent::Kind::event && e.ack_id)
                server.ack(e.socket, *e.ack_id, Json::array({"seen"}));
        for (auto& r : server.poll_replies())
            if (auto h = held.find(r.conn); h != held.end()) {
                http->respond(h->second, r.reply.status, r.reply.headers, r.reply.body, cause);
                held.erase(h);
            }
    }
    void on_response(ConnId, const http::Message&, trace::EventId) override {}
    void on_http_closed(ConnId, trace::EventId) override {}
};
} // namespace

TEST_CASE("SioStage: when the upgrade is refused, the client stays on polling") {
    World world(4);
    auto& server = world.add_host(
        testing::test_host("server", 1, {"phy", "eth", "arp", "ipv4", "tcp", "http"}));
    auto& client = world.add_host(testing::test_host("client", 2, testing::ws_stack, {"sio"}));
    world.add_link("cable", client, server, {});
    PollingOnlyServer api;
    api.world = &world;
    api.http = server.http();
    server.http()->route(80, "/socket.io/", &api, trace::no_event);
    client.sio()->connect(server.ip(), 80, "server", trace::no_event, {.polling = true});
    world.at(seconds(1), [&] {
        client.sio()->emit("chat", Json::array({"still polling"}), true, trace::no_event);
    });
    world.run_until(seconds(2));

    const auto v = lines(world.trace());
    const auto c = client.id();
    const std::size_t refused = find(v, c, "HTTP/1.1 400 Bad Request");
    const std::size_t failed = find(v, c, "Socket.IO client: upgrade failed, staying on polling");
    const std::size_t ack = find(v, c, "ACK 0 [\"seen\"] received", failed);
    CHECK(refused != std::string::npos);
    CHECK(failed != std::string::npos);
    CHECK(ack != std::string::npos);
    REQUIRE(ack > 0);
    CHECK(v[ack - 1].text.starts_with("HTTP/1.1 200 OK")); // the ack came in a poll's answer
    CHECK(client.sio()->client_connected(0));
    CHECK(find(v, c, "Socket.IO client: transport upgraded") == std::string::npos);
}

// A web server with nothing at /socket.io/ answers the handshake GET 404: the client reports
// it as socket.io-client does ("xhr poll error", the engine's TransportError) and backs off.
// Its requests name the simulated browser (User-Agent, as the simulator's HTTP poller).
TEST_CASE("SioStage: a refused polling handshake is connect_error (xhr poll error)") {
    World world(6);
    auto& server = world.add_host(
        testing::test_host("server", 1, {"phy", "eth", "arp", "ipv4", "tcp", "http"}));
    auto& client = world.add_host(testing::test_host("client", 2, testing::ws_stack, {"sio"}));
    world.add_link("cable", client, server, {});
    server.http()->serve(80, "/index.html", "hello", trace::no_event);
    client.sio()->connect(server.ip(), 80, "server", trace::no_event, {.polling = true});
    world.run_until(seconds(3));

    const auto& t = world.trace();
    const auto v = lines(t);
    const auto c = client.id();
    const std::size_t refused = find(v, c, "HTTP/1.1 404");
    REQUIRE(refused != std::string::npos);
    CHECK(find(v, c, "Socket.IO client: connect_error (xhr poll error)", refused) !=
          std::string::npos);
    CHECK(find(v, c, "Socket.IO client: reconnect_error (xhr poll error)", refused) !=
          std::string::npos);
    CHECK(find(v, c, "Socket.IO client: connect_error (transport error)") == std::string::npos);
    bool named = false;
    for (const auto& e : t.events()) {
        if (e.kind != trace::Kind::message || e.node != c || e.aux == 1) continue;
        const auto b = t.pdu_bytes(e.pdu);
        const std::string bytes(b.begin(), b.end());
        if (!bytes.starts_with("GET /socket.io/")) continue;
        CHECK(bytes.find("\r\nUser-Agent: " + std::string(HttpStage::user_agent) + "\r\n") !=
              std::string::npos);
        named = true;
    }
    CHECK(named);
}
