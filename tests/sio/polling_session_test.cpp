// Engine.IO over HTTP long-polling and the upgrade to a WebSocket, session level: a
// ServerSession and a ClientSession wired by hand, every request and answer checked.
#include "sim/proto/sio/engineio_session.hpp"

#include <catch2/catch.hpp>

using namespace wirelab::sio::engineio;

namespace {
constexpr std::int64_t ms = ns_per_ms;
const std::string open_json =
    R"({"sid":"s1","upgrades":["websocket"],"pingInterval":100,"pingTimeout":50,"maxPayload":1000})";

ServerSession polling_server() {
    ServerSession s({"s1", {}, 100, 50, 1000});
    s.open_polling(0);
    return s;
}

std::vector<SessionEvent::Kind> kinds(const std::vector<SessionEvent>& events) {
    std::vector<SessionEvent::Kind> out;
    for (const auto& e : events)
        out.push_back(e.kind);
    return out;
}
} // namespace

TEST_CASE("polling handshake: the first GET gets the open packet with upgrades [websocket]") {
    ServerSession server = polling_server();
    CHECK(server.transport() == Transport::polling);
    const auto r = server.handle_poll_get(0);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->content_type == "text/plain; charset=UTF-8");
    CHECK(r->body == "0" + open_json);
    CHECK(server.poll_timeout() == 100 * ms);
}

TEST_CASE("a GET with nothing queued is held until a packet is sent") {
    ServerSession server = polling_server();
    server.handle_poll_get(0);
    CHECK_FALSE(server.handle_poll_get(1 * ms));
    CHECK(server.poll_held());
    CHECK_FALSE(server.take_poll_response());
    server.send_text("hello");
    server.send_binary(std::string("\x01\x02", 2));
    const auto r = server.take_poll_response();
    REQUIRE(r);
    CHECK(r->body == "4hello\x1e"
                     "bAQI=");
    CHECK_FALSE(server.poll_held());
    CHECK_FALSE(server.take_poll_response()); // answered once
}

TEST_CASE("the ping comes through the held GET and the pong by POST") {
    ServerSession server = polling_server();
    server.handle_poll_get(0);
    CHECK_FALSE(server.handle_poll_get(0));
    server.handle_timeout(100 * ms);
    const auto ping = server.take_poll_response();
    REQUIRE(ping);
    CHECK(ping->body == "2");
    CHECK(server.poll_timeout() == 150 * ms);
    const auto ok = server.handle_poll_post("3", 120 * ms);
    CHECK(ok == PollResponse{200, "text/html", "ok"});
    CHECK(server.poll_timeout() == 220 * ms);
    CHECK(server.state() == SessionState::open);
}

TEST_CASE("a POST carries several packets joined by 0x1e, binary as b+base64") {
    ServerSession server = polling_server();
    server.handle_poll_get(0);
    server.events();
    server.handle_poll_post("4one\x1e"
                            "bAQI=\x1e"
                            "4two",
                            0);
    const auto events = server.events();
    REQUIRE(events.size() == 3);
    CHECK(events[0].data == "one");
    CHECK(events[1].binary);
    CHECK(events[1].data == std::string("\x01\x02", 2));
    CHECK(events[2].data == "two");
}

TEST_CASE("a second concurrent GET is an error: 400, the held GET gets the close packet") {
    ServerSession server = polling_server();
    server.handle_poll_get(0);
    server.events();
    CHECK_FALSE(server.handle_poll_get(0));
    const auto second = server.handle_poll_get(0);
    REQUIRE(second);
    CHECK(second->status == 400);
    CHECK(server.state() == SessionState::closed);
    const auto events = server.events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].reason == "transport error");
    const auto first = server.take_poll_response();
    REQUIRE(first);
    CHECK(first->body == "1");
}

TEST_CASE("a POST over maxPayload gets 413 and closes the session") {
    ServerSession server = polling_server();
    server.handle_poll_get(0);
    server.events();
    const auto r = server.handle_poll_post("4" + std::string(1000, 'x'), 0);
    CHECK(r.status == 413);
    CHECK(server.state() == SessionState::closed);
    CHECK(server.events().at(0).reason == "max payload exceeded");
}

