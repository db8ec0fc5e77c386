// One test per protocol violation (RFC 6455 5.x, 7.4, 8.1; Autobahn categories 3, 4, 5, 6, 7):
// the connection fails with the right close code, queues that close frame, reports a fail
// event, and delivers nothing that arrives after the violation.
#include "tests/ws/ws_test_util.hpp"

#include <catch2/catch.hpp>

using namespace wstest;
using Kind = wirelab::ws::Event::Kind;

namespace {

// Feeds: a valid text "before", the violation, a valid text "after"; checks the outcome.
void expect_failure(ws::Connection& c, const wire::Bytes& violation, std::uint16_t code,
                    bool peer_masks = true) {
    wire::Bytes in = frame(FrameSpec{ws::Opcode::text, bytes_of("before"), true, 0, peer_masks});
    append(in, violation);
    append(in, frame(FrameSpec{ws::Opcode::text, bytes_of("after"), true, 0, peer_masks}));
    const std::size_t chunk = GENERATE(as<std::size_t>{}, 1, 2, 5, 0);
    auto got = messages(feed(c, in, chunk));
    REQUIRE(got.size() == 2);
    CHECK(got[0].kind == Kind::text);
    CHECK(got[0].payload == "before");
    CHECK(got[1].kind == Kind::fail);
    CHECK(got[1].code == code);
    CHECK_FALSE(got[1].reason.empty());
    CHECK(c.state() == ws::State::closed);
    CHECK(c.close_code_sent() == code);
    CHECK(sent_close_code(c.data_to_send()) == code);
    // Nothing more is processed.
    c.receive_data(frame(FrameSpec{ws::Opcode::text, bytes_of("later"), true, 0, peer_masks}));
    CHECK(c.events().empty());
}

void expect_server_failure(const wire::Bytes& violation, std::uint16_t code) {
    ws::Connection server(server_config());
    expect_failure(server, violation, code);
}

} // namespace

TEST_CASE("RSV bits without a negotiated extension fail with 1002") {
    const std::uint8_t rsv = GENERATE(range<std::uint8_t>(1, 8));
    expect_server_failure(frame(FrameSpec{ws::Opcode::text, bytes_of("x"), true, rsv}), 1002);
}

TEST_CASE("reserved data opcodes 3-7 fail with 1002") {
    const int op = GENERATE(range(3, 8));
    expect_server_failure(frame(FrameSpec{static_cast<ws::Opcode>(op), bytes_of("x")}), 1002);
}

TEST_CASE("reserved control opcodes B-F fail with 1002") {
    const int op = GENERATE(range(11, 16));
    expect_server_failure(frame(FrameSpec{static_cast<ws::Opcode>(op), bytes_of("x")}), 1002);
}

TEST_CASE("a fragmented control frame fails with 1002") {
    expect_server_failure(frame(ws::Opcode::ping, "x", /*fin=*/false), 1002);
}

TEST_CASE("a control frame over 125 bytes fails with 1002") {
    expect_server_failure(frame(ws::Opcode::ping, std::string(126, 'p')), 1002);
}

TEST_CASE("a continuation with nothing to continue fails with 1002") {
    expect_server_failure(frame(ws::Opcode::continuation, "x"), 1002);
}

TEST_CASE("a new data frame inside a fragmented message fails with 1002") {
    wire::Bytes v = frame(ws::Opcode::text, "frag", false);
    append(v, frame(ws::Opcode::binary, "new"));
    expect_server_failure(v, 1002);
}

TEST_CASE("a server receiving an unmasked frame fails with 1002") {
    expect_server_failure(frame(ws::Opcode::text, "x", true, /*masked=*/false), 1002);
}

TEST_CASE("a client receiving a masked frame fails with 1002") {
    ws::Connection client(client_config());
    expect_failure(client, frame(ws::Opcode::text, "x", true, /*masked=*/true), 1002, false);
}

TEST_CASE("a close frame with a 1-byte body fails with 1002") {
    expect_server_failure(frame(FrameSpec{ws::Opcode::close, {0x03}}), 1002);
}

TEST_CASE("invalid close codes fail with 1002 (Autobahn 7.9.x)") {
    const int code = GENERATE(0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535);
    expect_server_failure(close_frame(static_cast<std::uint16_t>(code)), 1002);
}

TEST_CASE("valid close codes are echoed (Autobahn 7.7.x)") {
    const int code = GENERATE(1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013,
                              1014, 3000, 3999, 4000, 4999);
    ws::Connection server(server_config());
    auto got = messages(feed(server, close_frame(static_cast<std::uint16_t>(code), "bye")));
    REQUIRE(got.size() == 1);
    CHECK(got[0].kind == Kind::close);
    CHECK(got[0].code == code);
    CHECK(got[0].reason == "bye");
    CHECK(sent_close_code(server.data_to_send()) == code);
    CHECK(server.state() == ws::State::closed);
}

