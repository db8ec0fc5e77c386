// receive_data_borrowing: a whole unmasked message in one frame (what a client receives) is
// handed out as a view of the caller's bytes instead of a copy in the arena; everything else
// (masked frames, fragments, control frames, partial frames, invalid UTF-8) behaves exactly
// as receive_data.
#include "ws_test_util.hpp"

#include <catch2/catch.hpp>

using namespace wstest;

namespace {
std::string text(wire::ByteView v) {
    return {reinterpret_cast<const char*>(v.data()), v.size()};
}
// Messages only, as WsStage asks (frame events are checked separately).
ws::Config quiet(ws::Config c) {
    c.frame_events = false;
    return c;
}
} // namespace

TEST_CASE("borrowed receive: a client's whole message is a view of the input") {
    ws::Connection c{quiet(client_config())};
    wire::Bytes in = frame(ws::Opcode::text, "hello", true, false);
    const wire::Bytes second = frame(ws::Opcode::binary, "\x01\x02\x03", true, false);
    append(in, second);
    c.receive_data_borrowing(in);
    auto events = c.events();
    REQUIRE(events.size() == 2);
    CHECK(events[0].kind == Event::Kind::text);
    CHECK(events[0].text() == "hello");
    CHECK(events[0].payload.data() == in.data() + 2); // in place, past the 2-byte header
    CHECK(events[1].kind == Event::Kind::binary);
    CHECK(events[1].payload.data() == in.data() + 7 + 2);
    CHECK(events[1].payload.size() == 3);
    // The same input through receive_data is copied (its views survive the input).
    ws::Connection copy{quiet(client_config())};
    wire::Bytes again = in;
    copy.receive_data(again);
    auto copied = copy.events();
    REQUIRE(copied.size() == 2);
    again.assign(again.size(), 0);
    CHECK(copied[0].text() == "hello");
    // Later messages still go through the arena when they cannot be borrowed.
    wire::Bytes parts = frame(ws::Opcode::text, "ab", false, false);
    append(parts, frame(ws::Opcode::continuation, "cd", true, false));
    c.receive_data_borrowing(parts);
    events = c.events();
    REQUIRE(events.size() == 1);
    parts.assign(parts.size(), 0);
    CHECK(text(events[0].payload) == "abcd");
    // Borrowed and copied messages alternate, each with its own bytes.
    for (int round = 0; round < 3; ++round) {
        const std::string a = "in place " + std::to_string(round);
        const std::string b = "copied " + std::to_string(round);
        wire::Bytes borrowed = frame(ws::Opcode::text, a, true, false);
        c.receive_data_borrowing(borrowed);
        events = c.events();
        REQUIRE(events.size() == 1);
        CHECK(events[0].text() == a);
        wire::Bytes copied = frame(ws::Opcode::text, b, true, false);
        c.receive_data(copied);
        copied.assign(copied.size(), 0);
        std::string got;
        c.drain_events([&](const Event& e) { got = std::string(e.text()); });
        CHECK(got == b);
        wire::Bytes split = frame(ws::Opcode::binary, "xy", false, false);
        append(split, frame(ws::Opcode::continuation, "z", true, false));
        c.receive_data_borrowing(split);
        split.assign(split.size(), 0);
        c.drain_events([&](const Event& e) { got = std::string(e.text()); });
        CHECK(got == "xyz");
    }
}

