// Layer 7 on the simulated TCP: plain HTTP/1.1 requests and responses. A server (an
// http::Origin: text resources with ETags, 200 / 304 / 404) and a polling client (GET every
// interval on one keep-alive connection, conditional with If-None-Match). Each request and
// response is traced as one message PDU: the head as the layer-7 span, the body (the
// representation, UTF-8 text) as the layer-6 span.
//
// Sharing a port with the WebSocket, as one web server does: on a host with both stages,
// HttpStage is TcpStage's user and WsStage sits above it. A request on a port this stage
// serves is read here; if it asks for `Upgrade: websocket` and WsStage listens on that port,
// the connection and its bytes (the GET, and any frames behind it) are handed to WsStage,
// which answers 101 itself. Every other connection (WsStage's own clients, ports only
// WsStage listens on) goes to WsStage untouched, so WebSocket-only lessons run as before.
//
// An application that speaks HTTP itself (Socket.IO's long-polling) plugs in as an
// HttpHandler (http_handler.hpp): route() gives it the requests under a path prefix, answered
// by respond() now or later; open() / request() give it client connections of its own.
//
// TcpStage --on_data--> HttpStage: own connection? MessageReader -> handler / Origin / client
//                                  else -> WsStage (TcpUser)
#pragma once

#include "sim/core/kernel.hpp"
#include "sim/proto/http/message.hpp"
#include "sim/proto/http/origin.hpp"
#include "sim/stack/http_handler.hpp"
#include "sim/stack/stage.hpp"
#include "sim/stack/tcp_stage.hpp"

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace wirelab::stack {

class WsStage;

class HttpStage final : public Stage, public TcpUser {
public:
    static constexpr std::string_view user_agent = "wirelab-poller/1.0";

    std::uint8_t layer() const override { return 7; }
    std::string_view name() const override { return "HTTP/1.1"; }
    void from_above(Packet p, Meta m) override;
    void from_below(Packet p, Meta m) override;

    // The WebSocket stage above, given Upgrade requests and the connections this stage does
    // not own. Host sets it; without one, this stage becomes TCP's user on first use.
    void set_upper(WsStage* ws) { upper_ = ws; }

    // --- server ---
    // Serves `body` at `path` on `port` (listening if not yet); version 1 of the resource.
    void serve(std::uint16_t port, const std::string& path, std::string body, trace::EventId cause);
    // Replaces the body at `path` (its ETag changes); false if nothing is served there.
    bool update(const std::string& path, std::string body, trace::EventId cause);

    // --- client ---
    // GET `path` now and then every `every`, `count` requests in all (1: a single GET), on
    // one persistent connection, closed after the last response. A poll that falls due while
    // a response is still awaited goes out when it arrives (one request at a time, as a
    // browser does on one connection).
    ConnId poll(std::uint32_t ip, std::uint16_t port, std::string host_header, std::string path,
                Time every, int count, trace::EventId cause);

    // --- handlers (sim/stack/http_routes.cpp) ---
    // Requests on `port` whose path starts with `prefix` go to `handler` (listening if not
    // yet); Upgrade requests still go to WsStage when it listens on the port.
    void route(std::uint16_t port, std::string prefix, HttpHandler* handler, trace::EventId cause);
    // Answers the request `handler` was given on server connection `id` (traced, sent); then
    // the connection reads its next request. False if no request is waiting there.
    bool respond(ConnId id, int status, const http::Fields& headers, std::string_view body,
                 trace::EventId cause);
    // A client connection for `handler`: requests sent on it before it is up wait for it.
    ConnId open(std::uint32_t ip, std::uint16_t port, HttpHandler* handler, trace::EventId cause);
    // One request on a connection from open() (Content-Length added for a body); traced.
    bool request(ConnId id, std::string_view method, std::string_view target,
                 const http::Fields& headers, std::string_view body, trace::EventId cause);
    // Closes a connection of a handler (client or server side); it hears no more of it.
    void close_handled(ConnId id, trace::EventId cause);

    const http::Origin& origin() const { return origin_; }

    void on_connected(ConnId, trace::EventId cause) override;
    void on_data(ConnId, wire::ByteView data, trace::EventId cause) override;
    void on_peer_closed(ConnId, trace::EventId cause) override;
    void on_closed(ConnId, trace::EventId cause) override;

private:
    struct Client {
        std::string host_header, path;
        Time start = 0, every = 0;
        int count = 1, sent = 0;
        bool connected = false, waiting = false, due = false, closing = false;
        std::string etag; // of the last 200, sent back as If-None-Match
        std::optional<TimerId> timer;
        http::MessageReader reader{http::MessageReader::Kind::responses};
    };
    struct Server {
        std::uint16_t port = 0;
        bool closing = false;
        http::MessageReader reader{http::MessageReader::Kind::requests};
        HttpHandler* handler = nullptr;  // the last handler given a request here
        std::optional<std::string> held; // the method of the request a handler must answer
        bool reading = false;            // inside server_data (respond() must not re-enter)
    };
    struct HandledClient {
        HttpHandler* handler = nullptr;
        bool connected = false, closing = false;
        std::vector<std::string> queued; // requests written before the connection was up
        http::MessageReader reader{http::MessageReader::Kind::responses};
    };

    void claim_tcp();
    TcpUser* upper_user();
    bool owned(ConnId id) const {
        return clients_.count(id) || servers_.count(id) || handled_.count(id);
    }
    HttpHandler* handler_for(std::uint16_t port, const std::string& target) const;
    void handled_data(ConnId id, HandledClient& c, trace::EventId cause);
    void write_handled(ConnId id, const std::string& bytes, trace::EventId cause);
    void forget_handled(ConnId id, trace::EventId cause);
    void server_data(ConnId id, Server& s, wire::ByteView data, trace::EventId cause);
    void client_data(ConnId id, Client& c, trace::EventId cause);
    void send_request(ConnId id, Client& c, trace::EventId cause);
    void on_poll_timer(ConnId id);
    void arm_timer(ConnId id, Client& c);
    void close_conn(ConnId id, bool& closing, trace::EventId cause);
    trace::EventId record_message(wire::ByteView bytes, std::size_t head_size, std::string summary,
                                  bool received, trace::EventId cause);

    WsStage* upper_ = nullptr;
    bool tcp_claimed_ = false;
    http::Origin origin_;
    std::set<std::uint16_t> ports_;
    std::map<ConnId, Client> clients_;
    std::map<ConnId, Server> servers_;
    std::map<std::pair<std::uint16_t, std::string>, HttpHandler*> routes_; // (port, prefix)
    std::map<ConnId, HandledClient> handled_; // client connections of handlers
};

} // namespace wirelab::stack
