// SioStage's client fast path: a received plain event goes straight from the WebSocket into
// the client's received list (Client::receive_plain_event), its client found through a
// one-entry cache of WebSocket session -> client. Two clients on one host take turns in
// that cache; a cut link ends both sessions and new ones replace them: every client must get
// exactly its own events, none through a session that is gone.
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

// "alert one", ...: what client `i` of `h` received, in order.
std::vector<std::string> got(Host& h, std::size_t i) {
    std::vector<std::string> out;
    for (const auto& [name, args] : h.sio()->client_received(i))
        out.push_back(name + " " + args.json()[0].get<std::string>());
    return out;
}

} // namespace

TEST_CASE("SioStage: two clients of a host and a reconnect, each gets exactly its events") {
    World world(5);
    const auto host = [&](std::string name, std::uint8_t last) -> Host& {
        return world.add_host(
            testing::test_host(std::move(name), last, testing::ws_stack, {"sio"}));
    };
    auto& server = host("server", 1);
    auto& a = host("a", 2);
    auto& b = host("b", 3);
    auto& sw = world.add_switch("sw");
    world.add_link("ls", server, sw, {});
    auto& cable = world.add_link("la", a, sw, {});
    world.add_link("lb", b, sw, {});
    server.sio()->listen(80, trace::no_event);
    a.sio()->connect(server.ip(), 80, "server", trace::no_event);
    a.sio()->connect(server.ip(), 80, "server", trace::no_event);
    b.sio()->connect(server.ip(), 80, "server", trace::no_event);
    auto say = [&](Time at, std::string what) {
        world.at(at, [&server, what] {
            server.sio()->broadcast("alert", Json::array({what}), trace::no_event);
        });
    };
    say(ms(300), "one");
    say(ms(310), "two");
    // a's second client asks (an ack comes back the long way, between broadcasts).
    world.at(ms(320), [&] { a.sio()->emit("ask", Json::array({1}), true, trace::no_event); });
    say(ms(330), "three");
    world.run_until(ms(500));
    REQUIRE(a.sio()->client_count() == 2);
    const std::vector<std::string> first{"alert one", "alert two", "alert three"};
    CHECK(got(a, 0) == first);
    CHECK(got(a, 1) == first);
    CHECK(got(b, 0) == first);

    // a's link goes: both its sessions end with a ping timeout while b hears on; the old
    // connections' data retransmitted once the link is back must reach no new session.
    // Whenever a client of a changes sessions (drops one, opens the next), a message and a
    // close on each WebSocket session its clients do not use (the dropped ones among them)
    // must reach neither: no event, no session given up.
    world.at(seconds(1), [&] { cable.cut(); });
    say(seconds(2), "lost");
    world.at(seconds(70), [&] { cable.restore(); });
    const std::string ghost = R"(42["alert","ghost"])";
    const wire::ByteView bytes{reinterpret_cast<const std::uint8_t*>(ghost.data()), ghost.size()};
    ConnId was[2] = {a.sio()->client_conn(0), a.sio()->client_conn(1)};
    int changes = 0;
    for (Time t = seconds(1); t < seconds(150); t += ms(10)) {
        world.run_until(t);
        const ConnId now[2] = {a.sio()->client_conn(0), a.sio()->client_conn(1)};
        if (now[0] == was[0] && now[1] == was[1]) continue;
        ++changes;
        const std::size_t got0 = a.sio()->client_received(0).size();
        const std::size_t got1 = a.sio()->client_received(1).size();
        for (ConnId id = 1; id < 64; ++id) {
            if (id == now[0] || id == now[1]) continue;
            a.sio()->on_message(id, bytes, false, trace::no_event);
            a.sio()->on_close(id, trace::no_event);
        }
        CHECK(a.sio()->client_conn(0) == now[0]);
        CHECK(a.sio()->client_conn(1) == now[1]);
        CHECK(a.sio()->client_received(0).size() == got0);
        CHECK(a.sio()->client_received(1).size() == got1);
        was[0] = now[0];
        was[1] = now[1];
    }
    CHECK(changes >= 4); // each client dropped its session and started another
    REQUIRE(a.sio()->client_connected(0));
    REQUIRE(a.sio()->client_connected(1));
    say(seconds(151), "four");
    say(seconds(151) + ms(5), "five");
    world.run_until(seconds(152));
    const std::vector<std::string> then{"alert one", "alert two", "alert three", "alert four",
                                        "alert five"};
    CHECK(got(a, 0) == then);
    CHECK(got(a, 1) == then);
    CHECK(got(b, 0) == std::vector<std::string>{"alert one", "alert two", "alert three",
                                                "alert lost", "alert four", "alert five"});
}
