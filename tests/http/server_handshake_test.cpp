// ServerHandshake: the RFC 6455 example and every refusal, each fed at every chunk size.
#include <catch2/catch.hpp>

#include <string>

#include "sim/proto/http/server_handshake.hpp"

using namespace wirelab;
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

wire::ByteView view(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
std::string text(const wire::Bytes& b) {
    return {b.begin(), b.end()};
}

// Feeds `input` in pieces of `chunk` bytes; the response must not appear before the end.
ServerHandshake feed(const std::string& input, std::size_t chunk, ServerOptions options = {}) {
    ServerHandshake hs{std::move(options)};
    for (std::size_t at = 0; at < input.size(); at += chunk)
        hs.receive_data(view(input).subspan(at, std::min(chunk, input.size() - at)));
    return hs;
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
    auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
}

} // namespace

TEST_CASE("RFC 6455 section 1.3 handshake at every chunk size", "[http][server]") {
    ServerOptions options;
    options.subprotocols = {"chat"};
    for (std::size_t chunk = 1; chunk <= rfc_request.size(); ++chunk) {
        INFO("chunk " << chunk);
        ServerHandshake hs = feed(rfc_request, chunk, options);
        REQUIRE(hs.accepted());
        CHECK(hs.status() == 101);
        CHECK(hs.head_size() == rfc_request.size());
        CHECK(hs.request().target == "/chat");
        CHECK(hs.request().host == "server.example.com");
        CHECK(hs.request().origin == "http://example.com");
        CHECK(hs.request().subprotocols == std::vector<std::string>{"chat", "superchat"});
        CHECK(text(hs.data_to_send()) == "HTTP/1.1 101 Switching Protocols\r\n"
                                         "Upgrade: websocket\r\n"
                                         "Connection: Upgrade\r\n"
                                         "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                                         "Sec-WebSocket-Protocol: chat\r\n"
                                         "\r\n");
        CHECK(hs.data_to_send().empty()); // handed out once
        CHECK(hs.leftover().empty());
    }
}

TEST_CASE("nothing is answered before the head is complete", "[http][server]") {
    ServerHandshake hs;
    hs.receive_data(view(rfc_request).first(rfc_request.size() - 1));
    CHECK_FALSE(hs.done());
    CHECK(hs.status() == 0);
    CHECK(hs.data_to_send().empty());
    hs.receive_data(view(rfc_request).last(1));
    CHECK(hs.accepted());
}

TEST_CASE("bytes after the head are handed on as leftover at every chunk size", "[http][server]") {
    const std::string frames = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";
    std::string input = rfc_request + frames;
    for (std::size_t chunk = 1; chunk <= input.size(); ++chunk) {
        INFO("chunk " << chunk);
        ServerHandshake hs = feed(input, chunk);
        REQUIRE(hs.accepted());
        CHECK(text(hs.take_leftover()) == frames);
        CHECK(hs.leftover().empty());
    }
}