TEST_CASE("a malformed POST payload closes with parse error after the good packets") {
    ServerSession server = polling_server();
    server.handle_poll_get(0);
    server.events();
    CHECK(server
              .handle_poll_post("4fine\x1e"
                                "9bad",
                                0)
              .status == 200);
    const auto events = server.events();
    REQUIRE(events.size() == 2);
    CHECK(events[0].data == "fine");
    CHECK(events[1].reason == "parse error");
}

TEST_CASE("the client's close packet by POST ends the session and the held GET gets close") {
    ServerSession server = polling_server();
    server.handle_poll_get(0);
    CHECK_FALSE(server.handle_poll_get(0));
    server.handle_poll_post("1", 0);
    CHECK(server.state() == SessionState::closed);
    CHECK(server.take_poll_response()->body == "1");
}

TEST_CASE("the connection holding the GET going away ends the session") {
    ServerSession server = polling_server();
    server.handle_poll_get(0);
    server.events();
    server.handle_poll_get(0);
    server.receive_poll_abort();
    CHECK(server.events().at(0).reason == "transport error");
}

TEST_CASE("upgrade: 2probe -> 3probe, the held GET gets a noop, 5 moves the session") {
    ServerSession server = polling_server();
    server.handle_poll_get(0);
    CHECK_FALSE(server.handle_poll_get(0));
    REQUIRE(server.open_upgrade(1 * ms));
    CHECK_FALSE(server.open_upgrade(1 * ms)); // one probe at a time
    CHECK(server.upgrading());
    server.receive_text("2probe", 2 * ms);
    const auto probe = server.frames_to_send();
    REQUIRE(probe.size() == 1);
    CHECK(probe[0].data == "3probe");
    const auto noop = server.take_poll_response();
    REQUIRE(noop);
    CHECK(noop->body == "6");
    server.send_text("queued while upgrading"); // no GET held: waits
    server.receive_text("5", 3 * ms);
    CHECK(server.transport() == Transport::websocket);
    CHECK_FALSE(server.upgrading());
    const auto frames = server.frames_to_send();
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].data == "4queued while upgrading");
    CHECK(kinds(server.events()) ==
          std::vector{SessionEvent::Kind::open, SessionEvent::Kind::upgrade});
    // From now on the WebSocket carries everything; polling is refused.
    server.send_text("after");
    CHECK(server.frames_to_send().at(0).data == "4after");
    CHECK(server.handle_poll_get(4 * ms)->status == 400);
    CHECK(server.handle_poll_post("3", 4 * ms).status == 400);
}

TEST_CASE("a GET arriving after 3probe is answered with a noop at once") {
    ServerSession server = polling_server();
    server.handle_poll_get(0);
    server.open_upgrade(0);
    server.receive_text("2probe", 0);
    const auto r = server.handle_poll_get(0);
    REQUIRE(r);
    CHECK(r->body == "6");
}

TEST_CASE("a wrong probe, the probe WebSocket closing or no 5 in time fail only the upgrade") {
    ServerSession server = polling_server();
    server.handle_poll_get(0);
    server.events();
    SECTION("wrong packet") {
        server.open_upgrade(0);
        server.receive_text("4hi", 0);
    }
    SECTION("probe closed") {
        server.open_upgrade(0);
        server.receive_transport_close();
    }
    SECTION("upgrade timeout") {
        server.open_upgrade(0);
        server.receive_text("2probe", 0);
        CHECK(server.poll_timeout() == 100 * ms); // the ping comes first
        server.handle_timeout(100 * ms);
        server.handle_poll_post("3", 100 * ms);
        server.handle_timeout(upgrade_timeout_ms * ms);
    }
    const auto events = server.events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == SessionEvent::Kind::upgrade_error);
    CHECK(server.state() == SessionState::open);
    CHECK(server.transport() == Transport::polling);
    CHECK_FALSE(server.upgrading());
    CHECK(server.open_upgrade(upgrade_timeout_ms * ms)); // may try again
}

TEST_CASE("open_upgrade is refused on a WebSocket session") {
    ServerSession server({"s1", {}, 100, 50, 1000});
    server.open(0);
    CHECK_FALSE(server.open_upgrade(0));
    CHECK(server.handle_poll_get(0)->status == 400);
}

// ---- client ------------------------------------------------------------------------------

