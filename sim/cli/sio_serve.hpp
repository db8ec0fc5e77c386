// `wirelab sio serve`: the sans-I/O Socket.IO server (sim/proto/sio) on real loopback
// sockets, HTTP long-polling (then the upgrade) and WebSocket, with a small built-in chat.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace wirelab::cli {

struct SioServeOptions {
    std::string host = "127.0.0.1";
    int port = 0;      // 0 = let the kernel choose (printed)
    bool once = false; // exit after the first connection ends
    std::size_t max_clients = 64;
    double handshake_timeout = 10;         // seconds to send a complete HTTP request
    std::int64_t ping_interval_ms = 25000; // Engine.IO heartbeat, as the reference server
    std::int64_t ping_timeout_ms = 20000;
};

// Prints "listening on ws://HOST:PORT" as its first stdout line, then serves Engine.IO v4 /
// Socket.IO v5 on /socket.io/ (transport=polling or websocket) until killed. Logs to stderr.
// Chat: `join` (room; ack true), `leave` (room; ack true), `chat` (args forwarded to the
// sender's rooms except the sender; ack with the number of recipients).
int run_sio_serve(const SioServeOptions& options);

} // namespace wirelab::cli