TEST_CASE("header names and tokens are case-insensitive and Connection is a list",
          "[http][server]") {
    std::string input = "GET / HTTP/1.1\r\n"
                        "host: a\r\n"
                        "UPGRADE: WebSocket\r\n"
                        "connection: keep-alive, Upgrade\r\n"
                        "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        "SEC-WEBSOCKET-VERSION: 13\r\n"
                        "\r\n";
    for (std::size_t chunk = 1; chunk <= input.size(); ++chunk) {
        ServerHandshake hs = feed(input, chunk);
        REQUIRE(hs.accepted());
        CHECK(text(hs.data_to_send()).find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") != std::string::npos);
    }
}

TEST_CASE("every refusal at every chunk size", "[http][server]") {
    struct Case {
        const char* from;
        const char* to;
        int status;
        const char* why;
    };
    auto c = GENERATE(values<Case>({
        {"GET /chat", "POST /chat", 400, "method must be GET"},
        {"HTTP/1.1\r\nHost", "HTTP/1.0\r\nHost", 400, "HTTP/1.1 or later required"},
        {"Host: server.example.com\r\n", "", 400, "exactly one Host required"},
        {"Host: server.example.com\r\n", "Host: a\r\nHost: b\r\n", 400,
         "exactly one Host required"},
        {"Upgrade: websocket\r\n", "", 426, "Upgrade: websocket required"},
        {"Upgrade: websocket\r\n", "Upgrade: h2c\r\n", 426, "Upgrade: websocket required"},
        {"Connection: Upgrade", "Connection: keep-alive", 400,
         "Connection must contain the Upgrade token"},
        {"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "", 400,
         "exactly one Sec-WebSocket-Key required"},
        {"dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZQ==", 400,
         "Sec-WebSocket-Key must be 16 bytes in base64"},
        {"dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ", 400,
         "Sec-WebSocket-Key must be 16 bytes in base64"},
        {"Sec-WebSocket-Version: 13\r\n", "", 400, "Sec-WebSocket-Version required"},
        {"Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8", 426,
         "only WebSocket version 13 is supported"},
        {"Origin", "Sec-WebSocket-Extensions: a;\r\nOrigin", 400,
         "malformed Sec-WebSocket-Extensions"},
        {"Origin: ", "Origin : ", 400, "whitespace between header name and colon"},
        {"Origin: http://example.com\r\n", "Origin: http://example.com\n", 400,
         "line ends in a bare LF (CRLF required)"},
        {"Origin: http://example.com\r\n", "Origin: http://example.com\r\n  x\r\n", 400,
         "header line starts with whitespace (obs-fold is not allowed)"},
    }));
    std::string input = replace(rfc_request, c.from, c.to);
    for (std::size_t chunk = 1; chunk <= input.size(); ++chunk) {
        INFO("case " << c.why << ", chunk " << chunk);
        ServerHandshake hs = feed(input, chunk);
        REQUIRE(hs.state() == ServerHandshake::State::rejected);
        CHECK(hs.status() == c.status);
        CHECK(hs.why() == c.why);
        std::string response = text(hs.data_to_send());
        CHECK(response.rfind("HTTP/1.1 " + std::to_string(c.status) + " ", 0) == 0);
        CHECK(response.find("Connection: close\r\n") != std::string::npos);
        CHECK(response.substr(response.size() - std::string(c.why).size() - 1) ==
              std::string(c.why) + "\n");
    }
}

TEST_CASE("426 for another version names version 13", "[http][server]") {
    ServerHandshake hs =
        feed(replace(rfc_request, "Version: 13", "Version: 8"), rfc_request.size());
    std::string response = text(hs.data_to_send());
    CHECK(response.rfind("HTTP/1.1 426 Upgrade Required\r\n", 0) == 0);
    CHECK(response.find("\r\nSec-WebSocket-Version: 13\r\n") != std::string::npos);
}

TEST_CASE("a head over the limit is refused with 431 without waiting for its end",
          "[http][server]") {
    ServerOptions options;
    options.limits.max_head_bytes = 256;
    std::string input =
        replace(rfc_request, "Origin", "X-Pad: " + std::string(200, 'p') + "\r\nOrigin");
    for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, input.size()}) {
        ServerHandshake hs = feed(input, chunk, options);
        CHECK(hs.status() == 431);
    }
    ServerHandshake endless{options};
    std::string junk(256, 'x');
    endless.receive_data(view(junk).first(255));
    CHECK_FALSE(endless.done());
    endless.receive_data(view(junk).last(1));
    CHECK(endless.status() == 431);
}

TEST_CASE("subprotocol is the server's first preference the client offered", "[http][server]") {
    ServerOptions options;
    options.subprotocols = {"superchat", "chat"};
    ServerHandshake hs = feed(rfc_request, rfc_request.size(), options);
    CHECK(hs.subprotocol() == "superchat");
    options.subprotocols = {"mqtt"};
    ServerHandshake none = feed(rfc_request, rfc_request.size(), options);
    CHECK(none.accepted());
    CHECK(none.subprotocol().empty());
    CHECK(text(none.data_to_send()).find("Sec-WebSocket-Protocol") == std::string::npos);
}

TEST_CASE("the extension negotiator sees the offers and its answer is sent", "[http][server]") {
    std::string input = replace(rfc_request, "Origin",
                                "Sec-WebSocket-Extensions: x-foo, permessage-deflate; "
                                "client_max_window_bits\r\nOrigin");
    ServerOptions options;
    std::vector<Extension> seen;
    options.negotiate_extensions = [&](const std::vector<Extension>& offers) {
        seen = offers;
        return std::vector<Extension>{{"permessage-deflate", {{"server_no_context_takeover", {}}}}};
    };
    ServerHandshake hs = feed(input, 5, options);
    REQUIRE(hs.accepted());
    REQUIRE(seen.size() == 2);
    CHECK(seen[1].params[0].name == "client_max_window_bits");
    CHECK(text(hs.data_to_send())
              .find("\r\nSec-WebSocket-Extensions: permessage-deflate; "
                    "server_no_context_takeover\r\n") != std::string::npos);
    CHECK(hs.extensions().size() == 1);
    // Without a negotiator no extension is agreed.
    ServerHandshake plain = feed(input, 5);
    CHECK(plain.extensions().empty());
    CHECK(text(plain.data_to_send()).find("Extensions") == std::string::npos);
}
