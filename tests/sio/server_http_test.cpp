// socketio::Server's HTTP entry and socketio::Client over polling, in process: engine.io's
// refusals with their JSON, the polling handshake, held GETs answered by poll_replies(),
// the upgrade to a WebSocket, and a full Client <-> Server conversation that upgrades.
#include "sim/proto/sio/socketio_client.hpp"
#include "sim/proto/sio/socketio_server.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace wirelab::sio;
using namespace wirelab::sio::socketio;

namespace {
constexpr std::int64_t ms = engineio::ns_per_ms;

HttpReply get(Server& s, const std::string& query, std::int64_t now = 0) {
    return s.handle_http({"GET", "/socket.io/?" + query, "", false}, now);
}
HttpReply post(Server& s, const std::string& query, std::string body, std::int64_t now = 0) {
    return s.handle_http({"POST", "/socket.io/?" + query, std::move(body), false}, now);
}
std::string content_type(const HttpReply& r) {
    for (const auto& [k, v] : r.headers)
        if (k == "Content-Type") return v;
    return "";
}
} // namespace

TEST_CASE("HTTP refusals carry engine.io's codes and messages") {
    Server server;
    const auto check = [](const HttpReply& r, int status, const std::string& body) {
        CHECK(r.kind == HttpReply::Kind::respond);
        CHECK(r.status == status);
        CHECK(r.body == body);
    };
    check(get(server, "EIO=4&transport=carrier-pigeon"), 400,
          R"({"code":0,"message":"Transport unknown"})");
    check(get(server, "EIO=4"), 400, R"({"code":0,"message":"Transport unknown"})");
    check(get(server, "EIO=4&transport=polling&sid=nope"), 400,
          R"({"code":1,"message":"Session ID unknown"})");
    check(post(server, "EIO=4&transport=polling", "40"), 400,
          R"({"code":2,"message":"Bad handshake method"})");
    check(get(server, "EIO=4&transport=websocket"), 400, R"({"code":3,"message":"Bad request"})");
    check(get(server, "EIO=3&transport=polling"), 400,
          R"({"code":5,"message":"Unsupported protocol version"})");
    CHECK(content_type(get(server, "EIO=3&transport=polling")) == "application/json");
    CHECK(server.handle_http({"GET", "/other/?EIO=4&transport=polling", "", false}, 0).status ==
          404);
    // A probe (WebSocket upgrade) for an unknown sid is refused before the 101.
    check(
        server.handle_http({"GET", "/socket.io/?EIO=4&transport=websocket&sid=nope", "", true}, 0),
        400, R"({"code":1,"message":"Session ID unknown"})");
    CHECK(server.session_count() == 0);
}

TEST_CASE("polling handshake, CONNECT by POST, the answer through the held GET") {
    Server server;
    const auto hs = get(server, "EIO=4&transport=polling&t=abc");
    REQUIRE(hs.kind == HttpReply::Kind::respond);
    CHECK(hs.status == 200);
    CHECK(content_type(hs) == "text/plain; charset=UTF-8");
    CHECK(
        hs.body ==
        R"(0{"sid":"sid0","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})");
    CHECK(server.session_id(hs.conn) == "sid0");
    CHECK(server.transport(hs.conn) == engineio::Transport::polling);

    const auto held = get(server, "EIO=4&transport=polling&sid=sid0");
    CHECK(held.kind == HttpReply::Kind::held);
    CHECK(held.conn == hs.conn);
    CHECK(server.poll_replies().empty());

    const auto ok = post(server, "EIO=4&transport=polling&sid=sid0", "40");
    CHECK(ok.status == 200);
    CHECK(ok.body == "ok");
    CHECK(content_type(ok) == "text/html");
    const auto events = server.events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == ServerEvent::Kind::connection);
    auto replies = server.poll_replies();
    REQUIRE(replies.size() == 1);
    CHECK(replies[0].conn == hs.conn);
    CHECK(replies[0].reply.body == R"(40{"sid":"sid1"})");
    CHECK(server.transmits().empty()); // nothing on a WebSocket

    // A request on the wrong transport for this session.
    CHECK(
        server.handle_http({"GET", "/socket.io/?EIO=4&transport=websocket&sid=sid0", "", false}, 0)
            .body == R"({"code":3,"message":"Bad request"})");
    CHECK(server.handle_http({"PUT", "/socket.io/?EIO=4&transport=polling&sid=sid0", "", false}, 0)
              .status == 500);
}

