// ws-accept-key: the 101's Sec-WebSocket-Accept is base64(SHA-1(key + GUID)) of the GET's key,
// as `wirelab ws accept` computes it (same library function), and the narration quotes
// exactly the values of this run.
#include "lesson_facts.hpp"

#include "sim/proto/http/websocket_key.hpp"

using namespace lessons;

namespace {

// The value of header `name` in an HTTP head (exact case as our stack sends it).
std::string header(const std::vector<std::uint8_t>& head, const std::string& name) {
    std::string text(head.begin(), head.end());
    auto at = text.find("\r\n" + name + ": ");
    if (at == std::string::npos) return {};
    at += name.size() + 4;
    return text.substr(at, text.find("\r\n", at) - at);
}

} // namespace

TEST_CASE("ws-accept-key: the RFC 6455 section 1.3 example") {
    CHECK(http::accept_value("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("ws-accept-key: the 101's accept value is computed from the GET's key") {
    auto sc = load_lesson("ws-accept-key");
    scenario::Player p(sc);
    p.run();
    const auto& t = p.trace();
    auto get = messages(t, "browser", false);
    auto reply = messages(t, "server", false);
    REQUIRE(!get.empty());
    REQUIRE(!reply.empty());
    REQUIRE(starts(get[0].summary, "GET /chat HTTP/1.1"));
    REQUIRE(starts(reply[0].summary, "HTTP/1.1 101"));
    const auto key = header(get[0].bytes, "Sec-WebSocket-Key");
    const auto accept = header(reply[0].bytes, "Sec-WebSocket-Accept");
    CHECK(header(get[0].bytes, "Sec-WebSocket-Version") == "13");
    REQUIRE(key.size() == 24);
    auto raw = http::base64_decode(key);
    REQUIRE(raw);
    CHECK(raw->size() == 16);
    CHECK(accept == http::accept_value(key));
    // The narration works through this run's values: they must be the ones on the wire.
    CHECK(key == "xJJ3xTENvRMMZ7Qdb/WI7g==");
    CHECK(accept == "8f8rX3DvGA/5hlvm5r1TJa2q3B0=");
    CHECK(wire::to_hex(*raw) == "c49277c5310dbd130c67b41d6ff588ee");
    bool key_told = false, accept_told = false;
    for (const auto& c : sc.cues) {
        key_told |= c.text.find(key) != std::string::npos;
        accept_told |= c.text.find(accept) != std::string::npos;
    }
    CHECK(key_told);
    CHECK(accept_told);
    auto bs = texts(t, trace::Kind::state, "browser");
    CHECK(contains(bs, "WebSocket CONNECTING → OPEN"));
}
