// Engine.IO sessions driven by hand: handshake, heartbeat timing, maxPayload, bad input.
#include "sim/proto/sio/engineio_session.hpp"

#include <catch2/catch.hpp>

using namespace wirelab::sio::engineio;

namespace {
constexpr std::int64_t ms = ns_per_ms;
Handshake small_handshake() {
    return {"sid1", {}, 100, 50, 1000};
}
} // namespace

TEST_CASE("server open queues the open packet and the client reads it") {
    ServerSession server(small_handshake());
    ClientSession client;
    server.open(0);
    const auto frames = server.frames_to_send();
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].data ==
          R"(0{"sid":"sid1","upgrades":[],"pingInterval":100,"pingTimeout":50,"maxPayload":1000})");
    client.receive_text(frames[0].data, 0);
    CHECK(client.state() == SessionState::open);
    CHECK(client.handshake() == small_handshake());
    CHECK(client.poll_timeout() == 150 * ms);
}

TEST_CASE("server pings every pingInterval and the client's pong keeps the session") {
    ServerSession server(small_handshake());
    ClientSession client;
    server.open(0);
    client.receive_text(server.frames_to_send()[0].data, 0);
    CHECK(server.poll_timeout() == 100 * ms);
    server.handle_timeout(99 * ms);
    CHECK(server.frames_to_send().empty());
    server.handle_timeout(100 * ms);
    const auto ping = server.frames_to_send();
    REQUIRE(ping.size() == 1);
    CHECK(ping[0].data == "2");
    CHECK(server.poll_timeout() == 150 * ms);
    client.receive_text(ping[0].data, 110 * ms);
    const auto pong = client.frames_to_send();
    REQUIRE(pong.size() == 1);
    CHECK(pong[0].data == "3");
    server.receive_text(pong[0].data, 120 * ms);
    CHECK(server.poll_timeout() == 220 * ms);
    server.handle_timeout(200 * ms);
    CHECK(server.state() == SessionState::open);
}

TEST_CASE("server closes with ping timeout when no pong comes within pingTimeout") {
    ServerSession server(small_handshake());
    server.open(0);
    server.handle_timeout(100 * ms);
    server.events();
    server.handle_timeout(149 * ms);
    CHECK(server.state() == SessionState::open);
    server.handle_timeout(150 * ms);
    CHECK(server.state() == SessionState::closed);
    const auto events = server.events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == SessionEvent::Kind::close);
    CHECK(events[0].reason == "ping timeout");
    CHECK_FALSE(server.poll_timeout());
}

TEST_CASE("client closes with ping timeout when the server stops pinging") {
    ServerSession server(small_handshake());
    ClientSession client;
    server.open(0);
    client.receive_text(server.frames_to_send()[0].data, 0);
    client.handle_timeout(149 * ms);
    CHECK(client.state() == SessionState::open);
    client.handle_timeout(150 * ms);
    CHECK(client.state() == SessionState::closed);
    CHECK(client.events().back().reason == "ping timeout");
}

TEST_CASE("messages travel both ways, text and binary") {
    ServerSession server(small_handshake());
    ClientSession client;
    server.open(0);
    client.receive_text(server.frames_to_send()[0].data, 0);
    server.events();
    client.events();
    REQUIRE(client.send_text("2[\"chat\",\"hi\"]"));
    REQUIRE(client.send_binary(std::string("\x00\xff", 2)));
    for (const auto& f : client.frames_to_send()) {
        f.binary ? server.receive_binary(f.data, 1) : server.receive_text(f.data, 1);
    }
    const auto got = server.events();
    REQUIRE(got.size() == 2);
    CHECK(got[0].data == "2[\"chat\",\"hi\"]");
    CHECK_FALSE(got[0].binary);
    CHECK(got[1].binary);
    CHECK(got[1].data == std::string("\x00\xff", 2));
    REQUIRE(server.send_text("hello"));
    const auto out = server.frames_to_send();
    CHECK(out[0].data == "4hello");
}

TEST_CASE("server enforces maxPayload with close code 1009") {
    ServerSession server(small_handshake());
    server.open(0);
    server.events();
    server.receive_text("4" + std::string(1000, 'x'), 1);
    CHECK(server.state() == SessionState::closed);
    CHECK(server.transport_close_code() == 1009);
    CHECK(server.events().back().reason == "max payload exceeded");
}

TEST_CASE("server closes with parse error on an unknown packet type") {
    for (const std::string bad : {"9", "", "x", "bAB$"}) {
        ServerSession server(small_handshake());
        server.open(0);
        server.events();
        server.receive_text(bad, 1);
        INFO(bad);
        CHECK(server.state() == SessionState::closed);
        CHECK(server.events().back().reason == "parse error");
    }
}

TEST_CASE("close packet from the client ends the session with transport close") {
    ServerSession server(small_handshake());
    ClientSession client;
    server.open(0);
    client.receive_text(server.frames_to_send()[0].data, 0);
    client.close();
    server.receive_text(client.frames_to_send()[0].data, 1);
    CHECK(server.state() == SessionState::closed);
    CHECK(server.events().back().reason == "transport close");
    CHECK_FALSE(server.send_text("late"));
}

TEST_CASE("plain_message hands out a message only when receive_text would just queue it") {
    ClientSession client;
    CHECK_FALSE(client.plain_message("4hello")); // opening: the open packet must come first
    client.receive_text(R"(0{"sid":"s","upgrades":[],"pingInterval":100,"pingTimeout":50})", 0);
    REQUIRE(client.state() == SessionState::open);
    CHECK_FALSE(client.plain_message("4hello")); // the open event still waits
    client.events();
    CHECK(client.plain_message("4hello") == std::string_view("hello"));
    CHECK(client.plain_message("4") == std::string_view(""));
    CHECK_FALSE(client.plain_message(""));
    CHECK_FALSE(client.plain_message("2"));     // a ping: a pong and a new deadline
    CHECK_FALSE(client.plain_message("1"));     // close
    CHECK_FALSE(client.plain_message("bAAE=")); // base64 binary
    CHECK_FALSE(client.plain_message("x"));
    // The same text through receive_text gives that message as the only event.
    client.receive_text("4hello", 1);
    const auto got = client.events();
    REQUIRE(got.size() == 1);
    CHECK(got[0].kind == SessionEvent::Kind::message);
    CHECK(got[0].data == "hello");
    CHECK(client.frames_to_send().empty());
    client.receive_text("1", 2); // closed
    CHECK_FALSE(client.plain_message("4hello"));
    // Polling: messages come in GET answers, never as WebSocket text.
    ClientSession polling(Transport::polling);
    polling.start(0);
    polling.receive_poll_response(
        "GET", 200, R"(0{"sid":"p","upgrades":[],"pingInterval":100,"pingTimeout":50})", 0);
    polling.events();
    REQUIRE(polling.state() == SessionState::open);
    CHECK_FALSE(polling.plain_message("4hello"));
}
