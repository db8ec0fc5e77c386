// Sec-WebSocket-Key / Accept and the strict base64 behind them.
#include <catch2/catch.hpp>

#include "sim/proto/http/websocket_key.hpp"

using namespace wirelab::http;

TEST_CASE("accept value of the RFC 6455 section 1.3 example", "[http][key]") {
    CHECK(accept_value("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("base64 encodes the RFC 4648 test vectors", "[http][key]") {
    auto enc = [](std::string_view s) {
        return base64_encode({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
    };
    CHECK(enc("") == "");
    CHECK(enc("f") == "Zg==");
    CHECK(enc("fo") == "Zm8=");
    CHECK(enc("foo") == "Zm9v");
    CHECK(enc("foobar") == "Zm9vYmFy");
    CHECK(enc("the sample nonce") == "dGhlIHNhbXBsZSBub25jZQ==");
}

TEST_CASE("base64 decoding is strict", "[http][key]") {
    auto dec = [](std::string_view s) -> std::optional<std::string> {
        auto b = base64_decode(s);
        if (!b) return std::nullopt;
        return std::string(b->begin(), b->end());
    };
    CHECK(dec("Zm9vYmFy") == "foobar");
    CHECK(dec("Zg==") == "f");
    CHECK(dec("Zm8=") == "fo");
    CHECK(dec("dGhlIHNhbXBsZSBub25jZQ==") == "the sample nonce");
    CHECK_FALSE(dec("Zg="));      // length not a multiple of 4
    CHECK_FALSE(dec("Zh=="));     // non-zero bits under the padding
    CHECK_FALSE(dec("Zm9 "));     // whitespace
    CHECK_FALSE(dec("Z=9v"));     // padding in the middle
    CHECK_FALSE(dec("Zg==Zg==")); // padding before the end
    CHECK_FALSE(dec("Zm9v*mFy")); // not in the alphabet
}

TEST_CASE("random keys are 16 fresh bytes", "[http][key]") {
    KeyBytes a = random_key(), b = random_key();
    CHECK(a != b);
    CHECK(base64_decode(base64_encode(a))->size() == 16);
}
