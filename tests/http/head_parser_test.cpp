// The HTTP/1.1 head parser: views into the caller's buffer, need-more on every prefix,
// strict line and field rules, the size and count limits.
#include <catch2/catch.hpp>

#include <string>

#include "sim/proto/http/head_parser.hpp"

using namespace wirelab::http;

namespace {
const std::string rfc_request = "GET /chat HTTP/1.1\r\n"
                                "Host: server.example.com\r\n"
                                "Upgrade: websocket\r\n"
                                "Connection: Upgrade\r\n"
                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                "Origin: http://example.com\r\n"
                                "Sec-WebSocket-Protocol: chat, superchat\r\n"
                                "Sec-WebSocket-Version: 13\r\n"
                                "\r\n";
} // namespace

TEST_CASE("request head parses into views of the caller's buffer", "[http][parser]") {
    std::string buf = rfc_request + "\x81\x05Hello";
    RequestHead head;
    ParseResult r = parse_request(buf, head);
    REQUIRE(r.status == ParseStatus::complete);
    CHECK(r.consumed == rfc_request.size());
    CHECK(head.method == "GET");
    CHECK(head.target == "/chat");
    CHECK(head.version_major == 1);
    CHECK(head.version_minor == 1);
    REQUIRE(head.headers.size() == 7);
    CHECK(head.headers[0].name == "Host");
    CHECK(head.headers[0].value == "server.example.com");
    // Zero-copy: the views point into `buf`.
    CHECK(head.method.data() == buf.data());
    CHECK(head.headers[6].value.data() >= buf.data());
    CHECK(head.headers[6].value.data() < buf.data() + buf.size());
}

TEST_CASE("every strict prefix of a head needs more", "[http][parser]") {
    for (std::size_t n = 0; n < rfc_request.size(); ++n) {
        RequestHead head;
        INFO("prefix length " << n);
        CHECK(parse_request(std::string_view(rfc_request).substr(0, n), head).status ==
              ParseStatus::need_more);
    }
}

TEST_CASE("header values lose surrounding whitespace and names match case-insensitively",
          "[http][parser]") {
    std::string buf = "GET / HTTP/1.1\r\nhOsT: \t a b \t\r\nX-Empty:\r\n\r\n";
    RequestHead head;
    REQUIRE(parse_request(buf, head).status == ParseStatus::complete);
    REQUIRE(find_header(head.headers, "HOST") != nullptr);
    CHECK(find_header(head.headers, "host")->value == "a b");
    CHECK(find_header(head.headers, "x-empty")->value.empty());
    CHECK(find_header(head.headers, "Upgrade") == nullptr);
}

TEST_CASE("list headers are split on commas across repeated fields", "[http][parser]") {
    std::string buf = "GET / HTTP/1.1\r\nConnection: keep-alive, ,Upgrade\r\n"
                      "Connection: close\r\n\r\n";
    RequestHead head;
    REQUIRE(parse_request(buf, head).status == ParseStatus::complete);
    CHECK(has_token(head.headers, "connection", "upgrade"));
    CHECK(has_token(head.headers, "Connection", "CLOSE"));
    CHECK(has_token(head.headers, "Connection", "keep-alive"));
    CHECK_FALSE(has_token(head.headers, "Connection", "keep"));
    CHECK(count_headers(head.headers, "CONNECTION") == 2);
}

