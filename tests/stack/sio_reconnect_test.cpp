// Reconnection over a cut link, in the world's time: the server pings every 2 s and waits
// 1 s for the pong; the link is cut; both ends give up with "ping timeout"; the client tries
// again with a growing, randomised back-off (1 s, 2 s, 4 s, capped at 5 s, each ±50 %),
// each attempt timing out (connect_error, reconnect_error) while the link is down; and it
// emits `reconnect` only once a new Engine.IO session has opened — after the restore.
#include "sim/stack/sio_stage.hpp"
#include "sim/stack/world.hpp"

#include "test_hosts.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace wirelab;
using namespace wirelab::stack;

namespace {

struct Noted {
    Time time;
    std::string text;
};

std::vector<Noted> layer7(const trace::Trace& t, trace::NodeId node, std::string_view prefix) {
    std::vector<Noted> out;
    for (const auto& e : t.events())
        if ((e.kind == trace::Kind::app || e.kind == trace::Kind::state) && e.node == node &&
            e.layer == 7 && t.text(e.text).substr(0, prefix.size()) == prefix)
            out.push_back({e.time, std::string(t.text(e.text))});
    return out;
}

bool starts(const std::string& s, std::string_view p) {
    return s.rfind(p, 0) == 0;
}

} // namespace

TEST_CASE("SioStage: reconnect_attempt with growing back-off while cut, reconnect after restore") {
    World world(5);
    auto& server = world.add_host(testing::test_host("server", 1, testing::ws_stack, {"sio"}));
    auto& client = world.add_host(testing::test_host("client", 2, testing::ws_stack, {"sio"}));
    auto& cable = world.add_link("cable", client, server, {});
    server.sio()->listen(80, trace::no_event, {2000, 1000});
    client.sio()->connect(server.ip(), 80, "server", trace::no_event, {2000});
    const Time cut = ms(4500), restore = seconds(16);
    world.at(cut, [&] { cable.cut(); });
    world.at(restore, [&] { cable.restore(); });
    world.at(seconds(9), [&] {
        client.sio()->emit("chat", sio::Json::array({"sent while down"}), false, trace::no_event);
    });
    world.run_until(seconds(30));

    const auto& t = world.trace();
    auto events = layer7(t, client.id(), "Socket.IO client: ");
    auto pings = layer7(t, client.id(), "PING received");
    // Pings at 2 s and 4 s arrived; the one at 6 s was lost, so 4 s + 2 s + 1 s without one
    // is the client's ping timeout, and the server's (its 6 s ping unanswered for 1 s) too.
    REQUIRE(pings.size() >= 2);
    const Time last_ping = pings[1].time;
    CHECK(last_ping < cut);
    REQUIRE(events.size() >= 2);
    CHECK(events[0].text == "Socket.IO client: connect");
    CHECK(events[1].text == "Socket.IO client: disconnect (ping timeout)");
    CHECK(events[1].time == last_ping + seconds(3));

    // The server traced its socket's real id on the way out, the one it connected with.
    auto at_server = layer7(t, server.id(), "Socket.IO socket ");
    REQUIRE(at_server.size() >= 2);
    const std::string sid = at_server[0].text.substr(17, 20);
    CHECK(at_server[0].text == "Socket.IO socket " + sid + " connected to /");
    CHECK(at_server[1].text == "Socket.IO socket " + sid + " disconnected (ping timeout)");
    CHECK(at_server[1].time > cut);
    CHECK(at_server[1].time < restore);

    // While down: attempt n waits 1 s * 2^(n-1) (at most 5 s), randomised by ±50 %, then
    // times out after 2 s: connect_error (timeout), reconnect_error (timeout).
    int attempts = 0;
    Time reconnected = 0;
    double previous_nominal = 0;
    for (std::size_t i = 2; i < events.size(); ++i) {
        const auto& e = events[i];
        INFO(e.text);
        if (starts(e.text, "Socket.IO client: reconnect_attempt ")) {
            ++attempts;
            CHECK(starts(e.text, "Socket.IO client: reconnect_attempt " + std::to_string(attempts) +
                                     " (after "));
            const double waited = std::stod(e.text.substr(e.text.find("(after ") + 7));
            const double nominal = std::min(1.0 * (1 << (attempts - 1)), 5.0);
            CHECK(waited >= nominal * 0.5);
            CHECK(waited <= std::min(nominal * 1.5, 5.0));
            CHECK(nominal >= previous_nominal);
            previous_nominal = nominal;
            if (e.time < restore) {
                REQUIRE(i + 2 < events.size());
                CHECK(events[i + 1].text == "Socket.IO client: connect_error (timeout)");
                CHECK(events[i + 1].time == e.time + seconds(2));
                CHECK(events[i + 2].text == "Socket.IO client: reconnect_error (timeout)");
            }
        } else if (starts(e.text, "Socket.IO client: reconnect ")) {
            CHECK(e.text ==
                  "Socket.IO client: reconnect (after " + std::to_string(attempts) + " attempts)");
            reconnected = e.time;
            break;
        }
    }
    CHECK(attempts >= 3);
    CHECK(reconnected > restore);
    CHECK(events.back().text == "Socket.IO client: connect");
    CHECK(client.sio()->client_connected(0));
    // The emit buffered while down went out on the new session, after the reconnect.
    auto chat_sent = layer7(t, client.id(), "EVENT \"chat\" [\"sent while down\"] sent");
    REQUIRE(chat_sent.size() == 1);
    CHECK(chat_sent[0].time >= reconnected);
    auto chat_got = layer7(t, server.id(), "EVENT \"chat\" [\"sent while down\"] received");
    CHECK(chat_got.size() == 1);
    // Nothing from the dead connection reached the new session: every PONG the client sent
    // after reconnecting answers a PING of the new session (one per ping interval).
    auto pongs = layer7(t, client.id(), "PONG sent");
    int pongs_after = 0, pings_after = 0;
    for (const auto& p : pongs)
        pongs_after += p.time > reconnected;
    for (const auto& p : layer7(t, client.id(), "PING received"))
        pings_after += p.time > reconnected;
    CHECK(pongs_after == pings_after);
    auto server_pongs = layer7(t, server.id(), "PONG received");
    int server_pongs_after = 0;
    for (const auto& p : server_pongs)
        server_pongs_after += p.time > reconnected;
    CHECK(server_pongs_after == pings_after);
}
