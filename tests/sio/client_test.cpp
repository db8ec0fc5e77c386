// socketio::Client against socketio::Server in-process: a tiny transport passes WebSocket
// messages between them on a virtual clock, opens a "WebSocket" when the client asks (or
// fails to, while the server is down), and closes it from either side.
#include "sim/proto/sio/socketio_client.hpp"
#include "sim/proto/sio/socketio_server.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>

using namespace wirelab::sio;
using namespace wirelab::sio::socketio;

namespace {
constexpr std::int64_t ms = 1'000'000;

struct Peer {
    explicit Peer(ClientConfig config) : client(std::move(config)) {}
    Client client;
    std::optional<ConnId> conn;
    std::vector<ClientEvent> events;
    std::vector<std::string> sent_text; // what the client wrote, in order
};

struct Net {
    Server server;
    std::vector<std::unique_ptr<Peer>> peers;
    std::vector<ServerEvent> server_events;
    std::int64_t now = 0;
    bool server_up = true;

    Peer& add(ClientConfig config = {}) {
        peers.push_back(std::make_unique<Peer>(std::move(config)));
        return *peers.back();
    }

    void pump() {
        for (int round = 0; round < 64; ++round) {
            bool moved = false;
            for (auto& p : peers) {
                // Frames first: a close command comes after what was written before it.
                for (auto& f : p->client.frames_to_send()) {
                    moved = true;
                    if (!p->conn) continue;
                    if (!f.binary) p->sent_text.push_back(f.data);
                    f.binary ? server.receive_binary(*p->conn, f.data, now)
                             : server.receive_text(*p->conn, f.data, now);
                }
                for (auto cmd : p->client.transport_commands()) {
                    moved = true;
                    if (cmd == TransportCommand::open) {
                        if (server_up) {
                            p->conn = server.accept(now);
                            p->client.handle_transport_open(now);
                        } else {
                            p->client.handle_transport_error(now);
                        }
                    } else if (p->conn) {
                        server.receive_transport_close(*p->conn);
                        p->conn.reset();
                    }
                }
            }
            for (auto& t : server.transmits()) {
                moved = true;
                for (auto& p : peers) {
                    if (p->conn != t.conn) continue;
                    t.frame.binary ? p->client.receive_binary(t.frame.data, now)
                                   : p->client.receive_text(t.frame.data, now);
                    if (t.close_after) {
                        p->conn.reset();
                        p->client.receive_transport_close(now);
                    }
                }
            }
            for (auto& p : peers) {
                for (auto& e : p->client.events())
                    p->events.push_back(std::move(e));
            }
            for (auto& e : server.events())
                server_events.push_back(std::move(e));
            if (!moved) return;
        }
        FAIL("the transport never went quiet");
    }

    // Runs every timer due up to `t` in time order.
    void advance_to(std::int64_t t) {
        for (;;) {
            std::optional<std::int64_t> next = server.poll_timeout();
            for (auto& p : peers) {
                const auto c = p->client.poll_timeout();
                if (c && (!next || *c < *next)) next = c;
            }
            if (!next || *next > t) break;
            now = std::max(now, *next);
            server.handle_timeout(now);
            for (auto& p : peers)
                p->client.handle_timeout(now);
            pump();
        }
        now = t;
    }

    // The server drops the TCP connection: both ends see the transport close.
    void cut(Peer& p) {
        REQUIRE(p.conn);
        server.receive_transport_close(*p.conn);
        p.conn.reset();
        p.client.receive_transport_close(now);
        pump();
    }
};

std::vector<ClientEvent> of_kind(const std::vector<ClientEvent>& events, ClientEvent::Kind k) {
    std::vector<ClientEvent> out;
    std::copy_if(events.begin(), events.end(), std::back_inserter(out),
                 [k](const ClientEvent& e) { return e.kind == k; });
    return out;
}

std::vector<std::string> kinds(const std::vector<ClientEvent>& events) {
    std::vector<std::string> out;
    for (const auto& e : events)
        out.emplace_back(to_string(e.kind));
    return out;
}

RandomSource sequence(std::vector<double> values) {
    auto state =
        std::make_shared<std::pair<std::vector<double>, std::size_t>>(std::move(values), 0);
    return [state] { return state->first.at(state->second++ % state->first.size()); };
}

SocketId socket_of(const Net& net, std::size_t nth_connection = 0) {
    std::size_t seen = 0;
    for (const auto& e : net.server_events) {
        if (e.kind == ServerEvent::Kind::connection && seen++ == nth_connection) return e.socket;
    }
    FAIL("no such connection");
    return 0;
}
} // namespace