TEST_CASE("a concurrent GET closes the session: 400, the held GET gets 1, sockets disconnect") {
    Server server;
    const auto hs = get(server, "EIO=4&transport=polling");
    get(server, "EIO=4&transport=polling&sid=sid0");
    post(server, "EIO=4&transport=polling&sid=sid0", "40");
    server.poll_replies();
    server.events();
    CHECK(get(server, "EIO=4&transport=polling&sid=sid0").kind == HttpReply::Kind::held);
    const auto second = get(server, "EIO=4&transport=polling&sid=sid0");
    CHECK(second.status == 400);
    const auto replies = server.poll_replies();
    REQUIRE(replies.size() == 1);
    CHECK(replies[0].reply.body == "1");
    const auto events = server.events();
    REQUIRE(events.size() == 2);
    CHECK(events[1].kind == ServerEvent::Kind::disconnect);
    CHECK(events[1].reason == "transport error");
    CHECK(server.session_count() == 0);
    CHECK(get(server, "EIO=4&transport=polling&sid=sid0").body ==
          R"({"code":1,"message":"Session ID unknown"})");
    (void)hs;
}

TEST_CASE("an oversize POST gets 413 and ends the session") {
    ServerConfig config;
    config.max_payload = 100;
    Server server(config);
    get(server, "EIO=4&transport=polling");
    const auto r = post(server, "EIO=4&transport=polling&sid=sid0", std::string(101, '4'));
    CHECK(r.status == 413);
    CHECK(server.session_count() == 0);
}

TEST_CASE("the upgrade through the server: probe WebSocket, noop, 5, then frames") {
    Server server;
    const ConnId conn = get(server, "EIO=4&transport=polling").conn;
    post(server, "EIO=4&transport=polling&sid=sid0", "40");
    const auto ws =
        server.handle_http({"GET", "/socket.io/?EIO=4&transport=websocket&sid=sid0", "", true}, 0);
    REQUIRE(ws.kind == HttpReply::Kind::upgrade);
    CHECK(ws.conn == conn);
    // The CONNECT answer waits for a GET; the GET takes it at once.
    CHECK(get(server, "EIO=4&transport=polling&sid=sid0").body == R"(40{"sid":"sid1"})");
    CHECK(get(server, "EIO=4&transport=polling&sid=sid0").kind == HttpReply::Kind::held);
    REQUIRE(server.accept_upgrade(conn, 0));
    CHECK_FALSE(server.accept_upgrade(conn, 0)); // "transport has already been trying"
    server.receive_text(conn, "2probe", 0);
    auto tx = server.transmits();
    REQUIRE(tx.size() == 1);
    CHECK(tx[0].frame.data == "3probe");
    auto replies = server.poll_replies();
    REQUIRE(replies.size() == 1);
    CHECK(replies[0].reply.body == "6");
    server.receive_text(conn, "5", 0);
    CHECK(server.transport(conn) == engineio::Transport::websocket);
    const SocketId socket = server.events().at(0).socket;
    server.emit(socket, "news", Json::array({1}));
    tx = server.transmits();
    REQUIRE(tx.size() == 1);
    CHECK(tx[0].frame.data == R"(42["news",1])");
    CHECK(server.poll_replies().empty());
    CHECK(get(server, "EIO=4&transport=polling&sid=sid0").status == 400);
    // A second upgrade on the upgraded session is refused.
    CHECK_FALSE(server.accept_upgrade(conn, 0));
    // The WebSocket going away now ends the session.
    server.receive_transport_close(conn);
    CHECK(server.session_count() == 0);
}

