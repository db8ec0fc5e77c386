// Closing an Engine.IO session on HTTP long-polling as engine.io-client 6.6 does
// (Socket.close: "closing", wait for the drain, then Polling.doClose writes the close packet
// in a POST of its own), and socketio::Client keeping that closing session until its last
// POST is answered. Also the error texts of a failed poll ("xhr poll error").
#include "sim/proto/sio/engineio_session.hpp"
#include "sim/proto/sio/socketio_client.hpp"
#include "sim/proto/sio/socketio_server.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace wirelab::sio;
using engineio::ClientSession;
using engineio::PollRequest;
using engineio::SessionEvent;
using engineio::SessionState;
using engineio::Transport;
using socketio::Client;
using socketio::ClientConfig;
using socketio::ClientEvent;
using socketio::TransportCommand;

namespace {
constexpr std::int64_t ms = engineio::ns_per_ms;
const std::string open_json =
    R"(0{"sid":"s1","upgrades":["websocket"],"pingInterval":100,"pingTimeout":50,"maxPayload":1000})";
const std::string sid_query = "EIO=4&transport=polling&sid=s1";

// A polling session, open, with its first long-poll GET in flight.
ClientSession open_session() {
    ClientSession c(Transport::polling);
    c.start(0);
    c.poll_requests();
    c.receive_poll_response("GET", 200, open_json, 0);
    c.events();
    c.take_upgrade_request();
    REQUIRE(c.poll_requests().size() == 1); // the long-poll
    return c;
}

std::vector<std::string> bodies(const std::vector<PollRequest>& reqs) {
    std::vector<std::string> out;
    for (const auto& r : reqs)
        out.push_back(r.method == "POST" ? r.body : "GET");
    return out;
}
} // namespace

// ---- ClientSession -----------------------------------------------------------------------

TEST_CASE("close with buffered packets and a POST in flight: no second POST until answered") {
    ClientSession c = open_session();
    c.send_text("a");
    REQUIRE(bodies(c.poll_requests()) == std::vector<std::string>{"4a"}); // in flight
    c.send_text("b");
    c.send_text("c");
    CHECK(c.poll_requests().empty()); // buffered behind the POST in flight
    c.close();
    // Still closing: no POST while one is in flight, nothing ended yet.
    CHECK(c.poll_requests().empty());
    CHECK(c.state() == SessionState::open);
    CHECK(c.closing());
    CHECK(c.events().empty());
    CHECK_FALSE(c.send_text("late")); // "closing" drops new packets

    // The answer drains the buffer: b and c, without the close packet.
    c.receive_poll_response("POST", 200, "ok", 1 * ms);
    auto reqs = c.poll_requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0] == PollRequest{"POST", sid_query,
                                 "4b\x1e"
                                 "4c"});
    CHECK(c.closing());
    CHECK(c.events().empty());

    // Drained: the close packet alone, and the session is over.
    c.receive_poll_response("POST", 200, "ok", 2 * ms);
    reqs = c.poll_requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0] == PollRequest{"POST", sid_query, "1"});
    CHECK(c.state() == SessionState::closed);
    CHECK_FALSE(c.closing());
    const auto events = c.events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == SessionEvent::Kind::close);
    CHECK(events[0].reason == "forced close");
    // Its answer is still awaited, then nothing more goes out.
    CHECK(c.close_post_pending());
    c.receive_poll_response("POST", 200, "ok", 3 * ms);
    CHECK_FALSE(c.close_post_pending());
    CHECK(c.poll_requests().empty());
    CHECK(c.events().empty());
}

TEST_CASE("close with nothing in flight: the close packet goes alone at once") {
    ClientSession c = open_session();
    c.close();
    const auto reqs = c.poll_requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0] == PollRequest{"POST", sid_query, "1"});
    CHECK(c.state() == SessionState::closed);
    CHECK(c.close_post_pending());
    CHECK(c.events().at(0).reason == "forced close");
}

TEST_CASE("while closing, a ping gets no pong but messages still arrive and polling goes on") {
    ClientSession c = open_session();
    c.send_text("a");
    c.poll_requests();
    c.close();
    c.receive_poll_response("GET", 200,
                            "2\x1e"
                            "4news",
                            10 * ms);
    // No pong POST (Socket._sendPacket drops it once closing); the next long-poll goes.
    CHECK(bodies(c.poll_requests()) == std::vector<std::string>{"GET"});
    const auto events = c.events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].data == "news");
    CHECK(c.poll_timeout() == 160 * ms); // the ping still counts for the heartbeat
}

