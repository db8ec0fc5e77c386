// Engine.IO's HTTP long-polling transport on real sockets, for `wirelab sio connect`
// (sio_connect.cpp): what socketio::Client asks for with TransportCommand::http_request
// (an engineio::PollRequest) goes out as an HTTP/1.1 request, GETs on one keep-alive
// connection and POSTs on a second (a held GET and a POST are in flight together, as in a
// browser); the answers are cut from the byte stream by http::MessageReader and handed back
// as Results for receive_http_response / handle_http_error. No protocol logic lives here.
//   send(): connect_tcp (when the method has no connection) -> format_request with Host,
//           Accept, Content-Type text/plain;charset=UTF-8 (POST), Content-Length, the
//           `t=` cache buster of engine.io-client -> OutQueue
//   poll_entries() -> poll() -> service(): reads, writes -> Results (a response, or an error
//           when the connection failed with the request in flight)
// LiveSioTransport (below) adds the WebSocket transport and the upgrade probe: all the
// sockets of one socketio::Client.
#pragma once

#include <poll.h>

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/cli/live_client.hpp"
#include "sim/cli/live_socket.hpp"
#include "sim/proto/http/message.hpp"
#include "sim/proto/sio/engineio_packet.hpp"
#include "sim/proto/sio/engineio_session.hpp"
#include "sim/proto/sio/socketio_client.hpp"

namespace wirelab::cli {

class LivePolling {
public:
    struct Result {
        std::string method; // "GET" or "POST"
        int status = 0;     // 0 with error
        std::string body;
        bool error = false; // refused, reset, closed before the answer, or not HTTP
        std::string why;
    };

    LivePolling() = default;
    LivePolling(const LivePolling&) = delete;
    LivePolling& operator=(const LivePolling&) = delete;
    ~LivePolling() { close(); }

    // The server (host, port) and Engine.IO path ("/socket.io/"); Host is "host[:port]".
    void set_server(const Url& server, std::string path);
    // Sends `r` on its method's connection (opened now if there is none). Behind a request
    // still awaiting its answer it waits for that answer (no pipelining: engine.io's server
    // fails a session on overlapping POSTs; the engine never asks for that, one GET and one
    // POST at most are out). An error Result if TCP could not connect.
    std::optional<Result> send(const sio::engineio::PollRequest& r);
    // The sockets to poll (fd -1 for none): GET, then POST.
    std::array<pollfd, 2> poll_entries() const;
    // After poll(), with the revents of poll_entries(): reads, writes, finished requests.
    std::vector<Result> service(const std::array<pollfd, 2>& fds);
    // Closes both connections; answers still awaited are forgotten.
    void close();
    bool busy() const { return conns_[0].busy > 0 || conns_[1].busy > 0; }
    bool posting() const { return conns_[1].busy > 0; }
    std::size_t requests_sent() const { return sent_; }

private:
    struct Conn {
        int fd = -1;
        int busy = 0;                    // requests sent or waiting, awaiting their answers
        std::deque<std::string> waiting; // requests behind the one on the wire
        OutQueue out;
        std::optional<http::MessageReader> reader;
    };
    void drop(Conn& c);
    void write(Conn& c, const std::string& text);
    std::string cache_buster();

    Url server_;
    std::string path_ = "/socket.io/";
    std::string host_header_;
    std::array<Conn, 2> conns_; // [0] GET, [1] POST
    std::vector<std::uint8_t> buf_;
    sio::engineio::Yeast yeast_; // cache_buster's state
    std::size_t sent_ = 0;
};

} // namespace wirelab::cli

namespace wirelab::cli {

// Every socket of one socketio::Client (sim/proto/sio), for `wirelab sio connect`: the
// WebSocket transport (TransportCommand::open), the polling connections (http_request) and
// the upgrade probe (open_upgrade), which becomes the transport once the engine sent 5.
// The caller obeys the engine with command() and send(), polls poll_entries() and hands
// the result to service(), which reports to the engine what the sockets said.
class LiveSioTransport {
public:
    // `server`: host and port; `path`: the Engine.IO endpoint ("/socket.io/").
    LiveSioTransport(sio::socketio::Client& client, const Url& server, std::string path);

    void command(sio::socketio::TransportCommand c, std::int64_t now);
    // One of frames_to_send(): to the probe while polling, else to the WebSocket (dropped
    // when neither is open).
    void send(const sio::engineio::Frame& f);
    // True once the engine switched to the probe: it is the transport now, polling is closed.
    bool finish_upgrade();
    // Writes what the WebSockets queued (a failed write reports the socket lost).
    void flush(std::int64_t now);
    std::array<pollfd, 4> poll_entries() const; // transport, probe, GET, POST
    void service(const std::array<pollfd, 4>& fds, std::int64_t now);
    // The session is gone (a `disconnect`): its HTTP requests and probe are forgotten.
    void session_gone();
    // Sockets still open or requests still awaited.
    bool active() const { return ws_->fd() >= 0 || up_->fd() >= 0 || polling_.busy(); }
    bool probing() const { return up_->fd() >= 0; }
    // After Client::disconnect(): the last frames out, or the closing polling session's POSTs
    // (the drain, then the close packet alone) until the engine says close (at most 2 s);
    // then a WebSocket's closing handshake (at most 1 s).
    void leave();

private:
    void open_transport(std::int64_t now);
    void close_all();
    void read(std::int64_t now);
    void lost(std::int64_t now, const std::string& why);
    void on_http(const LivePolling::Result& r, std::int64_t now);
    void send_http(std::int64_t now);
    void open_upgrade(std::int64_t now);
    void read_upgrade(std::int64_t now);
    void upgrade_lost(std::int64_t now, const std::string& why);

    sio::socketio::Client& client_;
    Url server_;
    std::string path_;
    std::unique_ptr<LiveWsClient> ws_ = std::make_unique<LiveWsClient>(); // the transport
    std::unique_ptr<LiveWsClient> up_ = std::make_unique<LiveWsClient>(); // the probe
    LivePolling polling_;
    std::deque<sio::engineio::PollRequest> http_pending_;
    bool transport_open_ = false; // the 101 came back on the transport socket
    bool upgrade_open_ = false;   // ... on the probe socket
};

} // namespace wirelab::cli