TEST_CASE("client connects with auth and gets its sid") {
    Net net;
    ClientConfig config;
    config.auth = Json{{"token", "abc"}};
    Peer& p = net.add(config);
    p.client.connect(net.now);
    net.pump();
    REQUIRE(kinds(p.events) == std::vector<std::string>{"connect"});
    CHECK(p.client.connected());
    CHECK(p.client.sid() == "sid1");
    CHECK(p.sent_text.at(0) == R"(40{"token":"abc"})");
    REQUIRE(net.server_events.size() == 1);
    CHECK(net.server_events[0].kind == ServerEvent::Kind::connection);
    CHECK(net.server_events[0].data["token"] == "abc");
}

TEST_CASE("client emit with ack gets the server's answer") {
    Net net;
    Peer& p = net.add();
    p.client.connect(net.now);
    net.pump();
    const auto id = p.client.emit_with_ack("chat", Json::array({"hi"}));
    net.pump();
    CHECK(p.sent_text.back() == R"(420["chat","hi"])");
    const ServerEvent& ev = net.server_events.back();
    REQUIRE(ev.kind == ServerEvent::Kind::event);
    CHECK(ev.name == "chat");
    CHECK(ev.args == Json::array({"hi"}));
    REQUIRE(ev.ack_id == id);
    net.server.ack(ev.socket, *ev.ack_id, Json::array({"ok", 3}));
    net.pump();
    const auto acks = of_kind(p.events, ClientEvent::Kind::ack);
    REQUIRE(acks.size() == 1);
    CHECK(acks[0].ack_id == id);
    CHECK(acks[0].args == Json::array({"ok", 3}));

    p.client.emit("plain", Json::array({1}));
    net.pump();
    CHECK(p.sent_text.back() == R"(42["plain",1])");
    CHECK_FALSE(net.server_events.back().ack_id);
}

TEST_CASE("client receives a broadcast and answers a server ack request") {
    Net net;
    Peer& a = net.add();
    Peer& b = net.add();
    a.client.connect(net.now);
    b.client.connect(net.now);
    net.pump();
    net.server.broadcast_emit(socket_of(net, 0), "news", Json::array({"x", Json{{"n", 1}}}));
    net.pump();
    CHECK(of_kind(a.events, ClientEvent::Kind::event).empty());
    const auto got = of_kind(b.events, ClientEvent::Kind::event);
    REQUIRE(got.size() == 1);
    CHECK(got[0].name == "news");
    CHECK(got[0].args == Json::array({"x", Json{{"n", 1}}}));

    const auto id = net.server.emit_with_ack(socket_of(net, 1), "ping?", Json::array());
    net.pump();
    const auto req = of_kind(b.events, ClientEvent::Kind::event).back();
    REQUIRE(req.ack_id == id);
    b.client.ack(*req.ack_id, Json::array({"pong"}));
    net.pump();
    CHECK(net.server_events.back().kind == ServerEvent::Kind::ack);
    CHECK(net.server_events.back().args == Json::array({"pong"}));
}