TEST_CASE("invalid UTF-8 in a close reason fails with 1007") {
    expect_server_failure(
        close_frame(1000, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"), 1007);
}

TEST_CASE("invalid UTF-8 text fails with 1007") {
    expect_server_failure(frame(ws::Opcode::text, "abc\xc0\xaf"), 1007);
}

TEST_CASE("a message over max_message_size fails with 1009") {
    auto cfg = server_config();
    cfg.max_message_size = 10;
    ws::Connection server(cfg);
    wire::Bytes v = frame(ws::Opcode::text, "123456", false);
    append(v, frame(ws::Opcode::continuation, "789012"));
    expect_failure(server, v, 1009);
}

TEST_CASE("a frame over max_frame_size fails with 1009") {
    auto cfg = server_config();
    cfg.max_frame_size = 8;
    ws::Connection server(cfg);
    expect_failure(server, frame(ws::Opcode::binary, "123456789"), 1009);
}

TEST_CASE("a non-minimal 16-bit length fails with 1002") {
    expect_server_failure(hex("81 fe 00 05 37 fa 21 3d 7f 9f 4d 51 58"), 1002);
}

TEST_CASE("a non-minimal 64-bit length fails with 1002") {
    expect_server_failure(hex("81 ff 00 00 00 00 00 00 00 05 37 fa 21 3d 7f 9f 4d 51 58"), 1002);
}

TEST_CASE("a 64-bit length with its most significant bit set fails with 1002") {
    expect_server_failure(hex("82 ff 80 00 00 00 00 00 00 05 37 fa 21 3d"), 1002);
}

TEST_CASE("UTF-8 fails on the fragment carrying the bad byte, not at message end") {
    ws::Connection server(server_config());
    auto got = messages(feed(server, frame(ws::Opcode::text, "Hello, wor", false)));
    CHECK(got.empty());
    got = messages(feed(server, frame(ws::Opcode::continuation, "ld \xf5 and more", false)));
    REQUIRE(got.size() == 1);
    CHECK(got[0].kind == Kind::fail);
    CHECK(got[0].code == 1007);
    CHECK(got[0].reason == "invalid UTF-8 at byte 13 of the message");
}

TEST_CASE("UTF-8 fails on the chunk carrying the bad byte within one frame") {
    wire::Bytes f = frame(ws::Opcode::text, std::string(40, 'a') + "\xff" + std::string(40, 'b'));
    ws::Connection server(server_config());
    // header (6) + 40 good bytes: nothing yet; the next byte is the bad one.
    server.receive_data({f.data(), 46});
    auto first = server.events();
    REQUIRE(first.size() == 1);
    CHECK(first[0].kind == Kind::frame);
    server.receive_data({f.data() + 46, 1});
    auto ev = server.events();
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].kind == Kind::fail);
    CHECK(ev[0].reason == "invalid UTF-8 at byte 40 of the message");
}

TEST_CASE("text truncated inside a character at message end fails with 1007") {
    expect_server_failure(frame(ws::Opcode::text, "abc\xe2\x82"), 1007);
}

TEST_CASE("data after a received close frame is ignored (Autobahn 7.1.x)") {
    ws::Connection server(server_config());
    wire::Bytes in = close_frame(1000);
    append(in, frame(ws::Opcode::text, "late"));
    append(in, frame(ws::Opcode::ping, "late"));
    auto got = messages(feed(server, in, 1));
    REQUIRE(got.size() == 1);
    CHECK(got[0].kind == Kind::close);
    CHECK(to_hex(server.data_to_send()) == "880203e8");
}

TEST_CASE("fail() by the application queues its close frame and stops input") {
    ws::Connection server(server_config());
    server.fail(1011, "out of memory");
    CHECK(server.state() == ws::State::closed);
    CHECK(to_hex(server.data_to_send()) == "880f03f3" + to_hex(bytes_of("out of memory")));
    auto ev = server.events();
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].kind == Kind::fail);
    CHECK(ev[0].code == 1011);
    CHECK(ev[0].reason == "out of memory");
    server.receive_data(frame(ws::Opcode::text, "x"));
    CHECK(server.events().empty());
    CHECK_FALSE(server.send_text("x"));
}

TEST_CASE("the whole-frame fast path and the piecewise path report the same UTF-8 failure") {
    const std::size_t chunk = GENERATE(as<std::size_t>{}, 1, 0);
    ws::Connection server(server_config());
    auto got = messages(feed(server, frame(ws::Opcode::text, "abc\xed\xa0\x80"), chunk));
    REQUIRE(got.size() == 1);
    CHECK(got[0].reason == "invalid UTF-8 at byte 4 of the message");
    ws::Connection other(server_config());
    got = messages(feed(other, frame(ws::Opcode::text, "abcd\xe2\x82"), chunk));
    REQUIRE(got.size() == 1);
    CHECK(got[0].reason == "invalid UTF-8: message ends inside a character at byte 6");
}
