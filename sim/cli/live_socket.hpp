// Plain POSIX TCP sockets for `wirelab ws serve` / `wirelab ws connect`: nonblocking file
// descriptors, an output queue that survives partial writes, and ws:// URL parsing. The
// protocol engines never see any of this: the loops in ws_serve.cpp / ws_connect.cpp move
// bytes between these sockets and the sans-I/O handshakes and connections.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/wire/bytes.hpp"

namespace wirelab::cli {

// Registers `serve` and `connect` under the `ws` subcommand.
void add_live_commands(CLI::App& ws);

struct ServeOptions {
    std::string host = "127.0.0.1";
    int port = 0;                                 // 0 = let the kernel choose (printed)
    std::size_t max_clients = 64;                 // connections served at once
    bool once = false;                            // exit after the first connection ends
    bool deflate = true;                          // accept permessage-deflate offers
    std::uint64_t max_message_size = 64ull << 20; // 0 = no limit
    double handshake_timeout = 10;                // seconds to send a complete request
};
// Echo server: prints "listening on ws://HOST:PORT" as its first stdout line, then serves
// until killed (or, with once, until its first client is gone). Logs to stderr.
int run_serve(const ServeOptions& options);

struct ConnectOptions {
    std::string url;                 // ws://host:port/path
    std::vector<std::string> texts;  // text messages, sent in order
    std::string binary_file;         // a binary message read from this file
    std::size_t count = 1;           // send the messages this many times
    std::size_t fragment = 0;        // split messages into frames of N bytes (0 = one)
    std::optional<std::string> ping; // send a ping first, print its pong
    bool deflate = false;            // offer permessage-deflate
    std::uint16_t close_code = 1000; // sent once every echo came back
    double timeout = 30;             // seconds for the whole exchange
    std::uint64_t max_message_size = 64ull << 20;
};
// Client: sends, prints each received message on one line ("binary N HEX|sha256=..." for
// binary), then "closed CODE REASON"; exit 0 after a clean closing handshake.
int run_connect(const ConnectOptions& options);

// --- socket helpers (used by the two loops) ---
struct Url {
    std::string host;
    std::uint16_t port = 80;
    std::string target = "/";
};
std::optional<Url> parse_ws_url(const std::string& url);

int listen_tcp(const std::string& host, int port, int& bound_port); // -1 on error, errno set
int connect_tcp(const std::string& host, std::uint16_t port);       // -1 on error
void set_nonblocking(int fd);

// Bytes waiting for a socket that accepts them in pieces.
class OutQueue {
public:
    void push(wire::Bytes bytes);
    bool empty() const { return chunks_.empty(); }
    std::size_t size() const { return size_; }
    // Writes as much as the socket takes. False on a write error (peer gone).
    bool flush(int fd);

private:
    std::deque<wire::Bytes> chunks_;
    std::size_t offset_ = 0; // bytes of chunks_.front() already written
    std::size_t size_ = 0;
};

// Reads what is available into `buf`: >0 bytes, 0 at EOF, -1 would block, -2 error.
long read_some(int fd, std::vector<std::uint8_t>& buf);

// --- the serve loop shared by `ws serve` and `sio serve` ---
// One accepted TCP connection; servers derive their own peer state from it.
struct LivePeer {
    virtual ~LivePeer() = default;
    int fd = -1;
    int id = 0; // 1, 2, ... in accept order (for the log)
    OutQueue out;
    bool close_after_flush = false; // drop the connection once `out` is written
    bool gone = false;              // drop it now
    std::chrono::steady_clock::time_point accepted_at;
};

// One thread, poll(): accept up to max_clients, read each readable peer into on_data (EOF
// or a read error -> on_eof, then the peer goes), write what peers queued (output above
// 8 MiB pauses reading: backpressure), call after_io for each peer, close the ones gone.
// The server says how long poll() may sleep (wait_ms) and does its timers in on_wake.
class LiveServer {
public:
    struct Options {
        std::string host = "127.0.0.1";
        int port = 0;
        std::size_t max_clients = 64;
        bool once = false; // return once the first connection has ended
        std::string name;  // for "wirelab NAME: cannot listen on ..."
    };
    explicit LiveServer(Options options) : options_(std::move(options)) {}
    virtual ~LiveServer();
    LiveServer(const LiveServer&) = delete;
    LiveServer& operator=(const LiveServer&) = delete;

    // Prints "listening on ws://HOST:PORT" as the first stdout line, then serves.
    int run();

protected:
    virtual std::unique_ptr<LivePeer> make_peer() = 0;
    virtual void on_data(LivePeer& peer, wire::ByteView data) = 0;
    virtual void on_eof(LivePeer& peer) = 0; // the peer is marked gone afterwards
    virtual void on_wake() {}                // each loop turn, after poll() returns
    virtual void after_io(LivePeer&) {}      // each peer, each turn, after its write
    virtual void on_gone(LivePeer&) {}       // before its socket is closed
    virtual int wait_ms() const { return -1; }

    std::list<std::unique_ptr<LivePeer>>& peers() { return peers_; }
    const std::list<std::unique_ptr<LivePeer>>& peers() const { return peers_; }

private:
    void accept_all();
    void read_from(LivePeer& p, std::vector<std::uint8_t>& buf);

    Options options_;
    int listener_ = -1;
    int next_id_ = 0;
    bool served_ = false;
    std::list<std::unique_ptr<LivePeer>> peers_;
};

// A peer that never completes its first request (slowloris) goes after `timeout` seconds.
bool request_expired(const LivePeer& p, double timeout);

} // namespace wirelab::cli
