// ServerConfig::share_broadcast_frames: a broadcast's Engine.IO frame built once and pointed
// at by every WebSocket session's Transmit. Two servers, one sharing and one not, given the
// same input must hand out the same frames (Transmit::text()) in the same order, and the
// same poll replies; only open WebSocket sessions share, attachments never do.
#include "sim/proto/sio/socketio_server.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace wirelab::sio;
using namespace wirelab::sio::socketio;

namespace {

struct Sent {
    ConnId conn;
    bool binary;
    std::string text;
    bool close_after;
    bool operator==(const Sent&) const = default;
};

// Both servers, fed the same calls; each output drained and compared as it comes.
struct Pair {
    Server plain{config(false)};
    Server sharing{config(true)};
    std::size_t last_polls = 0; // poll replies in the last drain

    static ServerConfig config(bool share) {
        ServerConfig c;
        c.share_broadcast_frames = share;
        return c;
    }
    template <class F> void both(F&& f) {
        f(plain);
        f(sharing);
    }
    // The transmits of both, checked equal; returns the sharing server's.
    std::vector<Transmit> drain() {
        auto a = plain.transmits();
        auto b = sharing.transmits();
        std::vector<Sent> sa, sb;
        for (const auto& t : a) {
            CHECK(t.shared == nullptr);
            sa.push_back({t.conn, t.frame.binary, std::string(t.text()), t.close_after});
        }
        for (const auto& t : b) {
            if (t.shared) CHECK(t.frame.data.empty());
            sb.push_back({t.conn, t.frame.binary, std::string(t.text()), t.close_after});
        }
        CHECK(sa == sb);
        auto pa = plain.poll_replies();
        auto pb = sharing.poll_replies();
        REQUIRE(pa.size() == pb.size());
        last_polls = pb.size();
        for (std::size_t i = 0; i < pa.size(); ++i) {
            CHECK(pa[i].conn == pb[i].conn);
            CHECK(pa[i].reply.body == pb[i].reply.body);
        }
        CHECK(plain.closes() == sharing.closes());
        return b;
    }
    std::vector<ServerEvent> events() {
        auto a = plain.events();
        auto b = sharing.events();
        REQUIRE(a.size() == b.size());
        return b;
    }
};

std::size_t count_shared(const std::vector<Transmit>& ts) {
    std::size_t n = 0;
    for (const auto& t : ts)
        n += t.shared != nullptr;
    return n;
}

} // namespace

TEST_CASE("share_broadcast_frames: the same frames, one text per broadcast") {
    Pair s;
    // Three WebSocket sessions connected to "/", one to "/admin" too.
    s.both([](Server& server) { server.add_namespace("/admin"); });
    std::vector<ConnId> conns;
    for (int i = 0; i < 3; ++i) {
        ConnId a = 0, b = 0;
        s.both([&](Server& server) { (&server == &s.plain ? a : b) = server.accept(0); });
        REQUIRE(a == b);
        conns.push_back(a);
        s.drain();
        s.both([&](Server& server) { server.receive_text(a, "40", 0); });
        s.drain();
    }
    s.both([&](Server& server) { server.receive_text(conns[2], "40/admin,", 0); });
    s.drain();
    std::vector<SocketId> sockets;
    for (const auto& e : s.events())
        if (e.kind == ServerEvent::Kind::connection && e.nsp == "/") sockets.push_back(e.socket);
    REQUIRE(sockets.size() == 3);
    s.both([&](Server& server) {
        server.join(sockets[0], "r");
        server.join(sockets[2], "r");
    });

    // io.to("r").emit: two sessions, one shared text.
    s.both([](Server& server) { server.to_room_emit("/", "r", "news", Json::array({1, "x"})); });
    auto out = s.drain();
    REQUIRE(out.size() == 2);
    REQUIRE(count_shared(out) == 2);
    CHECK(out[0].shared == out[1].shared);
    CHECK(out[0].text() == R"(42["news",1,"x"])");

    // ... except a socket; socket.broadcast.emit; io.emit.
    s.both([&](Server& server) {
        server.to_room_emit("/", "r", "news", Json::array({2}), sockets[0]);
    });
    out = s.drain();
    REQUIRE(out.size() == 1);
    CHECK(out[0].conn == conns[2]);
    CHECK(out[0].shared);
    s.both([&](Server& server) { server.broadcast_emit(sockets[1], "chat", Json::array({"hi"})); });
    out = s.drain();
    REQUIRE(out.size() == 2);
    CHECK(count_shared(out) == 2);
    CHECK(out[0].shared == out[1].shared);
    s.both([](Server& server) { server.emit_all("/admin", "alert", Json::array({true})); });
    out = s.drain();
    REQUIRE(out.size() == 1);
    CHECK(out[0].text() == R"(42/admin,["alert",true])");
    CHECK(out[0].shared);

    // With attachments nothing is shared: the placeholder packet and its binary frames.
    s.both([](Server& server) {
        server.emit_all("/", "blob", Json::array({Json::binary({1, 2, 3})}));
    });
    out = s.drain();
    REQUIRE(out.size() == 6);
    CHECK(count_shared(out) == 0);
    CHECK(out[1].frame.binary);

    // A single emit and an ack are never shared.
    s.both([&](Server& server) { server.emit(sockets[0], "one", Json::array()); });
    out = s.drain();
    REQUIRE(out.size() == 1);
    CHECK_FALSE(out[0].shared);

    // A session that ends: its last frame (the close) is its own.
    s.both([&](Server& server) { server.receive_text(conns[1], "1", 0); });
    s.drain();
    s.both([](Server& server) { server.emit_all("/", "after", Json::array()); });
    out = s.drain();
    REQUIRE(out.size() == 2);
    CHECK(count_shared(out) == 2);
}

TEST_CASE("share_broadcast_frames: a polling session gets its copy through its held GET") {
    Pair s;
    ConnId ws = 0, polling = 0;
    s.both([&](Server& server) { ws = server.accept(0); });
    s.drain();
    s.both([&](Server& server) { server.receive_text(ws, "40", 0); });
    s.drain();
    s.both([&](Server& server) {
        const auto hs =
            server.handle_http({"GET", "/socket.io/?EIO=4&transport=polling", "", false}, 0);
        polling = hs.conn;
        const std::string sid(server.session_id(polling));
        server.handle_http({"POST", "/socket.io/?EIO=4&transport=polling&sid=" + sid, "40", false},
                           0);
        server.handle_http({"GET", "/socket.io/?EIO=4&transport=polling&sid=" + sid, "", false}, 0);
    });
    s.drain();
    REQUIRE(s.events().size() == 2);
    // The CONNECT answer went out on the GET; hold another.
    s.both([&](Server& server) {
        const std::string sid(server.session_id(polling));
        CHECK(server
                  .handle_http({"GET", "/socket.io/?EIO=4&transport=polling&sid=" + sid, "", false},
                               0)
                  .kind == HttpReply::Kind::held);
    });
    s.both([](Server& server) { server.emit_all("/", "news", Json::array({7})); });
    auto out = s.drain(); // also compares the poll replies
    CHECK(s.last_polls == 1);
    REQUIRE(out.size() == 1);
    CHECK(out[0].conn == ws);
    CHECK(out[0].shared);
}