TEST_CASE("a failed probe asks the caller to close the probe WebSocket, polling goes on") {
    Server server;
    const ConnId conn = get(server, "EIO=4&transport=polling").conn;
    REQUIRE(server.accept_upgrade(conn, 0));
    server.receive_text(conn, "4garbage", 0);
    CHECK(server.closes() == std::vector<ConnId>{conn});
    CHECK(server.session_count() == 1);
    CHECK(server.transport(conn) == engineio::Transport::polling);
}

TEST_CASE("a WebSocket session ending on a ping timeout is in closes()") {
    ServerConfig config;
    config.ping_interval_ms = 100;
    config.ping_timeout_ms = 50;
    Server server(config);
    const ConnId conn = server.accept(0);
    server.transmits();
    server.handle_timeout(100 * ms);
    server.transmits(); // the ping
    server.handle_timeout(150 * ms);
    CHECK(server.closes() == std::vector<ConnId>{conn});
}

// ---- Client <-> Server over polling, upgraded ---------------------------------------------

namespace {
// Plays the caller of both engines: HTTP requests in flight, the probe WebSocket, frames.
struct Wire {
    Server& server;
    Client& client;
    ConnId conn = 0;
    bool ws_open = false;
    int gets = 0, posts = 0, upgrades = 0;

    void run(std::int64_t now) {
        for (int round = 0; round < 50; ++round) {
            bool moved = false;
            auto reqs = client.http_requests();
            std::size_t next_req = 0;
            for (const TransportCommand c : client.transport_commands()) {
                moved = true;
                if (c == TransportCommand::http_request) {
                    const auto& r = reqs.at(next_req++);
                    (r.method == "GET" ? gets : posts)++;
                    const auto reply = server.handle_http(
                        {r.method, "/socket.io/?" + r.query, r.body, false}, now);
                    conn = reply.conn ? reply.conn : conn;
                    if (reply.kind == HttpReply::Kind::held) continue;
                    client.receive_http_response(r.method, reply.status, reply.body, now);
                } else if (c == TransportCommand::open_upgrade) {
                    ++upgrades;
                    const auto reply = server.handle_http(
                        {"GET", "/socket.io/?" + client.upgrade_query(), "", true}, now);
                    REQUIRE(reply.kind == HttpReply::Kind::upgrade);
                    REQUIRE(server.accept_upgrade(reply.conn, now));
                    ws_open = true;
                    client.handle_upgrade_open(now);
                } else if (c == TransportCommand::close_upgrade || c == TransportCommand::close) {
                    ws_open = false;
                }
            }
            for (auto& f : client.frames_to_send()) {
                moved = true;
                REQUIRE(ws_open);
                server.receive_text(conn, f.data, now);
            }
            for (auto& r : server.poll_replies()) {
                moved = true;
                client.receive_http_response("GET", r.reply.status, r.reply.body, now);
            }
            for (auto& t : server.transmits()) {
                moved = true;
                REQUIRE(ws_open);
                client.receive_text(t.frame.data, now);
            }
            if (!moved) return;
        }
    }
};
} // namespace

TEST_CASE("Client polling then upgrade: connect, emit with ack, server push, heartbeat") {
    Server server;
    ClientConfig config;
    config.transports = Transports::polling_then_upgrade;
    Client client(config);
    Wire wire{server, client};
    client.connect(0);
    client.emit_with_ack("hello", Json::array({"world"}));
    wire.run(0);
    CHECK(client.connected());
    CHECK(client.transport() == engineio::Transport::websocket);
    CHECK(wire.upgrades == 1);
    CHECK(wire.gets >= 2);  // the handshake and at least one long-poll
    CHECK(wire.posts >= 1); // the CONNECT
    auto cevents = client.events();
    REQUIRE_FALSE(cevents.empty());
    CHECK(cevents[0].kind == ClientEvent::Kind::connect);

    auto sevents = server.events();
    REQUIRE(sevents.size() == 2);
    CHECK(sevents[1].name == "hello");
    REQUIRE(sevents[1].ack_id);
    server.ack(sevents[1].socket, *sevents[1].ack_id, Json::array({"ok"}));
    server.emit(sevents[1].socket, "news", Json::array({42}));
    wire.run(0);
    cevents = client.events();
    REQUIRE(cevents.size() == 2);
    CHECK(cevents[0].kind == ClientEvent::Kind::ack);
    CHECK(cevents[1].name == "news");
    CHECK(cevents[1].args == Json::array({42}));

    // Heartbeat over the WebSocket after the upgrade.
    const auto t = server.poll_timeout();
    REQUIRE(t);
    server.handle_timeout(*t);
    wire.run(*t);
    server.handle_timeout(*t + 20000 * ms);
    CHECK(server.session_count() == 1);
}

