// WsStage's receive path traces every frame whole, from the bytes as they came, however TCP
// cuts them: frames larger than a segment arrive in pieces (the rest of a partial frame
// waits in the session), small ones whole in one chunk (read in place).
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

struct Collect final : WsUser {
    std::vector<std::string> texts;
    ConnId server_conn = no_conn;
    void on_open(ConnId id, bool client, trace::EventId) override {
        if (!client) server_conn = id;
    }
    void on_message(ConnId, wire::ByteView data, bool, trace::EventId) override {
        texts.emplace_back(data.begin(), data.end());
    }
    void on_close(ConnId, trace::EventId) override {}
};

wire::ByteView bytes(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

} // namespace

TEST_CASE("WsStage receive: frames cut by TCP and whole ones are each traced once, whole") {
    World world(11);
    auto& client = world.add_host(testing::test_host("client", 1, testing::ws_stack));
    auto& server = world.add_host(testing::test_host("server", 2, testing::ws_stack));
    world.add_link("cable", client, server, {});
    Collect at_client, at_server;
    client.ws()->set_user(&at_client);
    server.ws()->set_user(&at_server);
    server.ws()->listen(80, "/", trace::no_event);
    client.ws()->connect(server.ip(), 80, "server", "/", trace::no_event);
    const std::vector<std::string> sent{std::string(5000, 'a'), "small", std::string(3000, 'b'),
                                        "x", std::string(200, 'c')};
    world.at(ms(100), [&] {
        for (const auto& s : sent)
            REQUIRE(server.ws()->send_to(at_server.server_conn, bytes(s), false, trace::no_event));
    });
    world.run_until(seconds(1));
    CHECK(at_client.texts == sent);

    // The client's received WebSocket messages: one per frame, each the frame's bytes.
    const auto& t = world.trace();
    std::vector<std::string> traced;
    for (const auto& e : t.events()) {
        if (e.kind != trace::Kind::message || e.node != client.id() || e.aux != 1 || e.layer != 5)
            continue;
        const auto b = t.pdu_bytes(e.pdu);
        if (b.empty() || b[0] != 0x81) continue; // the 101 response is a message too
        traced.emplace_back(b.begin(), b.end());
    }
    REQUIRE(traced.size() == sent.size());
    for (std::size_t i = 0; i < sent.size(); ++i) {
        const std::size_t header = sent[i].size() < 126 ? 2 : 4;
        CHECK(traced[i].size() == header + sent[i].size());
        CHECK(traced[i].substr(header) == sent[i]);
    }
}
