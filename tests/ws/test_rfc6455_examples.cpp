// RFC 6455 section 5.7 examples, byte for byte, in both directions, and each input fed at
// every chunk size (as wslay's tests feed `feedseq`).
#include "tests/ws/ws_test_util.hpp"

#include <catch2/catch.hpp>

using namespace wstest;
using Kind = wirelab::ws::Event::Kind;

namespace {
const wire::Bytes unmasked_hello = hex("81 05 48 65 6c 6c 6f");
const wire::Bytes masked_hello = hex("81 85 37 fa 21 3d 7f 9f 4d 51 58");
const wire::Bytes fragmented_hello = hex("01 03 48 65 6c 80 02 6c 6f");
const wire::Bytes unmasked_ping = hex("89 05 48 65 6c 6c 6f");
const wire::Bytes masked_pong = hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58");
} // namespace

TEST_CASE("server writes the single-frame unmasked Hello of RFC 6455 5.7") {
    ws::Connection server(server_config());
    REQUIRE(server.send_text("Hello"));
    CHECK(to_hex(server.data_to_send()) == to_hex(unmasked_hello));
}

TEST_CASE("client writes the masked Hello with key 37 fa 21 3d") {
    ws::Connection client(client_config());
    REQUIRE(client.send_text("Hello"));
    CHECK(to_hex(client.data_to_send()) == to_hex(masked_hello));
}

TEST_CASE("server writes the fragmented Hel + lo") {
    ws::Connection server(server_config());
    REQUIRE(server.send_text("Hello", 3));
    CHECK(to_hex(server.data_to_send()) == to_hex(fragmented_hello));
}

TEST_CASE("server writes the unmasked ping and the client the masked pong") {
    ws::Connection server(server_config());
    REQUIRE(server.send_ping(bytes_of("Hello")));
    CHECK(to_hex(server.data_to_send()) == to_hex(unmasked_ping));
    ws::Connection client(client_config());
    REQUIRE(client.send_pong(bytes_of("Hello")));
    CHECK(to_hex(client.data_to_send()) == to_hex(masked_pong));
}

TEST_CASE("256-byte and 64 KiB binary frames use the 16-bit and 64-bit length forms") {
    ws::Connection server(server_config());
    REQUIRE(server.send_binary(wire::Bytes(256, 0xab)));
    auto out = server.data_to_send();
    REQUIRE(out.size() == 4 + 256);
    CHECK(to_hex({out.begin(), out.begin() + 4}) == "827e0100");
    REQUIRE(server.send_binary(wire::Bytes(65536, 0xcd)));
    out = server.data_to_send();
    REQUIRE(out.size() == 10 + 65536);
    CHECK(to_hex({out.begin(), out.begin() + 10}) == "827f0000000000010000");
}

TEST_CASE("client reads the unmasked Hello at every chunk size") {
    const std::size_t chunk = GENERATE(range<std::size_t>(1, 8));
    ws::Connection client(client_config());
    auto got = feed(client, unmasked_hello, chunk);
    REQUIRE(got.size() == 2);
    CHECK(got[0].kind == Kind::frame);
    CHECK(got[0].frame.fin);
    CHECK(got[0].frame.length == 5);
    CHECK(got[1].kind == Kind::text);
    CHECK(got[1].payload == "Hello");
}

TEST_CASE("server reads the masked Hello at every chunk size") {
    const std::size_t chunk = GENERATE(range<std::size_t>(1, 12));
    ws::Connection server(server_config());
    auto got = messages(feed(server, masked_hello, chunk));
    REQUIRE(got.size() == 1);
    CHECK(got[0].kind == Kind::text);
    CHECK(got[0].payload == "Hello");
    CHECK(server.data_to_send().empty());
}

TEST_CASE("client reassembles the fragmented Hello at every chunk size") {
    const std::size_t chunk = GENERATE(range<std::size_t>(1, 10));
    ws::Connection client(client_config());
    auto all = feed(client, fragmented_hello, chunk);
    REQUIRE(all.size() == 3);
    CHECK(all[0].frame.opcode == ws::Opcode::text);
    CHECK_FALSE(all[0].frame.fin);
    CHECK(all[1].frame.opcode == ws::Opcode::continuation);
    CHECK(all[1].frame.fin);
    CHECK(all[2].kind == Kind::text);
    CHECK(all[2].payload == "Hello");
}

TEST_CASE("client answers the unmasked ping with the masked pong of 5.7") {
    const std::size_t chunk = GENERATE(range<std::size_t>(1, 8));
    ws::Connection client(client_config());
    auto got = messages(feed(client, unmasked_ping, chunk));
    REQUIRE(got.size() == 1);
    CHECK(got[0].kind == Kind::ping);
    CHECK(got[0].payload == "Hello");
    CHECK(to_hex(client.data_to_send()) == to_hex(masked_pong));
}

TEST_CASE("server reads the masked pong at every chunk size") {
    const std::size_t chunk = GENERATE(range<std::size_t>(1, 12));
    ws::Connection server(server_config());
    auto got = messages(feed(server, masked_pong, chunk));
    REQUIRE(got.size() == 1);
    CHECK(got[0].kind == Kind::pong);
    CHECK(got[0].payload == "Hello");
    CHECK(server.data_to_send().empty());
}

TEST_CASE("server reads 256-byte and 64 KiB masked binary frames at many chunk sizes") {
    const std::size_t chunk = GENERATE(as<std::size_t>{}, 1, 2, 3, 5, 7, 13, 125, 126, 4096, 0);
    wire::Bytes p256(256), p64k(65536);
    for (std::size_t i = 0; i < p256.size(); ++i)
        p256[i] = static_cast<std::uint8_t>(i);
    for (std::size_t i = 0; i < p64k.size(); ++i)
        p64k[i] = static_cast<std::uint8_t>(i * 7);
    wire::Bytes in = frame({ws::Opcode::binary, p256});
    append(in, frame({ws::Opcode::binary, p64k}));
    ws::Connection server(server_config());
    auto got = messages(feed(server, in, chunk));
    REQUIRE(got.size() == 2);
    CHECK(got[0].payload == std::string(p256.begin(), p256.end()));
    CHECK(got[1].payload == std::string(p64k.begin(), p64k.end()));
}

TEST_CASE("all 5.7 frames back to back, at every chunk size") {
    const std::size_t chunk = GENERATE(range<std::size_t>(1, 36));
    wire::Bytes in = unmasked_hello;
    append(in, fragmented_hello);
    append(in, unmasked_ping);
    append(in, hex("8a 05 48 65 6c 6c 6f")); // unmasked pong
    ws::Connection client(client_config());
    auto got = messages(feed(client, in, chunk));
    REQUIRE(got.size() == 4);
    CHECK(got[0].payload == "Hello");
    CHECK(got[1].payload == "Hello");
    CHECK(got[2].kind == Kind::ping);
    CHECK(got[3].kind == Kind::pong);
}
