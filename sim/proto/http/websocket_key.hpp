// The keys of the WebSocket opening handshake (RFC 6455 section 4): the client's random
// Sec-WebSocket-Key and the server's Sec-WebSocket-Accept proof, plus the strict base64
// they travel in. SHA-1 and randomness come from OpenSSL (EVP, RAND_bytes).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sim/wire/bytes.hpp"

namespace wirelab::http {

inline constexpr std::string_view websocket_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

using KeyBytes = std::array<std::uint8_t, 16>;
// Where a client's 16 key bytes come from; tests inject a fixed one to pin exact bytes.
using KeySource = std::function<KeyBytes()>;

// 16 bytes from OpenSSL's CSPRNG (RAND_bytes).
KeyBytes random_key();

// base64(SHA-1(key + GUID)): what the server answers in Sec-WebSocket-Accept.
// accept_value("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
std::string accept_value(std::string_view key);

std::string base64_encode(wire::ByteView data);
// Strict RFC 4648 base64 with padding: no whitespace, length a multiple of 4, unused bits zero.
std::optional<wire::Bytes> base64_decode(std::string_view text);

} // namespace wirelab::http