TEST_CASE("polling client: handshake GET, long-poll, POST, then the upgrade") {
    ServerSession server = polling_server();
    ClientSession client(Transport::polling);
    client.start(0);
    auto reqs = client.poll_requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0] == PollRequest{"GET", "EIO=4&transport=polling", ""});
    client.receive_poll_response("GET", 200, server.handle_poll_get(0)->body, 0);
    CHECK(client.state() == SessionState::open);
    CHECK(client.handshake().upgrades == std::vector<std::string>{"websocket"});
    CHECK(kinds(client.events()) == std::vector{SessionEvent::Kind::open});
    reqs = client.poll_requests();
    REQUIRE(reqs.size() == 1); // the next long-poll
    CHECK(reqs[0] == PollRequest{"GET", "EIO=4&transport=polling&sid=s1", ""});
    CHECK_FALSE(server.handle_poll_get(0));

    // Two sends: the first POST goes, the second waits for its answer.
    client.send_text("a");
    client.send_text("b");
    reqs = client.poll_requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0] == PollRequest{"POST", "EIO=4&transport=polling&sid=s1", "4a"});
    client.receive_poll_response("POST", 200, server.handle_poll_post(reqs[0].body, 0).body, 0);
    reqs = client.poll_requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].body == "4b");
    client.receive_poll_response("POST", 200, server.handle_poll_post(reqs[0].body, 0).body, 0);

    // The upgrade.
    REQUIRE(client.take_upgrade_request());
    CHECK(client.upgrade_query() == "EIO=4&transport=websocket&sid=s1");
    REQUIRE(server.open_upgrade(0));
    client.handle_upgrade_open(0);
    const auto probe = client.frames_to_send();
    REQUIRE(probe.size() == 1);
    CHECK(probe[0].data == "2probe");
    server.receive_text(probe[0].data, 0);
    client.receive_text(server.frames_to_send().at(0).data, 0); // 3probe: pausing
    CHECK(client.upgrading());
    client.send_text("during"); // buffered: no POST while pausing
    CHECK(client.poll_requests().empty());
    CHECK(client.frames_to_send().empty());
    // The held GET comes back with the noop; polling stops; 5 and the buffer go out.
    client.receive_poll_response("GET", 200, server.take_poll_response()->body, 0);
    CHECK(client.poll_requests().empty());
    CHECK(client.transport() == Transport::websocket);
    const auto frames = client.frames_to_send();
    REQUIRE(frames.size() == 2);
    CHECK(frames[0].data == "5");
    CHECK(frames[1].data == "4during");
    for (const auto& f : frames)
        server.receive_text(f.data, 0);
    CHECK(server.transport() == Transport::websocket);
    const auto events = server.events();
    CHECK(events.back().data == "during");
}

TEST_CASE("polling client: a POST in flight delays the 5 until its answer") {
    ServerSession server = polling_server();
    ClientSession client(Transport::polling);
    client.start(0);
    client.poll_requests();
    client.receive_poll_response("GET", 200, server.handle_poll_get(0)->body, 0);
    client.poll_requests();
    client.send_text("x");
    const auto post = client.poll_requests().at(0);
    client.handle_upgrade_open(0);
    client.frames_to_send();
    client.receive_text("3probe", 0);
    client.receive_poll_response("GET", 200, "6", 0);
    CHECK(client.frames_to_send().empty()); // POST still in flight
    client.receive_poll_response("POST", 200, "ok", 0);
    CHECK(client.frames_to_send().at(0).data == "5");
}

TEST_CASE("polling client: a wrong probe answer keeps polling, an error status closes") {
    ServerSession server = polling_server();
    ClientSession client(Transport::polling);
    client.start(0);
    client.poll_requests();
    client.receive_poll_response("GET", 200, server.handle_poll_get(0)->body, 0);
    client.events();
    client.handle_upgrade_open(0);
    client.receive_text("3nope", 0);
    auto events = client.events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == SessionEvent::Kind::upgrade_error);
    CHECK(client.transport() == Transport::polling);
    client.receive_poll_response("GET", 400, R"({"code":1,"message":"Session ID unknown"})", 0);
    CHECK(client.state() == SessionState::closed);
    // Socket._onError: the transport's error ("xhr poll error"), then "transport error".
    events = client.events();
    REQUIRE(events.size() == 2);
    CHECK(events[0].kind == SessionEvent::Kind::error);
    CHECK(events[0].reason == "xhr poll error");
    CHECK(events[1].kind == SessionEvent::Kind::close);
    CHECK(events[1].reason == "transport error");
}

