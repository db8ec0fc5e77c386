// A WebSocket client on a real nonblocking socket, shared by `wirelab ws connect`
// (ws_connect.cpp) and `wirelab sio connect` (sio_connect.cpp):
//   start(): connect_tcp -> http::ClientHandshake request queued
//   read_available(): response bytes -> 101 checked -> ws::Connection (on_open hook, then
//                     the bytes that followed the response) -> frames -> connection events
//   flush(): the connection's data_to_send() and the request go out through an OutQueue
// The caller polls fd() for poll_events(), then calls read_available() and flush(), and
// drains connection()->events() itself. No protocol logic lives here: the handshake and the
// connection are the sans-I/O engines of sim/proto.
#pragma once

#include <poll.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/cli/live_socket.hpp"
#include "sim/proto/http/client_handshake.hpp"
#include "sim/proto/ws/connection.hpp"
#include "sim/proto/ws/deflate.hpp"

namespace wirelab::cli {

class LiveWsClient {
public:
    enum class Read : std::uint8_t {
        more,  // everything available was consumed; poll again
        eof,   // the peer closed TCP (connection()->receive_eof() already called if open)
        failed // read error, or the handshake was refused: why() says which
    };

    LiveWsClient() = default;
    LiveWsClient(const LiveWsClient&) = delete;
    LiveWsClient& operator=(const LiveWsClient&) = delete;
    ~LiveWsClient() { close(); }

    // Called once the 101 was accepted, with the new connection, before the bytes that
    // followed the response are fed to it (so what it queues goes out first).
    std::function<void(ws::Connection&)> on_open;

    // Connects to `url` (a blocking connect; the socket is nonblocking afterwards) and queues
    // the Upgrade request for `url.target`. `options.host` defaults to "host[:port]".
    // `config` is used for the connection (its role is forced to client). With
    // `offer_deflate`, permessage-deflate is offered and, if the server agrees to acceptable
    // parameters, set in the connection's config. False if TCP could not connect (why()
    // says so); then nothing else may be called but close().
    bool start(const Url& url, http::ClientOptions options, ws::Config config,
               bool offer_deflate = false);

    int fd() const { return fd_; }
    // POLLIN, plus POLLOUT while bytes wait for the socket.
    short poll_events() const;
    pollfd poll_entry() const { return pollfd{fd_, poll_events(), 0}; }

    // After poll() said the socket is readable (or hung up): reads until it would block.
    Read read_available();
    // Writes what the handshake and the connection queued. False if the peer is gone.
    bool flush();
    // Closes the socket (idempotent); the connection object stays for inspection.
    void close();

    bool opened() const { return conn_.has_value(); }
    bool handshake_failed() const { return handshake_ && handshake_->failed(); }
    ws::Connection* connection() { return conn_ ? &*conn_ : nullptr; }
    const http::ClientHandshake* handshake() const { return handshake_ ? &*handshake_ : nullptr; }
    const std::string& why() const { return why_; }
    bool output_pending() const;

private:
    bool feed(wire::ByteView data); // false when the handshake was refused

    int fd_ = -1;
    ws::Config config_;
    ws::DeflateOffer offer_;
    std::optional<http::ClientHandshake> handshake_;
    std::optional<ws::Connection> conn_;
    OutQueue out_;
    std::vector<std::uint8_t> buf_;
    std::string why_;
};

} // namespace wirelab::cli
