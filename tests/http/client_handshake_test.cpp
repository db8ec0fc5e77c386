// ClientHandshake: exact request bytes with an injected key, every response check, and a
// client talking to a ServerHandshake.
#include <catch2/catch.hpp>

#include <string>

#include "sim/proto/http/client_handshake.hpp"
#include "sim/proto/http/server_handshake.hpp"

using namespace wirelab;
using namespace wirelab::http;

namespace {

// "the sample nonce": the key of RFC 6455 section 1.3.
KeyBytes sample_nonce() {
    KeyBytes k{};
    std::string s = "the sample nonce";
    std::copy(s.begin(), s.end(), k.begin());
    return k;
}

wire::ByteView view(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
std::string text(const wire::Bytes& b) {
    return {b.begin(), b.end()};
}

const std::string good_response = "HTTP/1.1 101 Switching Protocols\r\n"
                                  "Upgrade: websocket\r\n"
                                  "Connection: Upgrade\r\n"
                                  "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                                  "Sec-WebSocket-Protocol: chat\r\n"
                                  "\r\n";

ClientOptions chat_options() {
    ClientOptions o;
    o.host = "server.example.com";
    o.target = "/chat";
    o.origin = "http://example.com";
    o.subprotocols = {"chat", "superchat"};
    return o;
}

ClientHandshake feed(const std::string& response, std::size_t chunk,
                     ClientOptions options = chat_options()) {
    ClientHandshake hs{std::move(options), sample_nonce};
    for (std::size_t at = 0; at < response.size(); at += chunk)
        hs.receive_data(view(response).subspan(at, std::min(chunk, response.size() - at)));
    return hs;
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
    auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
}

} // namespace

TEST_CASE("client request bytes with an injected key", "[http][client]") {
    ClientHandshake hs{chat_options(), sample_nonce};
    CHECK(hs.key() == "dGhlIHNhbXBsZSBub25jZQ==");
    CHECK(hs.expected_accept() == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    CHECK(text(hs.data_to_send()) == "GET /chat HTTP/1.1\r\n"
                                     "Host: server.example.com\r\n"
                                     "Upgrade: websocket\r\n"
                                     "Connection: Upgrade\r\n"
                                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                     "Sec-WebSocket-Version: 13\r\n"
                                     "Origin: http://example.com\r\n"
                                     "Sec-WebSocket-Protocol: chat, superchat\r\n"
                                     "\r\n");
    CHECK(hs.data_to_send().empty());
}

TEST_CASE("client request carries a permessage-deflate offer", "[http][client]") {
    ClientOptions o;
    o.host = "h";
    o.extensions = {{"permessage-deflate", {{"client_max_window_bits", {}}}}};
    ClientHandshake hs{o, sample_nonce};
    CHECK(text(hs.data_to_send())
              .find("\r\nSec-WebSocket-Extensions: permessage-deflate; "
                    "client_max_window_bits\r\n") != std::string::npos);
    // With the default key source two clients send different keys.
    ClientHandshake a{o}, b{o};
    CHECK(a.key() != b.key());
}

TEST_CASE("client accepts the RFC example response at every chunk size and keeps the leftover",
          "[http][client]") {
    const std::string frames = "\x81\x05Hello";
    std::string input = good_response + frames;
    for (std::size_t chunk = 1; chunk <= input.size(); ++chunk) {
        INFO("chunk " << chunk);
        ClientHandshake hs = feed(input, chunk);
        REQUIRE(hs.open());
        CHECK(hs.status() == 101);
        CHECK(hs.subprotocol() == "chat");
        CHECK(text(hs.take_leftover()) == frames);
    }
}

TEST_CASE("client fails the connection on every bad response", "[http][client]") {
    struct Case {
        const char* from;
        const char* to;
        const char* why_prefix;
    };
    auto c = GENERATE(values<Case>({
        {"101 Switching Protocols", "400 Bad Request",
         "server refused the upgrade: 400 Bad Request"},
        {"HTTP/1.1 101", "HTTP/1.0 101", "response is not HTTP/1.1"},
        {"Upgrade: websocket\r\n", "", "response lacks Upgrade: websocket"},
        {"Connection: Upgrade\r\n", "Connection: close\r\n", "response lacks Connection: Upgrade"},
        {"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", "",
         "response lacks Sec-WebSocket-Accept"},
        {"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "s3pPLMBiTxaQ9kYGzzhZRbK+xOp=",
         "Sec-WebSocket-Accept mismatch"},
        {"Protocol: chat", "Protocol: mqtt", "server chose subprotocol mqtt"},
        {"Protocol: chat", "Protocol: chat, superchat", "server chose more than one"},
        {"\r\n\r\n", "\r\nSec-WebSocket-Extensions: x-foo\r\n\r\n",
         "server agreed to extension x-foo, which was not offered"},
        {"Upgrade: websocket\r\n", "Upgrade: websocket\n", "bad response: line ends in a bare LF"},
    }));
    std::string input = replace(good_response, c.from, c.to);
    for (std::size_t chunk = 1; chunk <= input.size(); ++chunk) {
        INFO(c.why_prefix << ", chunk " << chunk);
        ClientHandshake hs = feed(input, chunk);
        REQUIRE(hs.failed());
        CHECK(hs.why().rfind(c.why_prefix, 0) == 0);
        CHECK(hs.leftover().empty());
    }
}

TEST_CASE("client's extension checker can refuse agreed parameters", "[http][client]") {
    ClientOptions o = chat_options();
    o.extensions = {{"permessage-deflate", {}}};
    o.check_extensions = [](const std::vector<Extension>& agreed) -> std::optional<std::string> {
        for (const auto& p : agreed[0].params)
            if (p.name == "server_max_window_bits" && p.value == "8") return "window too small";
        return std::nullopt;
    };
    std::string ok = replace(good_response, "\r\n\r\n",
                             "\r\nSec-WebSocket-Extensions: permessage-deflate; "
                             "server_max_window_bits=10\r\n\r\n");
    ClientHandshake a = feed(ok, ok.size(), o);
    REQUIRE(a.open());
    CHECK(a.extensions()[0].params[0].value == "10");
    std::string bad = replace(ok, "=10", "=8");
    ClientHandshake b = feed(bad, bad.size(), o);
    CHECK(b.why() == "window too small");
}

TEST_CASE("client and server handshakes agree with each other", "[http][client][server]") {
    ClientOptions co = chat_options();
    co.extensions = {{"permessage-deflate", {{"client_max_window_bits", {}}}}};
    ClientHandshake client{co};
    ServerOptions so;
    so.subprotocols = {"superchat"};
    so.negotiate_extensions = [](const std::vector<Extension>&) {
        return std::vector<Extension>{{"permessage-deflate", {}}};
    };
    ServerHandshake server{so};
    server.receive_data(client.data_to_send());
    REQUIRE(server.accepted());
    client.receive_data(server.data_to_send());
    REQUIRE(client.open());
    CHECK(client.subprotocol() == "superchat");
    CHECK(client.extensions()[0].name == "permessage-deflate");
}