TEST_CASE("borrowed receive: masked frames, partial frames and pings are copied") {
    ws::Connection server{quiet(server_config())};
    wire::Bytes masked = frame(ws::Opcode::text, "masked");
    server.receive_data_borrowing(masked);
    auto events = server.events();
    REQUIRE(events.size() == 1);
    masked.assign(masked.size(), 0);
    CHECK(events[0].text() == "masked"); // unmasked into the arena

    ws::Connection c{quiet(client_config())};
    const wire::Bytes whole = frame(ws::Opcode::text, "split message", true, false);
    wire::Bytes head(whole.begin(), whole.begin() + 5);
    wire::Bytes tail(whole.begin() + 5, whole.end());
    c.receive_data_borrowing(head);
    CHECK(c.events().empty());
    head.assign(head.size(), 0);
    c.receive_data_borrowing(tail);
    events = c.events();
    REQUIRE(events.size() == 1);
    tail.assign(tail.size(), 0);
    CHECK(events[0].text() == "split message");

    wire::Bytes ping = frame(ws::Opcode::ping, "p", true, false);
    c.receive_data_borrowing(ping);
    events = c.events();
    REQUIRE(events.size() == 1);
    ping.assign(ping.size(), 0);
    CHECK(events[0].kind == Event::Kind::ping);
    CHECK(events[0].text() == "p");
}

TEST_CASE("borrowed receive: invalid UTF-8 in a borrowed message fails the connection") {
    ws::Connection c{quiet(client_config())};
    const wire::Bytes bad = frame(ws::Opcode::text, "ok\xff", true, false);
    c.receive_data_borrowing(bad);
    auto events = c.events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == Event::Kind::fail);
    CHECK(events[0].code == ws::close_code::invalid_payload);
    CHECK(c.state() == ws::State::closed);
}

TEST_CASE("borrowed receive: with frame events on, each message follows its frame") {
    ws::Connection c{client_config()};
    wire::Bytes in = frame(ws::Opcode::text, "one", true, false);
    append(in, frame(ws::Opcode::text, "two", true, false));
    c.receive_data_borrowing(in);
    std::vector<Event::Kind> kinds;
    std::vector<std::string> texts;
    c.drain_events([&](const Event& e) {
        kinds.push_back(e.kind);
        if (e.kind == Event::Kind::text) {
            CHECK(e.payload.data() >= in.data());
            CHECK(e.payload.data() < in.data() + in.size());
            texts.emplace_back(e.text());
        } else {
            CHECK(e.frame.length == 3);
        }
    });
    CHECK(kinds == std::vector<Event::Kind>{Event::Kind::frame, Event::Kind::text,
                                            Event::Kind::frame, Event::Kind::text});
    CHECK(texts == std::vector<std::string>{"one", "two"});
    CHECK(c.events().empty());
}

TEST_CASE("drain_events: a lone event, then several, then a close, as events() gives them") {
    ws::Connection c{quiet(client_config())};
    std::vector<std::string> got;
    auto collect = [&](const Event& e) {
        got.push_back(std::string(ws::to_string(e.kind)) + ":" + std::string(e.text()) + ":" +
                      std::to_string(e.code) + ":" + std::string(e.reason));
    };
    // One message (the lone event), copied into the arena.
    c.receive_data(frame(ws::Opcode::text, "solo", true, false));
    c.drain_events(collect);
    CHECK(got == std::vector<std::string>{"text:solo:0:"});
    c.drain_events(collect); // nothing new
    CHECK(got.size() == 1);
    // A ping, a message and a close in one input: three events in order.
    wire::Bytes in = frame(ws::Opcode::ping, "p", true, false);
    append(in, frame(ws::Opcode::binary, "b", true, false));
    append(in, close_frame(1000, "bye", false));
    got.clear();
    c.receive_data(in);
    c.drain_events(collect);
    REQUIRE(got.size() == 3);
    CHECK(got[0] == "ping:p:0:");
    CHECK(got[1] == "binary:b:0:");
    CHECK(got[2] == "close:bye:1000:bye");
    // The end of the transport: a lone close with its literal reason.
    ws::Connection d{quiet(client_config())};
    d.receive_eof();
    got.clear();
    d.drain_events(collect);
    REQUIRE(got.size() == 1);
    CHECK(got[0] == "close::1006:connection closed without a close frame");
    // A failure: the lone fail event carries the code and the reason.
    ws::Connection f{quiet(client_config())};
    f.receive_data(frame(ws::Opcode::text, "x", true, true)); // masked by a server: wrong
    got.clear();
    f.drain_events(collect);
    REQUIRE(got.size() == 1);
    CHECK(got[0] == "fail::1002:server frame masked");
}