TEST_CASE("polling client: a close packet in a GET payload ends the session") {
    ClientSession client(Transport::polling);
    client.start(0);
    client.poll_requests();
    client.receive_poll_response("GET", 200, "0" + open_json, 0);
    client.events();
    client.poll_requests();
    client.receive_poll_response("GET", 200,
                                 "4last\x1e"
                                 "1",
                                 0);
    const auto events = client.events();
    REQUIRE(events.size() == 2);
    CHECK(events[0].data == "last");
    CHECK(events[1].reason == "transport close");
    CHECK(client.poll_requests().empty());
}

TEST_CASE("polling client without upgrade never asks for the WebSocket") {
    ClientSession client(Transport::polling, false);
    client.start(0);
    client.receive_poll_response("GET", 200, "0" + open_json, 0);
    CHECK_FALSE(client.take_upgrade_request());
}

TEST_CASE("polling client answers the ping by POST and closes with a POST of 1") {
    ClientSession client(Transport::polling);
    client.start(0);
    client.poll_requests();
    client.receive_poll_response("GET", 200, "0" + open_json, 0);
    client.poll_requests();
    client.receive_poll_response("GET", 200, "2", 10 * ms);
    auto reqs = client.poll_requests();
    REQUIRE(reqs.size() == 2); // the pong (while the payload is handled), then the next GET
    CHECK(reqs[0] == PollRequest{"POST", "EIO=4&transport=polling&sid=s1", "3"});
    CHECK(reqs[1].method == "GET");
    CHECK(client.poll_timeout() == 160 * ms);
    client.receive_poll_response("POST", 200, "ok", 10 * ms);
    client.close();
    reqs = client.poll_requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].body == "1");
    CHECK(client.state() == SessionState::closed);
}

// engine.io-client has no timer of its own on the probe: the heartbeat on polling is the only
// deadline, and the server closing a probe that sent no 5 (upgradeTimeout) ends it.
TEST_CASE("polling client: a stalled probe has no timeout of its own, the server closing it "
          "fails only the upgrade") {
    ClientSession client(Transport::polling);
    client.start(0);
    client.poll_requests();
    client.receive_poll_response("GET", 200, "0" + open_json, 0);
    client.events();
    client.poll_requests();
    REQUIRE(client.take_upgrade_request());
    client.handle_upgrade_open(0);
    CHECK(client.frames_to_send().at(0).data == "2probe");
    CHECK(client.poll_timeout() == 150 * ms); // the heartbeat's, nothing earlier
    // The server pings on polling every 100 ms; for 10 s nothing fires on the probe...
    for (std::int64_t t = 100 * ms; t < upgrade_timeout_ms * ms; t += 100 * ms) {
        client.receive_poll_response("GET", 200, "2", t);
        client.poll_requests();
        client.receive_poll_response("POST", 200, "ok", t); // the pong
        REQUIRE(client.poll_timeout() == t + 150 * ms);
        client.handle_timeout(t + 149 * ms);
    }
    CHECK(client.upgrading());
    CHECK(client.events().empty());
    client.receive_transport_close(); // ...until the server closes it
    const auto events = client.events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == SessionEvent::Kind::upgrade_error);
    CHECK(events[0].reason == "probe error: transport closed");
    CHECK(client.state() == SessionState::open);
    CHECK(client.transport() == Transport::polling);
}

TEST_CASE("Yeast gives engine.io-client's t= values: base-64 milliseconds, a counter on repeats") {
    wirelab::sio::engineio::Yeast y;
    CHECK(y.next(0) == "0");
    CHECK(y.next(64) == "10");
    CHECK(y.next(64) == "10.0"); // the same millisecond again
    CHECK(y.next(64) == "10.1");
    CHECK(y.next(1'735'689'600'000) == "PGVANm0"); // 2025-01-01T00:00:00Z
    CHECK(y.next(1'735'689'600'001) == "PGVANm1"); // a new millisecond: no counter
}
