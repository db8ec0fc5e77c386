// A Socket.IO broadcast with its frame built once (SioServerOptions::share_broadcast_frames,
// on by default) against the same run with a frame per socket: the traces must be the same
// to the byte, with plain and permessage-deflate sessions mixed (a deflate session falls
// back to the connection's own send), rooms, io.emit and a chat relayed by
// socket.broadcast.emit, and when the trace's memo evicts the broadcast's frame with its
// own Socket.IO text on every send (then every send stores its own PDU, as without sharing).
#include "sim/stack/sio_stage.hpp"
#include "sim/stack/switch.hpp"
#include "sim/stack/world.hpp"

#include "test_hosts.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <set>
#include <string>
#include <vector>

using namespace wirelab;
using namespace wirelab::stack;
using sio::Json;

namespace {

struct Run {
    std::uint64_t hash = 0;
    std::vector<std::size_t> received; // events per client
    std::set<trace::PduId> alert_pdus; // the server's sent frames carrying "alert"
    std::size_t alert_sends = 0;
};

Run run(bool share, const std::string& payload) {
    World world(3);
    auto& server =
        world.add_host(testing::test_host("server", 1, testing::ws_stack, {"deflate", "sio"}));
    auto& sw = world.add_switch("sw");
    world.add_link("ls", server, sw, {});
    std::vector<Host*> clients;
    for (std::uint8_t i = 0; i < 6; ++i) {
        std::vector<std::string> extra{"sio"};
        if (i == 2) extra.insert(extra.begin(), "deflate"); // one compressed session
        clients.push_back(&world.add_host(
            testing::test_host("c" + std::to_string(i), 10 + i, testing::ws_stack, extra)));
        world.add_link("l" + std::to_string(i), *clients.back(), sw, {});
    }
    SioServerOptions options;
    options.share_broadcast_frames = share;
    server.sio()->listen(80, trace::no_event, options);
    for (Host* c : clients)
        c->sio()->connect(server.ip(), 80, "server", trace::no_event);
    world.at(ms(200), [&] {
        for (std::size_t i = 0; i + 1 < clients.size(); ++i) // c5 stays out of the room
            clients[i]->sio()->join("all", trace::no_event);
    });
    const Json body = Json::array({payload});
    world.at(ms(400), [&] { server.sio()->to_room("all", "alert", body, trace::no_event); });
    world.at(ms(450), [&] { server.sio()->to_room("all", "alert", body, trace::no_event); });
    world.at(ms(500), [&] { server.sio()->broadcast("alert", body, trace::no_event); });
    world.at(ms(550),
             [&] { clients[5]->sio()->emit("chat", Json::array({"hi"}), true, trace::no_event); });
    world.run_until(ms(1000));

    Run r;
    const trace::Trace& t = world.trace();
    r.hash = t.hash();
    for (Host* c : clients)
        r.received.push_back(c->sio()->client_received(0).size());
    for (const trace::Event& e : t.events()) {
        if (e.kind != trace::Kind::message || e.node != server.id() || e.aux != 0) continue;
        const auto bytes = t.pdu_bytes(e.pdu);
        const std::string text(bytes.begin(), bytes.end());
        if (text.find("alert") == std::string::npos || bytes[0] != 0x81) continue;
        r.alert_pdus.insert(e.pdu);
        ++r.alert_sends;
    }
    return r;
}

// Where World's memo puts a key (world.cpp: memo_slot, 1024 slots): the broadcast's frame
// text is looked up with the Socket.IO text's tag, its WebSocket frame with the message's.
std::size_t memo_index(std::string_view key, std::uint64_t tag) {
    const std::uint64_t h = std::hash<std::string_view>{}(key) ^ (tag * 0x9E3779B97F4A7C15ull);
    return h % 1024;
}

} // namespace

TEST_CASE("a broadcast's shared frame: the same trace as a frame per socket") {
    const std::string payload(88, 'n');
    const Run shared = run(true, payload);
    const Run single = run(false, payload);
    CHECK(shared.hash == single.hash);
    CHECK(shared.received == single.received);
    // Three alerts for c0..c4 (two to the room, one to all), c5 the io.emit; everyone but
    // c5 the chat.
    CHECK(shared.received == std::vector<std::size_t>{4, 4, 4, 4, 4, 1});
    // The plain sessions' copies of one frame share the trace's PDU (the memo's), c2's
    // compressed frames are their own.
    CHECK(shared.alert_sends == 4 + 4 + 5);
    CHECK(shared.alert_pdus.size() < 4);
}

TEST_CASE("a broadcast's shared frame: the memo evicting it on every send, as without sharing") {
    // A payload whose Engine.IO text and WebSocket frame fall in the same memo slot.
    std::string payload;
    for (int i = 0; i < 200000 && payload.empty(); ++i) {
        const std::string p = "p" + std::to_string(i);
        const std::string text = "42[\"alert\",\"" + p + "\"]";
        std::string frame{'\x81', static_cast<char>(text.size())};
        frame += text;
        if (memo_index(text, std::uint64_t{1} << 63) ==
            memo_index(frame, std::uint64_t{5} << 32 | 2))
            payload = p;
    }
    REQUIRE_FALSE(payload.empty());
    const Run shared = run(true, payload);
    const Run single = run(false, payload);
    CHECK(shared.hash == single.hash);
    CHECK(shared.received == single.received);
    // Every send missed in the memo and stored its frame again (if not, memo_index above no
    // longer matches World's memo and this test no longer tests the eviction).
    CHECK(shared.alert_pdus.size() == shared.alert_sends);
}