TEST_CASE("a drain that never ends is cut by the ping timeout") {
    ClientSession c = open_session();
    c.send_text("a");
    c.poll_requests();
    c.close();
    c.handle_timeout(150 * ms);
    CHECK(c.state() == SessionState::closed);
    CHECK(c.events().at(0).reason == "ping timeout");
    CHECK_FALSE(c.close_post_pending());
    CHECK(c.poll_requests().empty());
}

TEST_CASE("a close POST never answered is given up at the heartbeat deadline") {
    ClientSession c = open_session();
    c.close();
    c.poll_requests();
    REQUIRE(c.close_post_pending());
    CHECK(c.poll_timeout() == 150 * ms);
    c.handle_timeout(149 * ms);
    CHECK(c.close_post_pending());
    c.handle_timeout(150 * ms);
    CHECK_FALSE(c.close_post_pending());
    CHECK_FALSE(c.poll_timeout());
    CHECK(c.events().size() == 1); // only the forced close
}

TEST_CASE("close while the handshake is under way sends nothing and ends at once") {
    ClientSession c(Transport::polling);
    c.start(0);
    c.poll_requests();
    c.close();
    CHECK(c.state() == SessionState::closed);
    CHECK(c.events().at(0).reason == "forced close");
    CHECK_FALSE(c.close_post_pending());
    c.receive_poll_response("GET", 200, open_json, 1 * ms); // ignored
    CHECK(c.poll_requests().empty());
    CHECK(c.events().empty());
}

TEST_CASE("close during the upgrade's pause waits for the upgrade, then closes the WebSocket") {
    ClientSession c = open_session();
    c.send_text("a");
    c.poll_requests();
    c.handle_upgrade_open(0);
    CHECK(c.frames_to_send().at(0).data == "2probe");
    c.receive_text("3probe", 0); // pausing: the GET and the POST must come back first
    c.close();
    CHECK(c.closing());
    c.receive_poll_response("GET", 200, "6", 1 * ms);
    CHECK(c.frames_to_send().empty()); // the POST is still out
    c.receive_poll_response("POST", 200, "ok", 2 * ms);
    CHECK(c.poll_requests().empty()); // no close POST: the WebSocket carries the session now
    const auto frames = c.frames_to_send();
    REQUIRE(frames.size() == 2);
    CHECK(frames[0].data == "5");
    CHECK(frames[1].data == "1");
    CHECK(c.state() == SessionState::closed);
    CHECK(c.transport() == Transport::websocket);
}

TEST_CASE("a refused poll is the error xhr poll error, a refused POST xhr post error") {
    const bool post = GENERATE(false, true);
    ClientSession c = open_session();
    if (post) {
        c.send_text("a");
        c.poll_requests();
        c.receive_poll_response("POST", 400, "", 0);
    } else {
        c.receive_poll_response("GET", 400, R"({"code":1,"message":"Session ID unknown"})", 0);
    }
    const auto events = c.events();
    REQUIRE(events.size() == 2);
    CHECK(events[0].kind == SessionEvent::Kind::error);
    CHECK(events[0].reason == (post ? "xhr post error" : "xhr poll error"));
    CHECK(events[1].kind == SessionEvent::Kind::close);
    CHECK(events[1].reason == "transport error");
}

// ---- socketio::Client --------------------------------------------------------------------

namespace {
Client polling_client(bool reconnection = true) {
    ClientConfig config;
    config.transports = socketio::Transports::polling_then_upgrade;
    config.reconnection = reconnection;
    config.random = [] { return 0.5; };
    return Client(config);
}

// Connected: handshake answered, CONNECT posted and answered, 40 received by the GET; the
// next long-poll is in flight.
void connect(Client& client) {
    client.connect(0);
    client.http_requests();
    client.transport_commands();
    client.receive_http_response(
        "GET", 200,
        R"(0{"sid":"e1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})",
        0);
    client.receive_http_response("POST", 200, "ok", 0);
    client.receive_http_response("GET", 200, R"(40{"sid":"abc"})", 0);
    REQUIRE(client.connected());
    client.http_requests();
    client.transport_commands();
    client.events();
}
} // namespace

