// socketio::Server driven by Engine.IO client sessions: connect with auth, namespaces,
// events with acks, rooms, broadcast, bad input.
#include "sim/proto/sio/socketio_server.hpp"

#include <catch2/catch.hpp>

using namespace wirelab::sio;
using namespace wirelab::sio::socketio;

namespace {
struct Peer {
    ConnId conn = 0;
    engineio::ClientSession session;
    std::vector<std::string> received; // Socket.IO text packets
};

// Moves every queued frame between the server and the peers until quiet.
void pump(Server& server, std::vector<Peer*> peers) {
    for (int round = 0; round < 8; ++round) {
        bool moved = false;
        for (auto& t : server.transmits()) {
            for (Peer* p : peers) {
                if (p->conn != t.conn) continue;
                t.frame.binary ? p->session.receive_binary(t.frame.data, 0)
                               : p->session.receive_text(t.frame.data, 0);
                for (auto& ev : p->session.events()) {
                    if (ev.kind == engineio::SessionEvent::Kind::message)
                        p->received.push_back(ev.data);
                }
            }
            moved = true;
        }
        for (Peer* p : peers) {
            for (auto& f : p->session.frames_to_send()) {
                f.binary ? server.receive_binary(p->conn, f.data, 0)
                         : server.receive_text(p->conn, f.data, 0);
                moved = true;
            }
        }
        if (!moved) return;
    }
}

Peer connect(Server& server, const std::string& connect_packet) {
    Peer p;
    p.conn = server.accept(0);
    pump(server, {&p});
    p.session.send_text(connect_packet);
    pump(server, {&p});
    return p;
}
} // namespace

TEST_CASE("connect with auth gets the sid and a connection event") {
    Server server;
    Peer a = connect(server, R"(0{"token":"abc"})");
    REQUIRE(a.received.size() == 1);
    CHECK(a.received[0] == R"(0{"sid":"sid1"})");
    const auto events = server.events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == ServerEvent::Kind::connection);
    CHECK(events[0].data["token"] == "abc");
}

TEST_CASE("connect to an unknown namespace gets CONNECT_ERROR") {
    Server server;
    server.add_namespace("/admin");
    Peer a = connect(server, R"(0/nope,{})");
    REQUIRE(a.received.size() == 1);
    CHECK(a.received[0] == R"(4/nope,{"message":"Invalid namespace"})");
    Peer b = connect(server, R"(0/admin,{})");
    CHECK(b.received.at(0) == R"(0/admin,{"sid":"sid2"})");
}

TEST_CASE("event with an ack id reaches the app and the ack goes back") {
    Server server;
    Peer a = connect(server, "0");
    server.events();
    a.session.send_text(R"(27["chat","hi"])");
    pump(server, {&a});
    const auto events = server.events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].name == "chat");
    CHECK(events[0].args == Json::array({"hi"}));
    CHECK(events[0].ack_id == 7);
    server.ack(events[0].socket, 7, Json::array({"ok"}));
    pump(server, {&a});
    CHECK(a.received.back() == R"(37["ok"])");
}

TEST_CASE("rooms: to(room).emit, broadcast.emit and server-wide emit reach the right sockets") {
    Server server;
    Peer a = connect(server, "0");
    Peer b = connect(server, "0");
    Peer c = connect(server, "0");
    std::vector<SocketId> ids;
    for (const auto& ev : server.events())
        ids.push_back(ev.socket);
    REQUIRE(ids.size() == 3);
    server.join(ids[0], "red");
    server.join(ids[1], "red");
    server.to_room_emit("/", "red", "news", Json::array({1}));
    server.broadcast_emit(ids[0], "bc", Json::array({2}));
    server.emit_all("/", "all", Json::array({3}));
    server.leave(ids[1], "red");
    server.to_room_emit("/", "red", "late", Json::array({4}));
    pump(server, {&a, &b, &c});
    const std::vector<std::string> want_a{R"(0{"sid":"sid1"})", R"(2["news",1])", R"(2["all",3])",
                                          R"(2["late",4])"};
    const std::vector<std::string> want_b{R"(0{"sid":"sid3"})", R"(2["news",1])", R"(2["bc",2])",
                                          R"(2["all",3])"};
    const std::vector<std::string> want_c{R"(0{"sid":"sid5"})", R"(2["bc",2])", R"(2["all",3])"};
    CHECK(a.received == want_a);
    CHECK(b.received == want_b);
    CHECK(c.received == want_c);
}

TEST_CASE("binary event from the client arrives reassembled") {
    Server server;
    Peer a = connect(server, "0");
    server.events();
    a.session.send_text(R"(51-["up",{"_placeholder":true,"num":0}])");
    a.session.send_binary("\x01\x02");
    pump(server, {&a});
    const auto events = server.events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].args[0] == Json::binary({1, 2}));
}

TEST_CASE("malformed packet closes the connection and disconnects its sockets") {
    Server server;
    Peer a = connect(server, "0");
    server.events();
    a.session.send_text(R"(2["chat")");
    pump(server, {&a});
    const auto events = server.events();
    REQUIRE(events.size() == 2); // disconnecting, then disconnect
    CHECK(events[0].kind == ServerEvent::Kind::disconnecting);
    CHECK(events[1].kind == ServerEvent::Kind::disconnect);
    CHECK(events[1].reason == "forced close");
    CHECK(server.session_count() == 0);
    CHECK(a.session.state() == engineio::SessionState::closed);
}

TEST_CASE("client namespace disconnect and ping timeout end sockets with their reasons") {
    Server server;
    Peer a = connect(server, "0");
    Peer b = connect(server, "0");
    server.events();
    a.session.send_text("1");
    pump(server, {&a});
    auto events = server.events();
    REQUIRE(events.size() == 2);
    CHECK(events[1].reason == "client namespace disconnect");
    const auto t = server.poll_timeout();
    REQUIRE(t);
    server.handle_timeout(*t);                     // ping sent, nobody answers
    server.handle_timeout(*server.poll_timeout()); // ping timeout
    events = server.events();
    REQUIRE(events.size() == 2); // only b still had a socket
    CHECK(events[1].reason == "ping timeout");
}
