// The property the HTTP fuzz target checks, shared with the corpus replay test in tests/http:
// for any bytes, fed whole or in pieces, the server and client handshakes reach the same
// outcome (state, status, reason, response, leftover), never crash, and what they accept
// respects the head limit. The first input byte picks the piece size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/proto/http/client_handshake.hpp"
#include "sim/proto/http/extensions.hpp"
#include "sim/proto/http/server_handshake.hpp"

namespace wirelab::fuzz {

// Returns what went wrong, or an empty string.
inline std::string http_oracle(const std::uint8_t* data, std::size_t size) {
    using namespace wirelab::http;
    if (size == 0) return {};
    const std::size_t piece = data[0] % 32 + 1;
    const wire::ByteView input{data + 1, size - 1};
    auto feed = [&](auto& hs, bool whole) {
        if (whole) return hs.receive_data(input);
        for (std::size_t at = 0; at < input.size(); at += piece)
            hs.receive_data(input.subspan(at, std::min(piece, input.size() - at)));
    };

    ServerHandshake sw, sp;
    feed(sw, true);
    feed(sp, false);
    if (sw.state() != sp.state()) return "server state depends on chunking";
    if (sw.status() != sp.status() || sw.why() != sp.why())
        return "server verdict depends on chunking";
    if (sw.data_to_send() != sp.data_to_send()) return "server response depends on chunking";
    if (sw.take_leftover() != sp.take_leftover()) return "server leftover depends on chunking";
    if (sw.accepted() && sw.head_size() > Limits{}.max_head_bytes)
        return "accepted an oversized head";
    if (!sw.done() && input.size() >= Limits{}.max_head_bytes)
        return "buffered past the head limit";

    const KeySource key = [] { return KeyBytes{}; };
    ClientOptions options;
    options.host = "h";
    ClientHandshake cw{options, key}, cp{options, key};
    feed(cw, true);
    feed(cp, false);
    if (cw.state() != cp.state() || cw.why() != cp.why())
        return "client verdict depends on chunking";
    if (cw.take_leftover() != cp.take_leftover()) return "client leftover depends on chunking";

    std::string_view text{reinterpret_cast<const char*>(input.data()), input.size()};
    if (auto ext = parse_extensions(text)) {
        auto again = parse_extensions(format_extensions(*ext));
        if (!again || format_extensions(*again) != format_extensions(*ext))
            return "extensions do not survive format -> parse";
    }
    return {};
}

} // namespace wirelab::fuzz