TEST_CASE("Client: disconnect() with a POST in flight: 41 after it, then 1 alone, then close") {
    Client client = polling_client();
    connect(client);
    client.emit("chat", Json::array({"hi"}));
    auto reqs = client.http_requests();
    REQUIRE(bodies(reqs) == std::vector<std::string>{R"(42["chat","hi"])"});
    client.transport_commands();

    client.disconnect();
    CHECK(client.events().at(0).reason == "io client disconnect");
    CHECK(client.http_requests().empty()); // no second POST while one is in flight
    CHECK(client.transport_commands().empty());
    CHECK(client.closing());
    CHECK_FALSE(client.transport());

    // The answers go to the closing session: 41, then 1.
    client.receive_http_response("POST", 200, "ok", 1 * ms);
    CHECK(bodies(client.http_requests()) == std::vector<std::string>{"41"});
    client.receive_http_response("POST", 200, "ok", 2 * ms);
    CHECK(bodies(client.http_requests()) == std::vector<std::string>{"1"});
    CHECK(client.transport_commands() ==
          std::vector{TransportCommand::http_request, TransportCommand::http_request});
    // The held GET's answer (the server's close) is taken and changes nothing.
    client.receive_http_response("GET", 200, "1", 3 * ms);
    CHECK(client.transport_commands().empty());
    client.receive_http_response("POST", 200, "ok", 3 * ms);
    CHECK(client.transport_commands() == std::vector{TransportCommand::close});
    CHECK_FALSE(client.closing());
    CHECK(client.events().empty()); // no reconnection, nothing else reported
    CHECK_FALSE(client.poll_timeout());
}

TEST_CASE("Client: a connect() while the old session closes waits for its last POST") {
    Client client = polling_client();
    connect(client);
    client.emit("chat", Json::array({"hi"}));
    client.http_requests();
    client.transport_commands();
    client.disconnect();
    client.events();
    client.connect(1 * ms);
    CHECK(client.http_requests().empty()); // no handshake GET next to the closing session
    client.receive_http_response("POST", 200, "ok", 2 * ms); // the emit -> 41
    client.receive_http_response("POST", 200, "ok", 3 * ms); // 41 -> 1
    CHECK(bodies(client.http_requests()) == std::vector<std::string>{"41", "1"});
    client.transport_commands();
    client.receive_http_response("POST", 200, "ok", 4 * ms); // 1 answered
    // The old transport closes, then the new handshake starts.
    CHECK(client.transport_commands() ==
          std::vector{TransportCommand::close, TransportCommand::http_request});
    const auto reqs = client.http_requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0] == PollRequest{"GET", "EIO=4&transport=polling", ""});
    // The new session takes the next answers.
    client.receive_http_response(
        "GET", 200,
        R"(0{"sid":"e2","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})",
        5 * ms);
    CHECK(client.transport() == Transport::polling);
    CHECK(bodies(client.http_requests()) == std::vector<std::string>{"GET", "40"});
}

TEST_CASE("Client: the closing session's close POST failing still closes the transport") {
    Client client = polling_client();
    connect(client);
    client.disconnect();
    CHECK(client.events().at(0).reason == "io client disconnect");
    CHECK(bodies(client.http_requests()) == std::vector<std::string>{"41"});
    client.transport_commands();
    client.handle_http_error("POST", 1 * ms); // xhr post error while draining: the end
    CHECK(client.transport_commands() == std::vector{TransportCommand::close});
    CHECK_FALSE(client.closing());
    CHECK(client.events().empty());
}

TEST_CASE("Client: the close POST never answered is given up at the heartbeat deadline") {
    Client client = polling_client();
    connect(client);
    client.disconnect();
    client.receive_http_response("POST", 200, "ok", 0); // 41 -> 1
    client.transport_commands();
    REQUIRE(client.closing());
    const auto t = client.poll_timeout();
    REQUIRE(t);
    CHECK(*t == 45000 * ms); // pingInterval + pingTimeout after the open
    client.handle_timeout(*t);
    CHECK(client.transport_commands() == std::vector{TransportCommand::close});
    CHECK_FALSE(client.closing());
}

TEST_CASE("Client: a refused polling handshake is connect_error xhr poll error") {
    Client client = polling_client();
    client.connect(0);
    client.http_requests();
    client.transport_commands();
    client.receive_http_response("GET", 400, "", 0);
    auto events = client.events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == ClientEvent::Kind::connect_error);
    CHECK(events[0].data == Json{{"message", "xhr poll error"}});
    REQUIRE(client.reconnecting());
    client.handle_timeout(*client.poll_timeout());
    client.http_requests();
    client.handle_http_error("GET", *client.poll_timeout() - 1); // connection refused
    events = client.events();
    REQUIRE(events.size() == 3);
    CHECK(events[0].kind == ClientEvent::Kind::reconnect_attempt);
    CHECK(events[1].data == Json{{"message", "xhr poll error"}});
    CHECK(events[2].kind == ClientEvent::Kind::reconnect_error);
    CHECK(events[2].reason == "xhr poll error");
}