TEST_CASE("malformed heads are refused with the reason", "[http][parser]") {
    struct Case {
        const char* text;
        ParseError error;
    };
    auto c = GENERATE(values<Case>({
        {"GET / HTTP/1.1\nHost: a\r\n\r\n", ParseError::bare_lf},
        {"GET / HTTP/1.1\r\nHost: a\n\r\n", ParseError::bare_lf},
        {"GET / HTTP/1.1\r\nHost: a\r\n\n", ParseError::bare_lf},
        {"GET / HTTP/1.1\r\nHo\rst: a\r\n\r\n", ParseError::bare_cr},
        {"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", ParseError::obs_fold},
        {"GET / HTTP/1.1\r\n\tHost: a\r\n\r\n", ParseError::obs_fold},
        {"GET / HTTP/1.1\r\nHost : a\r\n\r\n", ParseError::space_before_colon},
        {"GET / HTTP/1.1\r\nHost a\r\n\r\n", ParseError::missing_colon},
        {"GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", ParseError::bad_header_name},
        {"GET / HTTP/1.1\r\n: a\r\n\r\n", ParseError::bad_header_name},
        {"GET / HTTP/1.1\r\nHost: a\x01\r\n\r\n", ParseError::bad_header_value},
        {"GET / HTTP/1.1\r\nHost: a\x7f\r\n\r\n", ParseError::bad_header_value},
        {"GET / HTTP/1.1 \r\n\r\n", ParseError::bad_version},
        {"GET / HTTP/1.x\r\n\r\n", ParseError::bad_version},
        {"GET / http/1.1\r\n\r\n", ParseError::bad_version},
        {"GET /\r\n\r\n", ParseError::bad_start_line},
        {"GET  / HTTP/1.1\r\n\r\n", ParseError::bad_target},
        {"G(T / HTTP/1.1\r\n\r\n", ParseError::bad_method},
        {"\r\nGET / HTTP/1.1\r\n\r\n", ParseError::bad_start_line},
    }));
    std::string text = c.text;
    RequestHead head;
    ParseResult r = parse_request(text, head);
    INFO(text);
    CHECK(r.status == ParseStatus::error);
    CHECK(r.error == c.error);
    CHECK_FALSE(describe(r.error).empty());
}

TEST_CASE("head size limit is inclusive of the final CRLF", "[http][parser]") {
    Limits limits{64, 8};
    std::string start = "GET / HTTP/1.1\r\nX: ";
    std::string fill(64 - start.size() - 4, 'a');
    std::string exact = start + fill + "\r\n\r\n";
    REQUIRE(exact.size() == 64);
    RequestHead head;
    CHECK(parse_request(exact, head, limits).status == ParseStatus::complete);
    std::string over = start + fill + "a\r\n\r\n";
    ParseResult r = parse_request(over, head, limits);
    CHECK(r.status == ParseStatus::error);
    CHECK(r.error == ParseError::too_large);
    // A head that never ends is refused once the limit is reached, not buffered forever.
    std::string endless(64, 'a');
    CHECK(parse_request(endless, head, limits).error == ParseError::too_large);
    CHECK(parse_request(endless.substr(0, 63), head, limits).status == ParseStatus::need_more);
}

TEST_CASE("header count limit", "[http][parser]") {
    Limits limits{8192, 3};
    RequestHead head;
    CHECK(parse_request("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", head, limits).status ==
          ParseStatus::complete);
    ParseResult r =
        parse_request("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", head, limits);
    CHECK(r.error == ParseError::too_many_headers);
}

TEST_CASE("response status line", "[http][parser]") {
    ResponseHead head;
    std::string ok = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nrest";
    ParseResult r = parse_response(ok, head);
    REQUIRE(r.status == ParseStatus::complete);
    CHECK(r.consumed == ok.size() - 4);
    CHECK(head.status == 101);
    CHECK(head.reason == "Switching Protocols");
    CHECK(parse_response("HTTP/1.1 400\r\n\r\n", head).status == ParseStatus::complete);
    CHECK(head.status == 400);
    CHECK(head.reason.empty());
    CHECK(parse_response("HTTP/1.1 1O1 x\r\n\r\n", head).error == ParseError::bad_status);
    CHECK(parse_response("HTTP/1.1 101x\r\n\r\n", head).error == ParseError::bad_status);
    CHECK(parse_response("HTTP/1.1\r\n\r\n", head).error == ParseError::bad_start_line);
    CHECK(parse_response("HTTZ/1.1 101 x\r\n\r\n", head).error == ParseError::bad_version);
}
