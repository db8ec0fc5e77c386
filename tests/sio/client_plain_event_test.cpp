// Client::receive_plain_event, the fast path a caller that keeps received events may take
// for a WebSocket message: it must accept exactly the messages receive_text would turn
// into one `event` and nothing else, and then leave the client as receive_text would.
#include "sim/proto/sio/socketio_client.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace wirelab::sio;
using namespace wirelab::sio::socketio;

namespace {

constexpr const char* open_packet =
    R"(0{"sid":"e","upgrades":[],"pingInterval":100,"pingTimeout":50,"maxPayload":1000})";

// A client connected on the WebSocket transport with every output drained.
Client connected(std::string nsp = "/") {
    ClientConfig config;
    config.nsp = std::move(nsp);
    Client client(std::move(config));
    client.connect(0);
    REQUIRE(client.transport_commands() == std::vector{TransportCommand::open});
    client.handle_transport_open(0);
    client.receive_text(open_packet, 0);
    REQUIRE(client.frames_to_send().size() == 1); // CONNECT
    return client;
}

void accept_connect(Client& client, const std::string& nsp) {
    client.receive_text(nsp == "/" ? R"(40{"sid":"s1"})" : "40" + nsp + R"(,{"sid":"s1"})", 1);
    const auto events = client.events();
    REQUIRE(events.size() == 1);
    REQUIRE(events[0].kind == ClientEvent::Kind::connect);
    REQUIRE(client.connected());
}

struct Outputs {
    std::vector<std::string> events; // kind, name, args text or value, ack id
    std::vector<std::string> frames;
    std::vector<TransportCommand> commands;
    std::optional<std::int64_t> timeout;
    bool connected = false;
    bool operator==(const Outputs&) const = default;
};

std::string show(const ClientEvent& e) {
    std::string out(to_string(e.kind));
    out += " " + e.name + " " + stringify(e.args.json()) + " " + e.reason;
    if (e.ack_id) out += " ack " + std::to_string(*e.ack_id);
    return out;
}

Outputs drain(Client& c) {
    Outputs o;
    for (const auto& e : c.events())
        o.events.push_back(show(e));
    for (const auto& f : c.frames_to_send())
        o.frames.push_back(f.data);
    o.commands = c.transport_commands();
    o.timeout = c.poll_timeout();
    o.connected = c.connected();
    return o;
}

// `text` to one client by receive_plain_event (then receive_text if it declined), to its
// twin by receive_text alone: the same outputs. True when the fast path took it.
bool same_either_way(Client& fast, Client& slow, const std::string& text, std::int64_t now) {
    std::string name;
    EventArgs args;
    const bool took = fast.receive_plain_event(text, name, args);
    Outputs got;
    if (took) {
        got = drain(fast);
        CHECK(got.events.empty()); // nothing else to hand out, the event was ours
        CHECK(got.frames.empty());
        CHECK(got.commands.empty());
        ClientEvent e;
        e.name = name;
        e.args = args;
        got.events.insert(got.events.begin(), show(e));
    } else {
        fast.receive_text(text, now);
        got = drain(fast);
    }
    slow.receive_text(text, now);
    const Outputs want = drain(slow);
    CHECK(got == want);
    return took;
}

} // namespace

