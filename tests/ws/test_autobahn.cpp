// Behaviour modelled on the Autobahn|Testsuite categories: 1 framing, 2 pings/pongs,
// 5 fragmentation, 7 close handling, 9 limits/large messages, 10 auto-fragmentation.
// (Categories 3, 4, 6 and the failing parts of 7 are in test_violations.cpp / test_utf8.cpp.)
#include "tests/ws/ws_test_util.hpp"

#include <catch2/catch.hpp>

using namespace wstest;
using Kind = wirelab::ws::Event::Kind;

namespace {
// A client and a server wired back to back: everything one sends the other receives.
struct Pair {
    ws::Connection client{client_config({1, 2, 3, 4})};
    ws::Connection server{server_config()};
    std::vector<Got> to_server(std::size_t chunk = 0) {
        return feed(server, client.data_to_send(), chunk);
    }
    std::vector<Got> to_client(std::size_t chunk = 0) {
        return feed(client, server.data_to_send(), chunk);
    }
};
} // namespace

TEST_CASE("1.1/1.2: text and binary of every length class round-trip") {
    const std::size_t len = GENERATE(as<std::size_t>{}, 0, 1, 125, 126, 127, 128, 65535, 65536);
    const bool binary = GENERATE(false, true);
    std::string payload(len, '*');
    for (std::size_t i = 0; i < len; ++i)
        payload[i] = static_cast<char>('a' + i % 26);
    Pair p;
    if (binary) {
        REQUIRE(p.client.send_binary(bytes_of(payload)));
    } else {
        REQUIRE(p.client.send_text(payload));
    }
    auto got = messages(p.to_server(997));
    REQUIRE(got.size() == 1);
    CHECK(got[0].kind == (binary ? Kind::binary : Kind::text));
    CHECK(got[0].payload == payload);
    REQUIRE(p.server.send_text(got[0].payload));
    auto echo = messages(p.to_client(1));
    REQUIRE(echo.size() == 1);
    CHECK(echo[0].payload == payload);
}

TEST_CASE("2.x: pings of 0 and 125 bytes are answered with identical pongs") {
    const std::size_t len = GENERATE(as<std::size_t>{}, 0, 125);
    Pair p;
    REQUIRE(p.client.send_ping(wire::Bytes(len, 0xfe)));
    auto got = messages(p.to_server());
    REQUIRE(got.size() == 1);
    CHECK(got[0].kind == Kind::ping);
    auto back = messages(p.to_client());
    REQUIRE(back.size() == 1);
    CHECK(back[0].kind == Kind::pong);
    CHECK(back[0].payload == std::string(len, '\xfe'));
}

TEST_CASE("2.x: a ping over 125 bytes cannot be sent") {
    Pair p;
    CHECK_FALSE(p.client.send_ping(wire::Bytes(126, 0)));
    CHECK(p.client.data_to_send().empty());
}

TEST_CASE("2.7: an unsolicited pong is reported and not answered") {
    ws::Connection server(server_config());
    auto got = messages(feed(server, frame(ws::Opcode::pong, "unsolicited")));
    REQUIRE(got.size() == 1);
    CHECK(got[0].kind == Kind::pong);
    CHECK(server.data_to_send().empty());
}

TEST_CASE("2.10: ten pings in one chunk get ten pongs in order") {
    wire::Bytes in;
    for (int i = 0; i < 10; ++i)
        append(in, frame(ws::Opcode::ping, "p" + std::to_string(i)));
    ws::Connection server(server_config());
    auto got = messages(feed(server, in));
    REQUIRE(got.size() == 10);
    wire::Bytes expect;
    for (int i = 0; i < 10; ++i)
        append(expect, frame(ws::Opcode::pong, "p" + std::to_string(i), true, false));
    CHECK(server.data_to_send() == expect);
}

