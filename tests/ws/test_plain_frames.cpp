// Connection::sends_plain_frames: when a caller may write a frame it built once (a
// broadcast) instead of send_text: only a server's OPEN connection without deflate and with
// nothing queued, where send_text would queue exactly that one unmasked frame.
#include "sim/proto/ws/connection.hpp"
#include "sim/proto/ws/frame.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace wirelab;

namespace {
wire::Bytes frame_of(std::string_view text) {
    ws::FrameHeader h;
    h.opcode = ws::Opcode::text;
    ws::ByteBuffer out;
    ws::write_frame(out, h, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    return {out.data(), out.data() + out.size()};
}
} // namespace

TEST_CASE("sends_plain_frames: a server's open connection, no deflate, output drained") {
    ws::Connection server{ws::Config{}};
    CHECK(server.sends_plain_frames());
    // Then send_text queues exactly the frame write_frame builds, at every length class.
    for (std::size_t n : {0u, 1u, 125u, 126u, 65535u, 65536u}) {
        const std::string text(n, 'x');
        REQUIRE(server.sends_plain_frames());
        REQUIRE(server.send_text(text));
        const wire::ByteView out = server.pending_output();
        CHECK(wire::Bytes(out.begin(), out.end()) == frame_of(text));
        CHECK_FALSE(server.sends_plain_frames()); // output queued
        server.consume_output(out.size());
    }
    CHECK(server.sends_plain_frames());
    REQUIRE(server.send_close());
    server.consume_output(server.pending_output().size());
    CHECK(server.state() == ws::State::closing);
    CHECK_FALSE(server.sends_plain_frames());
}

TEST_CASE("sends_plain_frames: never for a client, with deflate, or before OPEN") {
    ws::Config client;
    client.role = ws::Role::client;
    client.mask_source = [] { return ws::MaskKey{1, 2, 3, 4}; };
    CHECK_FALSE(ws::Connection{client}.sends_plain_frames());

    ws::Config deflate;
    deflate.deflate = ws::DeflateConfig{};
    CHECK_FALSE(ws::Connection{deflate}.sends_plain_frames());

    ws::Config connecting;
    connecting.start_open = false;
    ws::Connection c{connecting};
    CHECK_FALSE(c.sends_plain_frames());
    c.open();
    CHECK(c.sends_plain_frames());
}
