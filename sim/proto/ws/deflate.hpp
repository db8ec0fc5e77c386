// permessage-deflate (RFC 7692): the Sec-WebSocket-Extensions negotiation helpers the HTTP
// Upgrade calls, and the per-direction compressor/decompressor the Connection uses.
//   client: format_offer() -> request header; response header -> accept_response() -> config
//   server: request header -> negotiate() -> config + response header value
//   Connection(Config{.deflate = config}) then compresses/decompresses messages itself.
#pragma once

#include "sim/proto/ws/byte_buffer.hpp"
#include "sim/wire/bytes.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wirelab::ws {

// Negotiated parameters (RFC 7692 section 7.1). Window bits are 8..15; zlib's raw deflate
// cannot use 8, so 9 is used wherever 8 was agreed (as zlib-based peers do).
struct DeflateConfig {
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    int server_max_window_bits = 15;
    int client_max_window_bits = 15;
    int compression_level = 6; // local choice, not negotiated
    int memory_level = 8;      // local choice, not negotiated
};

// One element of a Sec-WebSocket-Extensions header: a name and its parameters (value empty
// when the parameter has none; quoted-string values are unquoted).
struct ExtensionOffer {
    std::string name;
    std::vector<std::pair<std::string, std::string>> params;
};

// Parses a Sec-WebSocket-Extensions value (RFC 6455 9.1 grammar, RFC 7230 lists).
// Returns nullopt on a syntax error.
std::optional<std::vector<ExtensionOffer>> parse_extensions(std::string_view header_value);
// Formats elements back, e.g. "permessage-deflate; client_max_window_bits".
std::string format_extensions(const std::vector<ExtensionOffer>& extensions);

// What a client asks for. Window bits 0 = omit the parameter; client_max_window_bits_hint
// sends the bare `client_max_window_bits` (the client can accept any value the server picks).
struct DeflateOffer {
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    int server_max_window_bits = 0;
    int client_max_window_bits = 0;
    bool client_max_window_bits_hint = true;
};
// The header value for the client's request, e.g. "permessage-deflate; client_max_window_bits".
std::string format_offer(const DeflateOffer& offer);

// What a server is willing to do.
struct DeflateServerPolicy {
    bool server_no_context_takeover = false; // insist on it even if not asked
    bool client_no_context_takeover = false; // ask the client for it even if not offered
    int server_max_window_bits = 15;         // the largest window the server will use
};
struct Negotiated {
    DeflateConfig config;
    std::string response; // the Sec-WebSocket-Extensions value for the 101 response
};
// Server side: picks the first acceptable permessage-deflate offer in the client's header.
// nullopt = decline compression (send no Sec-WebSocket-Extensions), including for offers
// with unknown or duplicated parameters (RFC 7692 5.1).
std::optional<Negotiated> negotiate(std::string_view request_header,
                                    const DeflateServerPolicy& policy = {});
// Client side: validates the server's response against what was offered. On error returns
// nullopt and sets *error (the client must then fail the connection, RFC 7692 5.1).
std::optional<DeflateConfig> accept_response(std::string_view response_header,
                                             const DeflateOffer& offered,
                                             std::string* error = nullptr);

// One direction of compression. compress()/decompress() append to `out`; each call is one
// whole message (compress) or one piece of one (decompress), the sync trailer 00 00 ff ff
// stripped on the way out and appended by finish_message() on the way in.
class Deflater {
public:
    Deflater(int window_bits, bool no_context_takeover, int level, int mem_level);
    ~Deflater();
    Deflater(Deflater&&) noexcept;
    Deflater& operator=(Deflater&&) noexcept;
    // Compresses a whole message into `out` (trailer stripped). Resets the context afterwards
    // when no_context_takeover.
    void compress(wire::ByteView message, ByteBuffer& out);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

class Inflater {
public:
    Inflater(int window_bits, bool no_context_takeover);
    ~Inflater();
    Inflater(Inflater&&) noexcept;
    Inflater& operator=(Inflater&&) noexcept;
    enum class Status { ok, too_big, corrupt };
    // Inflates `in` (one piece of a compressed message), appending to `out`; fails with
    // too_big as soon as the message inflated so far would exceed `limit` bytes (0 = none).
    Status decompress(wire::ByteView in, ByteBuffer& out, std::size_t limit);
    // Feeds the 00 00 ff ff trailer at the end of the message; resets the context when
    // no_context_takeover.
    Status finish_message(ByteBuffer& out, std::size_t limit);
    // Forgets the context (used when a message is abandoned).
    void reset();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace wirelab::ws