TEST_CASE("client reconnects after the transport closes, delays as the reference back-off") {
    Net net;
    ClientConfig config;
    config.random = sequence({0.1, 0.25, 0.05, 0.99, 0.5});
    Peer& p = net.add(config);
    p.client.connect(net.now);
    net.pump();
    net.now = 10'000 * ms;
    net.server_up = false; // every attempt fails until the server is back
    net.cut(p);
    REQUIRE(kinds(p.events) == std::vector<std::string>{"connect", "disconnect"});
    CHECK(p.events.back().reason == "transport close");

    // Emitted while disconnected: buffered, flushed after the CONNECT on reconnection.
    p.client.emit("queued", Json::array({1}));
    const auto id = p.client.emit_with_ack("queued_ack", Json::array({2}));
    CHECK(p.client.buffered() == 2);

    // backo2 with min 1000, max 5000, jitter 0.5 on rand 0.1, 0.25, 0.05, 0.99:
    // 1000+50, 2000-250, 4000-100, min(8000+3960, 5000).
    const std::int64_t delays[] = {1050, 1750, 3900, 5000};
    std::int64_t t = net.now;
    for (int attempt = 1; attempt <= 4; ++attempt) {
        t += delays[attempt - 1] * ms;
        REQUIRE(p.client.poll_timeout() == t);
        if (attempt == 4) net.server_up = true;
        net.advance_to(t - 1);
        CHECK(of_kind(p.events, ClientEvent::Kind::reconnect_attempt).size() ==
              static_cast<std::size_t>(attempt - 1));
        net.advance_to(t);
        const auto tries = of_kind(p.events, ClientEvent::Kind::reconnect_attempt);
        REQUIRE(tries.size() == static_cast<std::size_t>(attempt));
        CHECK(tries.back().attempt == static_cast<std::uint32_t>(attempt));
    }
    CHECK(of_kind(p.events, ClientEvent::Kind::reconnect_error).size() == 3);
    CHECK(of_kind(p.events, ClientEvent::Kind::connect_error).size() == 3);
    const auto back = of_kind(p.events, ClientEvent::Kind::reconnect);
    REQUIRE(back.size() == 1);
    CHECK(back[0].attempt == 4);
    CHECK(p.events.back().kind == ClientEvent::Kind::connect);
    CHECK(p.client.connected());
    CHECK(p.client.buffered() == 0);
    CHECK_FALSE(p.client.reconnecting());

    // The server saw a second connection, then both buffered emits in order.
    REQUIRE(net.server_events.size() >= 5);
    const auto& e1 = net.server_events[net.server_events.size() - 2];
    const auto& e2 = net.server_events.back();
    CHECK(net.server_events[net.server_events.size() - 3].kind == ServerEvent::Kind::connection);
    CHECK(e1.name == "queued");
    CHECK_FALSE(e1.ack_id);
    CHECK(e2.name == "queued_ack");
    CHECK(e2.ack_id == id);

    // Back-off starts again from 1 s on the next drop (rand 0.5: floor(5) odd, +250).
    net.cut(p);
    CHECK(p.client.poll_timeout() == net.now + 1250 * ms);
}

