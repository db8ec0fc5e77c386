// The WsUser hook: an upper layer on the WebSocket sessions gets open / message / close,
// sends with send_to and closes with close_conn; WsStage's own echo is off meanwhile.
#include "sim/stack/tcp_stage.hpp"
#include "sim/stack/world.hpp"
#include "sim/stack/ws_stage.hpp"

#include "test_hosts.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace wirelab;
using namespace wirelab::stack;

namespace {

HostConfig user_host(std::string name, std::uint8_t last, std::vector<std::string> extra) {
    return testing::test_host(std::move(name), last, testing::ws_stack, std::move(extra));
}

struct Recorder final : WsUser {
    std::vector<std::string> log;
    WsStage* ws = nullptr;
    bool reply = false;
    void on_open(ConnId, bool client, trace::EventId) override {
        log.push_back(client ? "open client" : "open server");
    }
    void on_message(ConnId id, wire::ByteView data, bool binary, trace::EventId cause) override {
        std::string text(data.begin(), data.end());
        log.push_back((binary ? "binary " : "text ") + text);
        if (reply) {
            std::string answer = "re:" + text;
            ws->send_to(id, {reinterpret_cast<const std::uint8_t*>(answer.data()), answer.size()},
                        false, cause);
        }
    }
    void on_close(ConnId, trace::EventId) override { log.push_back("close"); }
};

} // namespace

TEST_CASE("WsUser: open, messages both ways, close, and the echo app stays quiet") {
    World world(3);
    auto& client = world.add_host(user_host("client", 1, {}));
    auto& server = world.add_host(user_host("server", 2, {"app"})); // echo would answer twice
    world.add_link("cable", client, server, {});
    Recorder at_client, at_server;
    at_client.ws = client.ws();
    at_server.ws = server.ws();
    at_server.reply = true;
    client.ws()->set_user(&at_client);
    server.ws()->set_user(&at_server);
    server.ws()->listen(80, "/socket.io/", trace::no_event);
    ConnId id =
        client.ws()->connect(server.ip(), 80, "server", "/socket.io/?EIO=4", trace::no_event);
    CHECK_FALSE(client.ws()->send_to(id, {}, false, trace::no_event)); // not open yet
    world.at(ms(100), [&] {
        const std::string hi = "hi";
        CHECK(client.ws()->send_to(id,
                                   {reinterpret_cast<const std::uint8_t*>(hi.data()), hi.size()},
                                   false, trace::no_event));
    });
    world.at(ms(200), [&] { CHECK(client.ws()->close_conn(id, 1000, trace::no_event)); });
    world.run_until(seconds(1));
    CHECK(at_client.log == std::vector<std::string>{"open client", "text re:hi", "close"});
    CHECK(at_server.log == std::vector<std::string>{"open server", "text hi", "close"});
    // The query string does not hide the endpoint's path.
    for (const auto& e : world.trace().events())
        if (e.kind == trace::Kind::app)
            CHECK(world.trace().text(e.text).find("no WebSocket endpoint") ==
                  std::string_view::npos);
    CHECK_FALSE(client.ws()->send_to(id, {}, false, trace::no_event)); // closed
}
