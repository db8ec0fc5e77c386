// Sec-WebSocket-Extensions parsing and formatting.
#include <catch2/catch.hpp>

#include "sim/proto/http/extensions.hpp"

using namespace wirelab::http;

TEST_CASE("extension offers with parameters and quoted values", "[http][extensions]") {
    auto e = parse_extensions(
        "permessage-deflate; client_max_window_bits; server_max_window_bits=\"10\" , x-foo");
    REQUIRE(e);
    REQUIRE(e->size() == 2);
    CHECK((*e)[0].name == "permessage-deflate");
    REQUIRE((*e)[0].params.size() == 2);
    CHECK((*e)[0].params[0].name == "client_max_window_bits");
    CHECK_FALSE((*e)[0].params[0].value);
    CHECK((*e)[0].params[1].value == "10");
    CHECK((*e)[1].name == "x-foo");
    CHECK((*e)[1].params.empty());
    CHECK(format_extensions(*e) ==
          "permessage-deflate; client_max_window_bits; server_max_window_bits=10, x-foo");
}

TEST_CASE("malformed extension lists are refused", "[http][extensions]") {
    CHECK_FALSE(parse_extensions("permessage-deflate;"));
    CHECK_FALSE(parse_extensions("a; b="));
    CHECK_FALSE(parse_extensions("a; b=\"1,2\"")); // unquoted value must be a token
    CHECK_FALSE(parse_extensions("a; b=\"open"));
    CHECK_FALSE(parse_extensions("a b"));
    CHECK_FALSE(parse_extensions("=a"));
    CHECK(parse_extensions("")->empty());
    CHECK(parse_extensions(" , a ,")->size() == 1);
}

TEST_CASE("extensions are gathered over repeated headers", "[http][extensions]") {
    std::string buf = "GET / HTTP/1.1\r\nSec-WebSocket-Extensions: a\r\n"
                      "sec-websocket-extensions: b; x=1\r\n\r\n";
    RequestHead head;
    REQUIRE(parse_request(buf, head).status == ParseStatus::complete);
    auto e = parse_extensions(head.headers);
    REQUIRE(e);
    REQUIRE(e->size() == 2);
    CHECK((*e)[1].params[0].value == "1");
}