TEST_CASE("client gives up with reconnect_failed after reconnection_attempts") {
    Net net;
    ClientConfig config;
    config.reconnection_attempts = 3;
    config.random = sequence({0.0}); // rand 0: no deviation, delays 1000, 2000, 4000
    Peer& p = net.add(config);
    p.client.connect(net.now);
    net.pump();
    net.server_up = false;
    net.cut(p);
    net.advance_to(60'000 * ms);
    CHECK(kinds(p.events) ==
          std::vector<std::string>{"connect", "disconnect", "reconnect_attempt", "connect_error",
                                   "reconnect_error", "reconnect_attempt", "connect_error",
                                   "reconnect_error", "reconnect_attempt", "connect_error",
                                   "reconnect_failed", "reconnect_error"});
    CHECK_FALSE(p.client.poll_timeout());
    CHECK_FALSE(p.client.connected());
}

TEST_CASE("client reconnects after a heartbeat timeout") {
    Net net;
    Peer& p = net.add();
    p.client.connect(net.now);
    net.pump();
    // The server stops answering: its pings no longer reach the client.
    net.server_up = false;
    p.conn.reset();
    net.advance_to(45'000 * ms); // pingInterval 25 s + pingTimeout 20 s
    const auto gone = of_kind(p.events, ClientEvent::Kind::disconnect);
    REQUIRE(gone.size() == 1);
    CHECK(gone[0].reason == "ping timeout");
    CHECK(p.client.reconnecting());
}

TEST_CASE("server disconnect stops the client, no reconnection") {
    Net net;
    Peer& p = net.add();
    p.client.connect(net.now);
    net.pump();
    net.server.disconnect(socket_of(net));
    net.pump();
    CHECK(p.events.back().kind == ClientEvent::Kind::disconnect);
    CHECK(p.events.back().reason == "io server disconnect");
    CHECK_FALSE(p.client.poll_timeout());
    CHECK_FALSE(p.conn);
}

TEST_CASE("client disconnect sends DISCONNECT and never reconnects") {
    Net net;
    Peer& p = net.add();
    p.client.connect(net.now);
    net.pump();
    p.client.disconnect();
    net.pump();
    CHECK(p.sent_text.back() == "41");
    CHECK(p.events.back().reason == "io client disconnect");
    CHECK(net.server_events.back().kind == ServerEvent::Kind::disconnect);
    CHECK(net.server_events.back().reason == "client namespace disconnect");
    CHECK_FALSE(p.client.poll_timeout());
    p.client.emit("later", Json::array());
    CHECK(p.client.buffered() == 1); // kept for a later connect(), as the reference does
}

TEST_CASE("connect to an unknown namespace gives connect_error and no reconnection") {
    Net net;
    ClientConfig config;
    config.nsp = "/nope";
    Peer& p = net.add(config);
    p.client.connect(net.now);
    net.pump();
    REQUIRE(kinds(p.events) == std::vector<std::string>{"connect_error"});
    CHECK(p.events[0].data["message"] == "Invalid namespace");
    CHECK_FALSE(p.client.poll_timeout());
}

TEST_CASE("client in a namespace with binary args") {
    Net net;
    net.server.add_namespace("/admin");
    ClientConfig config;
    config.nsp = "/admin";
    Peer& p = net.add(config);
    p.client.connect(net.now);
    net.pump();
    REQUIRE(p.client.connected());
    const std::string raw = "\x01\x02";
    p.client.emit("up", Json::array({Json::binary({1, 2})}));
    net.pump();
    CHECK(p.sent_text.back() == R"(451-/admin,["up",{"_placeholder":true,"num":0}])");
    const auto& ev = net.server_events.back();
    CHECK(ev.name == "up");
    CHECK(ev.nsp == "/admin");
    REQUIRE(ev.args.at(0).is_binary());
    CHECK(ev.args[0].get_binary().size() == raw.size());
}

TEST_CASE("client decodes WebSocket messages in place as it would through session events") {
    // Messages on the open WebSocket skip the session's event queue (plain_message): the
    // connect, an event, a parse error and its reconnect come out exactly as before.
    Client client;
    client.connect(0);
    REQUIRE(client.transport_commands() == std::vector{TransportCommand::open});
    client.handle_transport_open(0);
    client.receive_text(R"(0{"sid":"e","upgrades":[],"pingInterval":100,"pingTimeout":50})", 0);
    const auto hello = client.frames_to_send();
    REQUIRE(hello.size() == 1);
    CHECK(hello[0].data == "40");
    client.receive_text(R"(40{"sid":"s1"})", 1);
    client.receive_text(R"(42["news",1,{"a":"\u00e9"}])", 2);
    client.receive_text(R"(421["ask"])", 3);
    auto events = client.events();
    REQUIRE(kinds(events) == std::vector<std::string>{"connect", "event", "event"});
    CHECK(client.sid() == "s1");
    CHECK(events[1].name == "news");
    CHECK(events[1].args == Json::array({1, Json{{"a", "é"}}}));
    CHECK_FALSE(events[1].ack_id);
    CHECK(events[2].ack_id == 1u);
    CHECK(client.transport_commands().empty());
    client.receive_text("4[broken", 4);
    events = client.events();
    REQUIRE(kinds(events) == std::vector<std::string>{"disconnect"});
    CHECK(events[0].reason == "parse error");
    CHECK(client.transport_commands() == std::vector{TransportCommand::close});
    CHECK(client.reconnecting());
    client.receive_text(R"(42["late"])", 5); // no session any more: ignored
    CHECK(client.events().empty());
}