TEST_CASE("5.x: control frames interleaved in a fragmented message are delivered at once") {
    const std::size_t chunk = GENERATE(as<std::size_t>{}, 1, 3, 0);
    wire::Bytes in = frame(ws::Opcode::text, "frag", false);
    append(in, frame(ws::Opcode::ping, "ping!"));
    append(in, frame(ws::Opcode::continuation, "men", false));
    append(in, frame(ws::Opcode::pong, "pong!"));
    append(in, frame(ws::Opcode::continuation, "ted"));
    ws::Connection server(server_config());
    auto got = messages(feed(server, in, chunk));
    REQUIRE(got.size() == 3);
    CHECK(got[0].kind == Kind::ping);
    CHECK(got[1].kind == Kind::pong);
    CHECK(got[2].kind == Kind::text);
    CHECK(got[2].payload == "fragmented");
    CHECK(to_hex(server.data_to_send()) == "8a05" + to_hex(bytes_of("ping!")));
}

TEST_CASE("5.x: a message in 1-byte fragments, and with empty fragments, reassembles") {
    std::string text = "fragmented \xe2\x82\xac text"; // split inside the euro sign too
    wire::Bytes in;
    for (std::size_t i = 0; i < text.size(); ++i) {
        append(in, frame(i == 0 ? ws::Opcode::text : ws::Opcode::continuation, text.substr(i, 1),
                         false));
        append(in, frame(ws::Opcode::continuation, "", false));
    }
    append(in, frame(ws::Opcode::continuation, ""));
    ws::Connection server(server_config());
    auto got = messages(feed(server, in, 7));
    REQUIRE(got.size() == 1);
    CHECK(got[0].payload == text);
}

TEST_CASE("5.x: a continuation after the final fragment fails with 1002") {
    wire::Bytes in = frame(ws::Opcode::text, "a", false);
    append(in, frame(ws::Opcode::continuation, "b"));
    append(in, frame(ws::Opcode::continuation, "c"));
    ws::Connection server(server_config());
    auto got = messages(feed(server, in));
    REQUIRE(got.size() == 2);
    CHECK(got[0].payload == "ab");
    CHECK(got[1].kind == Kind::fail);
    CHECK(got[1].code == 1002);
}

TEST_CASE("7.x: closing handshake started by the client") {
    Pair p;
    REQUIRE(p.client.send_close(1000, "done"));
    CHECK(p.client.state() == ws::State::closing);
    CHECK_FALSE(p.client.send_text("too late"));
    auto at_server = messages(p.to_server());
    REQUIRE(at_server.size() == 1);
    CHECK(at_server[0].kind == Kind::close);
    CHECK(at_server[0].code == 1000);
    CHECK(at_server[0].reason == "done");
    CHECK(p.server.state() == ws::State::closed);
    CHECK(p.server.close_expected()); // the server closes TCP first
    auto at_client = messages(p.to_client());
    REQUIRE(at_client.size() == 1);
    CHECK(at_client[0].code == 1000);
    CHECK(at_client[0].reason.empty()); // the echo carries the code only
    CHECK(p.client.state() == ws::State::closed);
    CHECK_FALSE(p.client.close_expected()); // the client waits for the server's FIN
    p.client.receive_eof();
    CHECK(p.client.close_expected());
    CHECK(p.client.events().empty()); // no 1006: the close frame had arrived
}

TEST_CASE("7.x: a close with an empty body is reported as 1005 and echoed empty") {
    ws::Connection server(server_config());
    auto got = messages(feed(server, frame(ws::Opcode::close, "")));
    REQUIRE(got.size() == 1);
    CHECK(got[0].code == 1005);
    CHECK(to_hex(server.data_to_send()) == "8800");
}

