// The receive fast path (a whole single-frame message in one chunk) checks both size limits
// with one precomputed bound, the smaller nonzero of max_frame_size and max_message_size: a
// frame at that bound is delivered as the general path would, one byte over it fails with
// 1009 as the general path does, and a zero limit means no limit. Also: the role and
// frame_events settings it reads from copies made at construction.
#include "tests/ws/ws_test_util.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <utility>

using namespace wstest;
using Kind = wirelab::ws::Event::Kind;

namespace {

// A server with the two limits gets one whole text frame of `n` bytes in one chunk.
std::vector<Got> receive_whole(std::uint64_t max_frame, std::uint64_t max_message, std::size_t n) {
    auto cfg = server_config();
    cfg.max_frame_size = max_frame;
    cfg.max_message_size = max_message;
    ws::Connection server(cfg);
    return messages(feed(server, frame(ws::Opcode::text, std::string(n, 'x'))));
}

void check_delivered(const std::vector<Got>& got, std::size_t n) {
    REQUIRE(got.size() == 1);
    CHECK(got[0].kind == Kind::text);
    CHECK(got[0].payload == std::string(n, 'x'));
}

void check_too_big(const std::vector<Got>& got) {
    REQUIRE(got.size() == 1);
    CHECK(got[0].kind == Kind::fail);
    CHECK(got[0].code == 1009);
}

} // namespace

TEST_CASE("single frame at the smaller limit is delivered, one byte over fails with 1009") {
    // (max_frame_size, max_message_size): either the smaller, or the only one set.
    const std::pair<std::uint64_t, std::uint64_t> limits[] = {{20, 30}, {30, 20}, {20, 0}, {0, 20}};
    for (const auto& [max_frame, max_message] : limits) {
        INFO("max_frame_size " << max_frame << ", max_message_size " << max_message);
        check_delivered(receive_whole(max_frame, max_message, 20), 20);
        check_too_big(receive_whole(max_frame, max_message, 21));
    }
    // No limit at all.
    check_delivered(receive_whole(0, 0, 70000), 70000);
}

TEST_CASE("single frame: the masking rule follows the role") {
    // A server takes masked frames and fails unmasked ones; a client the other way round.
    ws::Connection server(server_config());
    check_delivered(messages(feed(server, frame(ws::Opcode::text, "xx"))), 2);
    ws::Connection server2(server_config());
    auto got = messages(feed(server2, frame(ws::Opcode::text, "xx", true, false)));
    REQUIRE(got.size() == 1);
    CHECK(got[0].code == 1002);

    ws::Connection client(client_config());
    check_delivered(messages(feed(client, frame(ws::Opcode::text, "xx", true, false))), 2);
    ws::Connection client2(client_config());
    got = messages(feed(client2, frame(ws::Opcode::text, "xx")));
    REQUIRE(got.size() == 1);
    CHECK(got[0].code == 1002);
}

TEST_CASE("single frame: frame events only when configured") {
    auto cfg = server_config();
    cfg.frame_events = false;
    ws::Connection quiet(cfg);
    auto all = feed(quiet, frame(ws::Opcode::binary, "abc"));
    REQUIRE(all.size() == 1);
    CHECK(all[0].kind == Kind::binary);

    ws::Connection loud(server_config());
    all = feed(loud, frame(ws::Opcode::binary, "abc"));
    REQUIRE(all.size() == 2);
    CHECK(all[0].kind == Kind::frame);
    CHECK(all[0].frame.length == 3);
    CHECK(all[1].kind == Kind::binary);
}

TEST_CASE("a moved connection keeps its role and limits") {
    auto cfg = server_config();
    cfg.max_message_size = 4;
    ws::Connection moved(cfg);
    ws::Connection server(std::move(moved));
    check_too_big(messages(feed(server, frame(ws::Opcode::text, "12345"))));
    CHECK_FALSE(server.sends_plain_frames()); // closed now
    ws::Connection plain = ws::Connection(server_config());
    CHECK(plain.sends_plain_frames());
}