TEST_CASE("Client polling without the server's upgrade stays on polling and still talks") {
    Server server;
    ClientConfig config;
    config.transports = Transports::polling_then_upgrade;
    Client client(config);
    Wire wire{server, client};
    client.connect(0);
    // Answer the handshake, then refuse the probe: the WebSocket cannot open.
    auto reqs = client.http_requests();
    client.transport_commands();
    auto hs = server.handle_http({"GET", "/socket.io/?" + reqs.at(0).query, "", false}, 0);
    client.receive_http_response("GET", hs.status, hs.body, 0);
    wire.conn = hs.conn;
    auto cmds = client.transport_commands();
    REQUIRE(std::find(cmds.begin(), cmds.end(), TransportCommand::open_upgrade) != cmds.end());
    client.handle_upgrade_error(0);
    cmds = client.transport_commands();
    CHECK(std::find(cmds.begin(), cmds.end(), TransportCommand::close_upgrade) != cmds.end());
    // Replay the requests queued so far through the wire.
    for (auto& r : client.http_requests()) {
        const auto reply =
            server.handle_http({r.method, "/socket.io/?" + r.query, r.body, false}, 0);
        if (reply.kind == HttpReply::Kind::respond)
            client.receive_http_response(r.method, reply.status, reply.body, 0);
    }
    wire.run(0);
    CHECK(client.connected());
    CHECK(client.transport() == engineio::Transport::polling);
    const auto socket = server.events().at(0).socket;
    server.emit(socket, "news", Json::array({"polling"}));
    wire.run(0);
    const auto ev = client.events();
    REQUIRE_FALSE(ev.empty());
    CHECK(ev.back().name == "news");
}

// ---- acks with a timeout, disconnecting -----------------------------------------------------

namespace {
// A connected WebSocket socket on `server`, driven by a raw Engine.IO client session.
struct RawPeer {
    ConnId conn;
    SocketId socket;
    engineio::ClientSession session;
};
RawPeer raw_connect(Server& server) {
    RawPeer p{server.accept(0), 0, {}};
    for (auto& t : server.transmits())
        p.session.receive_text(t.frame.data, 0);
    server.receive_text(p.conn, "40", 0);
    server.transmits();
    for (const auto& e : server.events())
        if (e.kind == ServerEvent::Kind::connection) p.socket = e.socket;
    return p;
}
} // namespace

TEST_CASE("socket.timeout(ms).emit: no answer in time gives operation has timed out") {
    Server server;
    RawPeer p = raw_connect(server);
    const auto id = server.emit_with_ack(p.socket, "question", Json::array(), 500, 1000 * ms);
    CHECK(server.transmits().at(0).frame.data == R"(420["question"])");
    CHECK(server.poll_timeout() == 1500 * ms);
    server.handle_timeout(1499 * ms);
    CHECK(server.events().empty());
    server.handle_timeout(1500 * ms);
    const auto events = server.events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == ServerEvent::Kind::ack);
    CHECK(events[0].ack_id == id);
    CHECK(events[0].reason == "operation has timed out");
    // The late answer is dropped.
    server.receive_text(p.conn, "430[\"late\"]", 1600 * ms);
    CHECK(server.events().empty());
}

