// HttpStage's handler hook: a handler routed on a path prefix gets the requests under it (and
// only those: other paths still go to the origin), may hold one and answer it later while the
// connection reads nothing further, and hears when the connection goes away; a handler's own
// client connection gets its responses in order.
#include "sim/stack/http_stage.hpp"
#include "sim/stack/world.hpp"

#include "test_hosts.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace wirelab;
using namespace wirelab::stack;

namespace {

const std::vector<std::string> http_stack{"phy", "eth", "arp", "ipv4", "tcp", "http"};

std::string body_of(const http::Message& m) {
    return {m.body().begin(), m.body().end()};
}

// Answers "/api/now" at once and holds "/api/wait" for 100 ms.
struct Api : HttpHandler {
    World* world = nullptr;
    HttpStage* http = nullptr;
    std::vector<std::pair<Time, std::string>> requests; // (when, target)
    std::vector<ConnId> closed;
    void on_request(ConnId id, const http::Message& m, trace::EventId cause) override {
        requests.emplace_back(world->now(), m.target);
        if (m.target == "/api/wait")
            world->at(world->now() + ms(100), [this, id] {
                http->respond(id, 200, {{"Content-Type", "text/plain"}}, "late", trace::no_event);
            });
        else
            http->respond(id, 200, {{"Content-Type", "text/plain"}}, "now:" + body_of(m), cause);
    }
    void on_response(ConnId, const http::Message&, trace::EventId) override {}
    void on_http_closed(ConnId id, trace::EventId) override { closed.push_back(id); }
};

// Records the responses of its own connection.
struct Caller : HttpHandler {
    World* world = nullptr;
    std::vector<std::pair<Time, std::string>> responses; // (when, body)
    std::vector<ConnId> closed;
    void on_request(ConnId, const http::Message&, trace::EventId) override {}
    void on_response(ConnId, const http::Message& m, trace::EventId) override {
        responses.emplace_back(world->now(), std::to_string(m.status) + " " + body_of(m));
    }
    void on_http_closed(ConnId id, trace::EventId) override { closed.push_back(id); }
};

} // namespace

TEST_CASE("HttpStage routes a prefix to a handler that answers now or later") {
    World world(1);
    auto& server = world.add_host(testing::test_host("server", 1, http_stack));
    auto& client = world.add_host(testing::test_host("client", 2, http_stack));
    world.add_link("cable", client, server, {});
    Api api;
    api.world = &world;
    api.http = server.http();
    server.http()->serve(80, "/index.html", "hello", trace::no_event);
    server.http()->route(80, "/api/", &api, trace::no_event);
    Caller caller;
    caller.world = &world;
    const ConnId id = client.http()->open(server.ip(), 80, &caller, trace::no_event);
    // Written before the connection is up: sent in order once it is; the second waits at the
    // server until the held first one is answered.
    client.http()->request(id, "GET", "/api/wait", {{"Host", "server"}}, "", trace::no_event);
    client.http()->request(id, "POST", "/api/now", {{"Host", "server"}}, "x", trace::no_event);
    client.http()->request(id, "GET", "/index.html", {{"Host", "server"}}, "", trace::no_event);
    world.run_until(seconds(1));

    REQUIRE(api.requests.size() == 2); // /index.html went to the origin
    CHECK(api.requests[0].second == "/api/wait");
    CHECK(api.requests[1].second == "/api/now");
    CHECK(api.requests[1].first >= api.requests[0].first + ms(100));
    REQUIRE(caller.responses.size() == 3);
    CHECK(caller.responses[0].second == "200 late");
    CHECK(caller.responses[1].second == "200 now:x");
    CHECK(caller.responses[2].second == "200 hello");
    CHECK(caller.responses[0].first < caller.responses[1].first);
    CHECK(api.closed.empty());

    // Each request and response is a message PDU in the trace, as HttpStage's others.
    std::vector<std::string> sent;
    for (const auto& e : world.trace().events())
        if (e.kind == trace::Kind::message && e.node == client.id() && e.aux == 0)
            sent.emplace_back(world.trace().text(e.text));
    CHECK(sent == std::vector<std::string>{"GET /api/wait HTTP/1.1", "POST /api/now HTTP/1.1",
                                           "GET /index.html HTTP/1.1"});
}

TEST_CASE("HttpStage tells the handler when a connection holding a request goes away") {
    World world(2);
    auto& server = world.add_host(testing::test_host("server", 1, http_stack));
    auto& client = world.add_host(testing::test_host("client", 2, http_stack));
    world.add_link("cable", client, server, {});
    Api api;
    api.world = &world;
    api.http = server.http();
    server.http()->route(80, "/api/", &api, trace::no_event);
    Caller caller;
    caller.world = &world;
    const ConnId id = client.http()->open(server.ip(), 80, &caller, trace::no_event);
    client.http()->request(id, "GET", "/api/wait", {{"Host", "server"}}, "", trace::no_event);
    world.at(ms(50), [&] { client.http()->close_handled(id, trace::no_event); });
    world.run_until(seconds(1));
    CHECK(api.closed.size() == 1);   // the held request's connection closed
    CHECK(caller.responses.empty()); // the late answer is not delivered
    CHECK(caller.closed.empty());    // the caller closed it itself: no callback
    CHECK_FALSE(server.http()->respond(api.closed.at(0), 200, {}, "x", trace::no_event));
}
