// The one input -> Connection driver shared by the libFuzzer target (tests/fuzz/fuzz_ws.cpp)
// and the corpus replay test (tests/ws/test_corpus.cpp), so CI replays exactly what the
// fuzzer ran. Byte 0 picks the set-up: bits 0-2 the chunk size (1, 2, 3, 7, 16, 125, 4096,
// whole), bit 3 permessage-deflate on, bit 4 no_context_takeover, bit 5 a 4 KiB message limit;
// the rest is fed to a server Connection, which echoes every message like an Autobahn peer.
// Returns false if an invariant broke (the fuzzer then aborts).
#pragma once

#include "sim/proto/ws/connection.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace wstest {

inline bool drive_ws_server(const std::uint8_t* data, std::size_t size) {
    using namespace wirelab;
    if (size == 0) return true;
    static constexpr std::size_t chunks[8] = {1, 2, 3, 7, 16, 125, 4096, 0};
    const std::uint8_t setup = data[0];
    ws::Config cfg;
    cfg.role = ws::Role::server;
    if (setup & 0x08) {
        ws::DeflateConfig d;
        d.client_no_context_takeover = d.server_no_context_takeover = (setup & 0x10) != 0;
        cfg.deflate = d;
    }
    if (setup & 0x20) cfg.max_message_size = 4096;
    ws::Connection conn(cfg);
    const wire::ByteView input{data + 1, size - 1};
    std::size_t chunk = chunks[setup & 7];
    if (chunk == 0) chunk = std::max<std::size_t>(input.size(), 1);
    bool failed = false, closed = false;
    for (std::size_t pos = 0; pos < input.size(); pos += chunk) {
        conn.receive_data(input.subspan(pos, std::min(chunk, input.size() - pos)));
        for (const ws::Event& e : conn.events()) {
            if (failed || closed) {
                if (e.kind != ws::Event::Kind::frame) return false; // nothing after the end
            }
            switch (e.kind) {
            case ws::Event::Kind::text:
                if (!ws::is_valid_utf8(e.payload)) return false;
                conn.send_text(e.text());
                break;
            case ws::Event::Kind::binary: conn.send_binary(e.payload, 1000); break;
            case ws::Event::Kind::fail:
                failed = true;
                if (e.code < 1000 || e.code > 1011) return false;
                break;
            case ws::Event::Kind::close: closed = true; break;
            default: break;
            }
        }
        const auto out = conn.pending_output();
        conn.consume_output(out.size() / 2 + 1 > out.size() ? out.size() : out.size() / 2 + 1);
    }
    (void)conn.data_to_send();
    conn.receive_eof();
    (void)conn.events();
    return conn.state() == ws::State::closed;
}

} // namespace wstest