TEST_CASE("Client::receive_plain_event takes plain events for / and only them") {
    Client fast = connected(), slow = connected();
    accept_connect(fast, "/");
    accept_connect(slow, "/");
    std::int64_t now = 2;
    CHECK(same_either_way(fast, slow, R"(42["news",1,{"a":"\u00e9"}])", now++));
    CHECK(same_either_way(fast, slow, R"(42["alert","nnnn"])", now++));
    CHECK(same_either_way(fast, slow, R"(42["x"])", now++));
    // Long arguments (kept as a Json string, not inline) are the same.
    CHECK(same_either_way(fast, slow, "42[\"long\",\"" + std::string(300, 'z') + "\"]", now++));
    // Not for the fast path: an ack id, a non-string name, a ping (a pong goes out and the
    // heartbeat moves), an ack, another namespace.
    CHECK_FALSE(same_either_way(fast, slow, R"(421["ask"])", now++));
    CHECK_FALSE(same_either_way(fast, slow, R"(42[1,2])", now++));
    CHECK_FALSE(same_either_way(fast, slow, "2", now++));
    CHECK_FALSE(same_either_way(fast, slow, R"(430[true])", now++));
    CHECK_FALSE(same_either_way(fast, slow, R"(42/other,["x"])", now++));
    CHECK(same_either_way(fast, slow, R"(42["after"])", now++));
    CHECK(fast.connected());
}

TEST_CASE("Client::receive_plain_event leaves errors and binary events to receive_text") {
    Client fast = connected(), slow = connected();
    accept_connect(fast, "/");
    accept_connect(slow, "/");
    std::int64_t now = 2;
    SECTION("a reserved name") {
        CHECK_FALSE(same_either_way(fast, slow, R"(42["connect"])", now++));
    }
    SECTION("a text event while a binary event waits for its attachment") {
        CHECK_FALSE(
            same_either_way(fast, slow, R"(451-["bin",{"_placeholder":true,"num":0}])", now++));
        CHECK_FALSE(same_either_way(fast, slow, R"(42["y"])", now++));
    }
    SECTION("junk") {
        CHECK_FALSE(same_either_way(fast, slow, "4[broken", now++));
        CHECK_FALSE(same_either_way(fast, slow, R"(42 ["x"])", now++));
    }
    // Whatever closed (or not), the two clients agree on what follows.
    same_either_way(fast, slow, R"(42["late"])", now++);
    CHECK(fast.connected() == slow.connected());
}

TEST_CASE("Client::receive_plain_event declines while anything waits to be handed out") {
    std::string name;
    EventArgs args;
    const std::string event = R"(42["news","x"])";
    SECTION("before the session is open, and before the namespace's CONNECT") {
        Client client;
        CHECK_FALSE(client.receive_plain_event(event, name, args));
        client.connect(0);
        client.transport_commands();
        client.handle_transport_open(0);
        CHECK_FALSE(client.receive_plain_event(event, name, args));
    }
    SECTION("an undrained event, frame or command") {
        Client client = connected();
        client.receive_text(R"(40{"sid":"s1"})", 1); // `connect` not drained yet
        CHECK_FALSE(client.receive_plain_event(event, name, args));
        client.events();
        CHECK(client.receive_plain_event(event, name, args));
        CHECK(name == "news");
        CHECK(stringify(args.json()) == R"(["x"])");
        client.receive_text("2", 2); // a ping: the pong waits in frames_to_send()
        CHECK_FALSE(client.receive_plain_event(event, name, args));
        CHECK(client.frames_to_send().size() == 1);
        CHECK(client.receive_plain_event(event, name, args));
        client.emit("up", Json::array({1})); // a frame of our own
        CHECK_FALSE(client.receive_plain_event(event, name, args));
        client.frames_to_send();
        client.disconnect(); // a close command, and no session
        CHECK_FALSE(client.receive_plain_event(event, name, args));
    }
    SECTION("a client of another namespace") {
        Client client = connected("/admin");
        accept_connect(client, "/admin");
        CHECK_FALSE(client.receive_plain_event(event, name, args));
        CHECK_FALSE(client.receive_plain_event(R"(42/admin,["news"])", name, args));
        client.receive_text(R"(42/admin,["news"])", 2);
        CHECK(client.events().size() == 1);
    }
    SECTION("a polling session") {
        ClientConfig config;
        config.transports = Transports::polling_then_upgrade;
        Client client(std::move(config));
        client.connect(0);
        client.transport_commands();
        client.http_requests();
        CHECK_FALSE(client.receive_plain_event(event, name, args));
    }
}
