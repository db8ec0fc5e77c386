// permessage-deflate (RFC 7692): the section 7.2.3 example bytes, context takeover versus
// no_context_takeover, round trips, the decompressed-size limit, and the
// Sec-WebSocket-Extensions negotiation helpers.
#include "sim/proto/ws/deflate.hpp"
#include "tests/ws/ws_test_util.hpp"

#include <catch2/catch.hpp>

#include <random>

using namespace wstest;
using Kind = wirelab::ws::Event::Kind;

namespace {
ws::Config with_deflate(ws::Config c, ws::DeflateConfig d = {}) {
    c.deflate = d;
    return c;
}
} // namespace

TEST_CASE("7.2.3.1: Hello compresses to f2 48 cd c9 c9 07 00 with RSV1 set") {
    ws::Connection server(with_deflate(server_config()));
    REQUIRE(server.send_text("Hello"));
    CHECK(to_hex(server.data_to_send()) == "c107f248cdc9c90700");
}

TEST_CASE("7.2.3.2: with context takeover the second Hello uses a back-reference") {
    ws::Connection server(with_deflate(server_config()));
    server.send_text("Hello");
    server.data_to_send();
    server.send_text("Hello");
    CHECK(to_hex(server.data_to_send()) == "c105f200110000");
}

TEST_CASE("7.2.3.2: with server_no_context_takeover every Hello compresses the same") {
    ws::DeflateConfig d;
    d.server_no_context_takeover = true;
    ws::Connection server(with_deflate(server_config(), d));
    server.send_text("Hello");
    CHECK(to_hex(server.data_to_send()) == "c107f248cdc9c90700");
    server.send_text("Hello");
    CHECK(to_hex(server.data_to_send()) == "c107f248cdc9c90700");
}

TEST_CASE("7.2.3.1/7.2.3.3: a client decodes the RFC's compressed, fragmented and stored Hellos") {
    const std::size_t chunk = GENERATE(range<std::size_t>(1, 14));
    wire::Bytes in = hex("c1 07 f2 48 cd c9 c9 07 00");        // 7.2.3.1
    append(in, hex("41 03 f2 48 cd 80 04 c9 c9 07 00"));       // 7.2.3.1 fragmented
    append(in, hex("c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00")); // 7.2.3.3 stored block
    append(in, hex("81 05 48 65 6c 6c 6f"));                   // uncompressed is still allowed
    ws::Connection client(with_deflate(client_config()));
    auto got = messages(feed(client, in, chunk));
    REQUIRE(got.size() == 4);
    for (const auto& g : got) {
        CHECK(g.kind == Kind::text);
        CHECK(g.payload == "Hello");
    }
}

TEST_CASE("7.2.3.2: a client decodes the context-takeover pair") {
    wire::Bytes in = hex("c1 07 f2 48 cd c9 c9 07 00 c1 05 f2 00 11 00 00");
    ws::Connection client(with_deflate(client_config()));
    auto got = messages(feed(client, in, 1));
    REQUIRE(got.size() == 2);
    CHECK(got[1].payload == "Hello");
}

TEST_CASE("deflate round trip both ways, fragmented, at odd chunk sizes") {
    const bool no_context = GENERATE(false, true);
    const int bits = GENERATE(8, 9, 15);
    ws::DeflateConfig d;
    d.server_no_context_takeover = no_context;
    d.client_no_context_takeover = no_context;
    d.server_max_window_bits = bits;
    d.client_max_window_bits = bits;
    ws::Connection client(with_deflate(client_config({9, 8, 7, 6}), d));
    ws::Connection server(with_deflate(server_config(), d));
    std::mt19937 rng(7);
    for (int i = 0; i < 20; ++i) {
        std::string msg;
        const std::size_t len = rng() % 5000;
        for (std::size_t k = 0; k < len; ++k)
            msg += "abcdefgh\xc3\xa9"[rng() % 8];
        REQUIRE(client.send_text(msg, i % 3 ? 0 : 17));
        auto at_server = messages(feed(server, client.data_to_send(), 1 + i * 13));
        REQUIRE(at_server.size() == 1);
        CHECK(at_server[0].payload == msg);
        REQUIRE(server.send_binary(bytes_of(msg), i % 2 ? 0 : 100));
        auto at_client = messages(feed(client, server.data_to_send(), 3 + i));
        REQUIRE(at_client.size() == 1);
        CHECK(at_client[0].kind == Kind::binary);
        CHECK(at_client[0].payload == msg);
    }
}

TEST_CASE("context takeover makes a repeated message smaller, no_context_takeover does not") {
    const std::string msg(300, 'q');
    auto sizes = [&](bool no_context) {
        ws::DeflateConfig d;
        d.server_no_context_takeover = no_context;
        ws::Connection server(with_deflate(server_config(), d));
        const std::string text = "the quick brown fox jumps over the lazy dog " + msg;
        server.send_text(text);
        const std::size_t first = server.data_to_send().size();
        server.send_text(text);
        return std::pair{first, server.data_to_send().size()};
    };
    auto [a1, a2] = sizes(false);
    auto [b1, b2] = sizes(true);
    CHECK(a2 < a1);
    CHECK(b2 == b1);
}

TEST_CASE("a decompression bomb is stopped at max_message_size with 1009") {
    auto cfg = with_deflate(server_config());
    cfg.max_message_size = 1000;
    ws::Connection server(cfg);
    // 1 MiB of zeros deflated by a client.
    ws::Connection client(with_deflate(client_config()));
    client.send_binary(wire::Bytes(1 << 20, 0));
    auto wire_bytes = client.data_to_send();
    CHECK(wire_bytes.size() < 2000);
    auto got = messages(feed(server, wire_bytes));
    REQUIRE(got.size() == 1);
    CHECK(got[0].kind == Kind::fail);
    CHECK(got[0].code == 1009);
}