TEST_CASE("7.x: data frames still arrive while our close is in flight") {
    ws::Connection server(server_config());
    REQUIRE(server.send_close(1001));
    CHECK(to_hex(server.data_to_send()) == "880203e9");
    wire::Bytes in = frame(ws::Opcode::text, "in flight");
    append(in, close_frame(1000));
    auto got = messages(feed(server, in));
    REQUIRE(got.size() == 2);
    CHECK(got[0].payload == "in flight");
    CHECK(got[1].code == 1000);
    CHECK(server.data_to_send().empty()); // no second close frame
    CHECK(server.state() == ws::State::closed);
}

TEST_CASE("7.x: EOF without a close frame reports 1006") {
    ws::Connection server(server_config());
    feed(server, frame(ws::Opcode::text, "half", false));
    server.receive_eof();
    auto ev = server.events();
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].kind == Kind::close);
    CHECK(ev[0].code == 1006);
    CHECK(server.state() == ws::State::closed);
}

TEST_CASE("9.x: 1 MiB text and binary messages in 64 KiB frames, fed in 4 KiB chunks") {
    const bool binary = GENERATE(false, true);
    std::string payload(1 << 20, 'x');
    for (std::size_t i = 0; i < payload.size(); i += 97)
        payload[i] = 'y';
    Pair p;
    if (binary) {
        REQUIRE(p.client.send_binary(bytes_of(payload), 65536));
    } else {
        REQUIRE(p.client.send_text(payload, 65536));
    }
    auto all = p.to_server(4096);
    auto got = messages(all);
    REQUIRE(got.size() == 1);
    CHECK(all.size() == 17); // 16 frame headers + the message
    CHECK(got[0].payload == payload);
}

TEST_CASE("10.1: auto-fragmentation splits at the chosen size and reassembles") {
    const std::size_t frag = GENERATE(as<std::size_t>{}, 1, 2, 64, 65535, 65536, 100000);
    std::string payload(65536, 'z');
    Pair p;
    REQUIRE(p.server.send_text(payload, frag));
    auto all = p.to_client(frag == 1 ? 0 : 1000);
    const std::size_t frames = (payload.size() + frag - 1) / frag;
    CHECK(all.size() == frames + 1);
    CHECK(all.front().frame.opcode == ws::Opcode::text);
    CHECK(all.front().frame.fin == (frames == 1));
    CHECK(all[frames - 1].frame.fin);
    CHECK(all.back().payload == payload);
}

TEST_CASE("CONNECTING buffers bytes until open()") {
    auto cfg = server_config();
    cfg.start_open = false;
    ws::Connection server(cfg);
    CHECK(server.state() == ws::State::connecting);
    CHECK_FALSE(server.send_text("not yet"));
    server.receive_data(frame(ws::Opcode::text, "early"));
    CHECK(server.events().empty());
    server.open();
    CHECK(server.state() == ws::State::open);
    auto got = messages([&] {
        std::vector<Got> out;
        drain(server, out);
        return out;
    }());
    REQUIRE(got.size() == 1);
    CHECK(got[0].payload == "early");
    CHECK(ws::to_string(server.state()) == "OPEN");
}

TEST_CASE("event views stay valid across many messages in one chunk and arenas are reused") {
    wire::Bytes in;
    for (int i = 0; i < 100; ++i)
        append(in, frame(ws::Opcode::text, "message " + std::to_string(i)));
    ws::Connection server(server_config());
    for (int round = 0; round < 3; ++round) {
        server.receive_data(in);
        auto ev = server.events();
        int n = 0;
        for (const auto& e : ev) {
            if (e.kind != Kind::text) continue;
            CHECK(e.text() == "message " + std::to_string(n));
            ++n;
        }
        CHECK(n == 100);
    }
}

TEST_CASE("consume_output hands out bytes piecewise") {
    ws::Connection server(server_config());
    server.send_text("Hello");
    auto out = server.pending_output();
    REQUIRE(out.size() == 7);
    server.consume_output(3);
    CHECK(to_hex(wire::Bytes(server.pending_output().begin(), server.pending_output().end())) ==
          "656c6c6f");
    server.consume_output(4);
    CHECK(server.pending_output().empty());
}