TEST_CASE("Client: a POST refused before the namespace answered is connect_error too") {
    Client client = polling_client();
    client.connect(0);
    client.http_requests();
    client.receive_http_response(
        "GET", 200,
        R"(0{"sid":"e1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})",
        0);
    client.events();
    client.receive_http_response("POST", 400, "", 0); // the CONNECT's POST
    const auto events = client.events();
    REQUIRE(events.size() == 2);
    CHECK(events[0].kind == ClientEvent::Kind::connect_error);
    CHECK(events[0].data == Json{{"message", "xhr post error"}});
    CHECK(events[1].kind == ClientEvent::Kind::disconnect);
    CHECK(events[1].reason == "transport error");
}

// Against the sans-I/O server: every POST is answered only when the client's next request
// shows up, so the test sees whether two POSTs were ever out together.
TEST_CASE("Client + Server: a disconnect while a POST is out is client namespace disconnect") {
    socketio::Server server;
    Client client = polling_client(false);
    client.connect(0);
    std::vector<PollRequest> posts_out; // sent, not yet answered
    int most_posts_out = 0;
    std::vector<socketio::ServerEvent> sevents;
    auto step = [&](std::int64_t now) {
        for (auto& r : client.http_requests()) {
            auto reply =
                server.handle_http({r.method, "/socket.io/?" + r.query, r.body, false}, now);
            for (auto& e : server.events())
                sevents.push_back(std::move(e));
            if (r.method == "POST") {
                posts_out.push_back(r);
                most_posts_out = std::max(most_posts_out, static_cast<int>(posts_out.size()));
                continue; // answered by answer_posts()
            }
            if (reply.kind != socketio::HttpReply::Kind::held)
                client.receive_http_response("GET", reply.status, reply.body, now);
        }
        for (auto& p : server.poll_replies())
            client.receive_http_response("GET", p.reply.status, p.reply.body, now);
        client.transport_commands();
    };
    auto answer_posts = [&](std::int64_t now) {
        for (auto r = std::exchange(posts_out, {}); auto& p : r) {
            (void)p;
            client.receive_http_response("POST", 200, "ok", now);
        }
    };
    for (int i = 0; i < 5; ++i) {
        step(0);
        answer_posts(0);
    }
    REQUIRE(client.connected());
    sevents.clear();
    client.emit("chat", Json::array({"one"}));
    step(1 * ms); // the emit's POST is out
    client.emit("chat", Json::array({"two"}));
    client.disconnect();
    for (int i = 0; i < 5 && (client.closing() || !posts_out.empty()); ++i) {
        step(2 * ms);
        answer_posts(2 * ms);
    }
    CHECK(most_posts_out == 1);
    CHECK_FALSE(client.closing());
    std::vector<std::string> said;
    for (const auto& e : sevents) {
        if (e.kind == socketio::ServerEvent::Kind::event)
            said.push_back(e.args.at(0).get<std::string>());
        if (e.kind == socketio::ServerEvent::Kind::disconnect)
            CHECK(e.reason == "client namespace disconnect");
    }
    CHECK(said == std::vector<std::string>{"one", "two"});
    CHECK(std::count_if(sevents.begin(), sevents.end(), [](const auto& e) {
              return e.kind == socketio::ServerEvent::Kind::disconnect;
          }) == 1);
    CHECK(server.session_count() == 0);
}

TEST_CASE("Client: disconnect() again while a connect() waits for the closing session") {
    Client client = polling_client();
    connect(client);
    client.disconnect();
    client.http_requests();
    client.transport_commands();
    client.connect(1 * ms);
    client.disconnect();                                     // calls the waiting connect off
    client.receive_http_response("POST", 200, "ok", 2 * ms); // 41 -> 1
    client.http_requests();
    client.transport_commands();
    client.receive_http_response("POST", 200, "ok", 3 * ms); // 1 answered
    CHECK(client.transport_commands() == std::vector{TransportCommand::close});
    CHECK(client.http_requests().empty());
    CHECK_FALSE(client.poll_timeout());
}