TEST_CASE("RSV1 on a control frame or a continuation fails with 1002 even with deflate") {
    ws::Connection server(with_deflate(server_config()));
    auto got = messages(feed(server, frame(FrameSpec{ws::Opcode::ping, {}, true, 0x4})));
    REQUIRE(got.size() == 1);
    CHECK(got[0].code == 1002);
    ws::Connection server2(with_deflate(server_config()));
    wire::Bytes in = frame(ws::Opcode::text, "a", false);
    append(in, frame(FrameSpec{ws::Opcode::continuation, bytes_of("b"), true, 0x4}));
    got = messages(feed(server2, in));
    REQUIRE(got.size() == 1);
    CHECK(got[0].code == 1002);
}

TEST_CASE("corrupt deflate data fails with 1007") {
    ws::Connection client(with_deflate(client_config()));
    auto got = messages(feed(client, hex("c1 03 ff ff ff")));
    REQUIRE_FALSE(got.empty());
    CHECK(got.back().kind == Kind::fail);
    CHECK(got.back().code == 1007);
}

TEST_CASE("parse_extensions reads tokens, quoted values and several offers") {
    auto e = ws::parse_extensions(
        "permessage-deflate; client_max_window_bits; server_max_window_bits=\"10\", "
        "permessage-deflate, x-webkit-deflate-frame");
    REQUIRE(e);
    REQUIRE(e->size() == 3);
    CHECK((*e)[0].params.size() == 2);
    CHECK((*e)[0].params[1].second == "10");
    CHECK((*e)[2].name == "x-webkit-deflate-frame");
    CHECK_FALSE(ws::parse_extensions("permessage-deflate; =1"));
    CHECK_FALSE(ws::parse_extensions("permessage-deflate; a=\"unterminated"));
}

TEST_CASE("negotiate accepts the common browser offer") {
    auto n = ws::negotiate("permessage-deflate; client_max_window_bits");
    REQUIRE(n);
    CHECK(n->response == "permessage-deflate");
    CHECK(n->config.client_max_window_bits == 15);
    CHECK_FALSE(n->config.server_no_context_takeover);
}

TEST_CASE("negotiate honours offered parameters and the server policy") {
    ws::DeflateServerPolicy policy;
    policy.server_no_context_takeover = true;
    policy.server_max_window_bits = 12;
    auto n = ws::negotiate(
        "permessage-deflate; client_no_context_takeover; client_max_window_bits=10", policy);
    REQUIRE(n);
    CHECK(n->response == "permessage-deflate; server_no_context_takeover; "
                         "client_no_context_takeover; server_max_window_bits=12; "
                         "client_max_window_bits=10");
    CHECK(n->config.server_no_context_takeover);
    CHECK(n->config.client_no_context_takeover);
    CHECK(n->config.server_max_window_bits == 12);
    CHECK(n->config.client_max_window_bits == 10);
}

TEST_CASE("negotiate skips invalid offers and falls back to the next one") {
    auto n = ws::negotiate("permessage-deflate; server_max_window_bits=7, "
                           "permessage-deflate; unknown_param, permessage-deflate; "
                           "server_no_context_takeover; server_no_context_takeover, "
                           "permessage-deflate; server_max_window_bits=9");
    REQUIRE(n);
    CHECK(n->response == "permessage-deflate; server_max_window_bits=9");
    CHECK_FALSE(ws::negotiate("permessage-deflate; server_max_window_bits"));
    CHECK_FALSE(ws::negotiate("x-other"));
    CHECK_FALSE(ws::negotiate(""));
}

TEST_CASE("format_offer and accept_response on the client side") {
    ws::DeflateOffer offer;
    CHECK(ws::format_offer(offer) == "permessage-deflate; client_max_window_bits");
    std::string err;
    auto cfg = ws::accept_response("permessage-deflate; server_max_window_bits=10; "
                                   "client_max_window_bits=11",
                                   offer, &err);
    REQUIRE(cfg);
    CHECK(cfg->server_max_window_bits == 10);
    CHECK(cfg->client_max_window_bits == 11);
    CHECK_FALSE(ws::accept_response("permessage-deflate; bogus", offer, &err));
    CHECK_FALSE(ws::accept_response("x-other", offer, &err));
    CHECK(err == "the server accepted an extension that was not offered");
    offer.client_max_window_bits_hint = false;
    CHECK_FALSE(ws::accept_response("permessage-deflate; client_max_window_bits=11", offer, &err));
    ws::DeflateOffer strict;
    strict.server_max_window_bits = 10;
    strict.server_no_context_takeover = true;
    CHECK(ws::format_offer(strict) ==
          "permessage-deflate; server_no_context_takeover; server_max_window_bits=10; "
          "client_max_window_bits");
    CHECK_FALSE(ws::accept_response("permessage-deflate; server_no_context_takeover", strict));
    CHECK_FALSE(ws::accept_response(
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=11", strict));
    CHECK(ws::accept_response(
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=9", strict));
}

TEST_CASE("a negotiated pair talks: negotiate -> accept_response -> Connection") {
    ws::DeflateOffer offer;
    offer.client_no_context_takeover = true;
    auto n = ws::negotiate(ws::format_offer(offer));
    REQUIRE(n);
    auto cfg = ws::accept_response(n->response, offer);
    REQUIRE(cfg);
    CHECK(cfg->client_no_context_takeover);
    ws::Connection client(with_deflate(client_config(), *cfg));
    ws::Connection server(with_deflate(server_config(), n->config));
    client.send_text("negotiated and compressed");
    auto got = messages(feed(server, client.data_to_send()));
    REQUIRE(got.size() == 1);
    CHECK(got[0].payload == "negotiated and compressed");
}