TEST_CASE("socket.timeout(ms).emit: an answer in time is the ack, and no timeout follows") {
    Server server;
    RawPeer p = raw_connect(server);
    const auto id = server.emit_with_ack(p.socket, "question", Json::array(), 500, 0);
    server.transmits();
    server.receive_text(p.conn, "430[\"yes\"]", 100 * ms);
    const auto events = server.events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].ack_id == id);
    CHECK(events[0].args == Json::array({"yes"}));
    CHECK(events[0].reason.empty());
    server.handle_timeout(600 * ms);
    CHECK(server.events().empty());
    CHECK(server.poll_timeout() == 25000 * ms); // only the heartbeat is left
}

TEST_CASE("an ack for an id never asked for is ignored") {
    Server server;
    RawPeer p = raw_connect(server);
    server.receive_text(p.conn, "437[1]", 0);
    CHECK(server.events().empty());
}

TEST_CASE("disconnecting comes before disconnect with the rooms the socket is still in") {
    Server server;
    RawPeer p = raw_connect(server);
    server.join(p.socket, "lobby");
    server.receive_text(p.conn, "41", 0);
    const auto events = server.events();
    REQUIRE(events.size() == 2);
    CHECK(events[0].kind == ServerEvent::Kind::disconnecting);
    CHECK(events[0].reason == "client namespace disconnect");
    CHECK(std::find(events[0].rooms.begin(), events[0].rooms.end(), "lobby") !=
          events[0].rooms.end());
    CHECK(events[0].rooms.size() == 2); // "lobby" and the socket's own room
    CHECK(events[1].kind == ServerEvent::Kind::disconnect);
    CHECK(server.sockets_in("/", "lobby").empty());
}

TEST_CASE("a transport closed without a last frame disconnects every socket of the session") {
    Server server;
    server.add_namespace("/admin");
    RawPeer p = raw_connect(server);
    server.receive_text(p.conn, "40/admin,", 0);
    server.events();
    server.transmits();
    server.receive_transport_close(p.conn);
    const auto events = server.events();
    std::vector<std::string> gone;
    for (const auto& e : events) {
        if (e.kind != ServerEvent::Kind::disconnect) continue;
        CHECK(e.reason == "transport close");
        gone.push_back(e.nsp);
    }
    CHECK(gone == std::vector<std::string>{"/", "/admin"});
    CHECK(events.size() == 4); // disconnecting + disconnect for each namespace
    CHECK(server.session_count() == 0);
    CHECK(server.transmits().empty());
}

TEST_CASE("Client on polling: disconnect() POSTs 41, then the close packet 1") {
    ClientConfig config;
    config.transports = Transports::polling_then_upgrade;
    Client client(config);
    client.connect(0);
    CHECK(client.transport_commands() == std::vector{TransportCommand::http_request});
    CHECK(client.http_requests().at(0).query == "EIO=4&transport=polling");
    client.receive_http_response(
        "GET", 200,
        R"(0{"sid":"e1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})",
        0);
    auto reqs = client.http_requests();
    REQUIRE(reqs.size() == 2); // the long-poll and the CONNECT
    CHECK(client.transport_commands().size() == 2);
    CHECK(reqs[1] == engineio::PollRequest{"POST", "EIO=4&transport=polling&sid=e1", "40"});
    client.receive_http_response("POST", 200, "ok", 0);
    client.receive_http_response("GET", 200, R"(40{"sid":"abc"})", 0);
    CHECK(client.connected());
    client.http_requests();
    client.transport_commands();
    client.disconnect();
    CHECK(client.events().back().reason == "io client disconnect");
    // The DISCONNECT drains first; the close packet goes alone once it is answered
    // (engine.io-client: Socket.close waits for "drain", then Polling.doClose).
    reqs = client.http_requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].body == "41");
    CHECK(client.transport_commands() == std::vector{TransportCommand::http_request});
    CHECK(client.closing());
    client.receive_http_response("POST", 200, "ok", 0);
    reqs = client.http_requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].body == "1");
    CHECK(client.transport_commands() == std::vector{TransportCommand::http_request});
    // The transport closes once the close POST is answered.
    client.receive_http_response("POST", 200, "ok", 0);
    CHECK(client.transport_commands() == std::vector{TransportCommand::close});
    CHECK_FALSE(client.closing());
    CHECK(client.events().empty());
}
