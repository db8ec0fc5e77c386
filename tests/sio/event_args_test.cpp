// EventArgs (a received event's arguments kept as their JSON text) and the client's use of
// it: a plain event for "/" keeps the text it arrived in, anything else the value, and a
// payload the text check refuses still closes the connection with "parse error".
#include "sim/proto/sio/event_args.hpp"
#include "sim/proto/sio/socketio_client.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using namespace wirelab::sio;
using socketio::Client;
using socketio::ClientEvent;

TEST_CASE("EventArgs keeps a short or long text and parses it on demand") {
    const std::string long_item(2 * EventArgs::inline_capacity, 'x');
    for (const std::string& item : {std::string("hi"), long_item}) {
        const std::string tail = "1, \"" + item + "\"]";
        EventArgs a = EventArgs::from_tail(tail);
        REQUIRE(a.is_text());
        CHECK(a.text() == "[" + tail);
        CHECK(a.json() == Json::array({1, item}));
        // Copies and moves keep the text, whichever storage holds it.
        const EventArgs copy = a;
        CHECK(copy.text() == "[" + tail);
        EventArgs moved = std::move(a);
        CHECK(moved.text() == "[" + tail);
        CHECK_NOTHROW(a.json()); // NOLINT(bugprone-use-after-move): still a valid object
        CHECK_NOTHROW(a.text());
        EventArgs assigned;
        assigned = copy;
        CHECK(assigned.is_text());
        CHECK(assigned == Json::array({1, item}));
        EventArgs long_text = EventArgs::from_tail(tail);
        assigned = std::move(long_text);
        CHECK(assigned.text() == "[" + tail);
        CHECK_NOTHROW(long_text.text()); // NOLINT(bugprone-use-after-move)
        assigned = EventArgs(Json::array({true}));
        CHECK_FALSE(assigned.is_text());
        CHECK(assigned.text().empty());
        CHECK(assigned == Json::array({true}));
    }
    CHECK(EventArgs().json().is_null()); // as a default Json
    CHECK(EventArgs::from_tail("]") == Json::array());
    // The text is kept inline exactly up to the capacity, then on the heap: both work.
    for (std::size_t n = EventArgs::inline_capacity - 4; n <= EventArgs::inline_capacity + 1; ++n) {
        const std::string tail = "\"" + std::string(n - 4, 'a') + "\"]"; // "[" + tail: n bytes
        const EventArgs a = EventArgs::from_tail(tail);
        CHECK(a.text().size() == n);
        CHECK(EventArgs(a).json() == Json::array({std::string(n - 4, 'a')}));
    }
}

namespace {

// A client connected to "/" (or `nsp`), fed the server's messages by hand.
Client connected_client(std::string nsp = "/") {
    socketio::ClientConfig config;
    config.nsp = std::move(nsp);
    Client client(config);
    client.connect(0);
    (void)client.transport_commands();
    client.handle_transport_open(0);
    client.receive_text(R"(0{"sid":"e","upgrades":[],"pingInterval":100,"pingTimeout":50})", 0);
    (void)client.frames_to_send();
    client.receive_text(
        config.nsp == "/" ? R"(40{"sid":"s1"})" : "40" + config.nsp + R"(,{"sid":"s1"})", 1);
    REQUIRE(client.connected());
    (void)client.events();
    return client;
}

} // namespace

TEST_CASE("client keeps a plain event's arguments as the text received") {
    Client client = connected_client();
    client.receive_text(R"(42["news", 1 ,{"a":"\u00e9"}] )", 2);
    client.receive_text(R"(42["ping"])", 2);
    client.receive_text(R"(421["ask",2])", 3);
    auto events = client.events();
    REQUIRE(events.size() == 3);
    CHECK(events[0].name == "news");
    REQUIRE(events[0].args.is_text());
    CHECK(events[0].args.text() == R"([ 1 ,{"a":"\u00e9"}] )");
    CHECK(events[0].args == Json::array({1, Json{{"a", "é"}}}));
    CHECK(events[1].args.text() == "[]");
    CHECK(events[1].args == Json::array());
    // An ack id takes the packet path: the value.
    CHECK(events[2].name == "ask");
    CHECK(events[2].ack_id == 1u);
    CHECK_FALSE(events[2].args.is_text());
    CHECK(events[2].args == Json::array({2}));

    // Another namespace's events take the packet path as well.
    Client admin = connected_client("/admin");
    admin.receive_text(R"(42/admin,["news",3])", 2);
    events = admin.events();
    REQUIRE(events.size() == 1);
    CHECK_FALSE(events[0].args.is_text());
    CHECK(events[0].args == Json::array({3}));
}

TEST_CASE("client closes with parse error on a plain event the text check refuses") {
    for (const char* bad :
         {R"(42["a",])", R"(42["a",tru])", R"(42["a",[1,{"b":01}]])", "42[\"a\",\"\xff\"]",
          R"(42["a","\ud800"])", R"(42["a"] x)", R"(42["connect",1])", R"(42["a",1e400])"}) {
        INFO(bad);
        Client client = connected_client();
        client.receive_text(bad, 2);
        const auto events = client.events();
        REQUIRE(events.size() == 1);
        CHECK(events[0].kind == ClientEvent::Kind::disconnect);
        CHECK(events[0].reason == "parse error");
        CHECK(client.transport_commands() == std::vector{socketio::TransportCommand::close});
    }
}
