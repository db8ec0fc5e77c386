// socketio::Server's rooms, held per room as members in socket order with their sessions:
// joins out of order, twice, leaves, a room emptied and filled again, a member that
// disconnects while the others stay, and a socket of another namespace on the same
// session; every to(room).emit must reach exactly the members' connections.
#include "sim/proto/sio/socketio_server.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

using namespace wirelab::sio;
using namespace wirelab::sio::socketio;

namespace {

struct Net {
    Server server;
    std::map<ConnId, engineio::ClientSession> peers;
    std::map<ConnId, std::vector<std::string>> got; // Socket.IO texts per connection

    Net() { server.add_namespace("/admin"); }

    void pump() {
        for (int round = 0; round < 8; ++round) {
            bool moved = false;
            for (auto& t : server.transmits()) {
                moved = true;
                auto& s = peers.at(t.conn);
                s.receive_text(t.text(), 0);
                for (auto& ev : s.events())
                    if (ev.kind == engineio::SessionEvent::Kind::message)
                        got[t.conn].push_back(ev.data);
            }
            for (auto& [conn, s] : peers) {
                for (auto& f : s.frames_to_send()) {
                    moved = true;
                    server.receive_text(conn, f.data, 0);
                }
            }
            if (!moved) return;
        }
    }
    // A new session with a socket in `nsp`: the socket's id.
    SocketId connect(std::string_view nsp = "/", std::optional<ConnId> on = std::nullopt) {
        const ConnId conn = on ? *on : server.accept(0);
        peers.try_emplace(conn);
        pump();
        peers.at(conn).send_text(nsp == "/" ? "0" : "0" + std::string(nsp) + ",");
        pump();
        got[conn].clear();
        SocketId id = 0;
        for (const auto& e : server.events())
            if (e.kind == ServerEvent::Kind::connection) id = e.socket;
        REQUIRE(id != 0);
        conn_of[id] = conn;
        return id;
    }
    // What each connection got since the last call, by socket.
    std::map<SocketId, std::vector<std::string>> take(const std::vector<SocketId>& sockets) {
        pump();
        std::map<SocketId, std::vector<std::string>> out;
        for (SocketId s : sockets)
            out[s] = got[conn_of.at(s)];
        for (auto& [conn, texts] : got)
            texts.clear();
        return out;
    }
    std::map<SocketId, ConnId> conn_of;
};

using Got = std::map<SocketId, std::vector<std::string>>;

} // namespace

TEST_CASE("Server rooms: members in socket order, emptied and refilled, a member gone") {
    Net net;
    const SocketId a = net.connect(), b = net.connect(), c = net.connect(), d = net.connect();
    const std::vector<SocketId> all{a, b, c, d};
    // Joins out of socket order, one twice.
    net.server.join(d, "r");
    net.server.join(b, "r");
    net.server.join(c, "r");
    net.server.join(b, "r");
    CHECK(net.server.sockets_in("/", "r") == std::vector<SocketId>{b, c, d});
    net.server.to_room_emit("/", "r", "x", Json::array({1}));
    const std::vector<std::string> x{R"(2["x",1])"};
    CHECK(net.take(all) == Got{{a, {}}, {b, x}, {c, x}, {d, x}});
    // Leaving (and leaving a room one is not in) and the sender excepted.
    net.server.leave(c, "r");
    net.server.leave(a, "r");
    net.server.to_room_emit("/", "r", "x", Json::array({1}), d);
    CHECK(net.take(all) == Got{{a, {}}, {b, x}, {c, {}}, {d, {}}});
    // Emptied: the room is gone; filled again, by others.
    net.server.leave(b, "r");
    net.server.leave(d, "r");
    CHECK(net.server.sockets_in("/", "r").empty());
    net.server.to_room_emit("/", "r", "x", Json::array({1}));
    CHECK(net.take(all) == Got{{a, {}}, {b, {}}, {c, {}}, {d, {}}});
    net.server.join(c, "r");
    net.server.join(a, "r");
    net.server.to_room_emit("/", "r", "x", Json::array({1}));
    CHECK(net.take(all) == Got{{a, x}, {b, {}}, {c, x}, {d, {}}});
    // A member that disconnects leaves its rooms; a newcomer joins at the end.
    net.server.disconnect(a);
    net.take(all);
    const SocketId e = net.connect();
    net.server.join(e, "r");
    CHECK(net.server.sockets_in("/", "r") == std::vector<SocketId>{c, e});
    net.server.to_room_emit("/", "r", "x", Json::array({1}));
    CHECK(net.take({a, b, c, d, e}) == Got{{a, {}}, {b, {}}, {c, x}, {d, {}}, {e, x}});
}

TEST_CASE("Server rooms: a room of another namespace, on a session with two sockets") {
    Net net;
    const SocketId a = net.connect();
    const SocketId b = net.connect();
    const SocketId admin = net.connect("/admin", net.conn_of.at(b)); // b's session
    net.server.join(a, "r");
    net.server.join(admin, "r");
    CHECK(net.server.sockets_in("/", "r") == std::vector<SocketId>{a});
    CHECK(net.server.sockets_in("/admin", "r") == std::vector<SocketId>{admin});
    net.server.to_room_emit("/admin", "r", "x", Json::array({2}));
    CHECK(net.take({a, admin}) == Got{{a, {}}, {admin, {R"(2/admin,["x",2])"}}});
    net.server.to_room_emit("/", "r", "x", Json::array({2}));
    CHECK(net.take({a, admin}) == Got{{a, {R"(2["x",2])"}}, {admin, {}}});
}
