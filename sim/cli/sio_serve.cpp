// `wirelab sio serve`: the sans-I/O Socket.IO server on real sockets, on live_socket's
// LiveServer loop, with both Engine.IO transports as engine.io 6 serves them:
//   accept() -> Peer: HTTP/1.1 requests (keep-alive, Content-Length bodies, head parsed by
//   http::parse_request) -> socketio::Server::handle_http -> answered, or held (a long-poll,
//   answered from poll_replies()), or upgraded: http::ServerHandshake -> 101 ->
//   ws::Connection -> text/binary messages -> socketio::Server (accept / accept_upgrade)
//   -> events() -> the chat below -> transmits() -> ws frames, poll_replies() -> HTTP, closes()
// Heartbeats and ack timeouts run on the server's poll_timeout(); time is steady_clock
// nanoseconds. When a session ends on our side the WebSocket close goes out and the TCP
// connection is dropped if the client does not answer it within 2 s.
#include "sim/cli/sio_serve.hpp"

#include <algorithm>
#include <charconv>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "sim/cli/live_socket.hpp"
#include "sim/proto/http/head_parser.hpp"
#include "sim/proto/http/server_handshake.hpp"
#include "sim/proto/sio/json_text.hpp"
#include "sim/proto/sio/socketio_server.hpp"
#include "sim/proto/ws/connection.hpp"

namespace wirelab::cli {
namespace {

using sio::Json;
namespace sock = sio::socketio;
using clock = std::chrono::steady_clock;

struct Peer : LivePeer {
    std::string in;                     // HTTP bytes not yet handled
    bool got_request = false;           // a complete request arrived (no more slowloris)
    sock::ConnId held = 0;              // the session whose long-poll GET this one holds
    clock::time_point last_request;     // idle keep-alive connections are closed
    std::optional<ws::Connection> conn; // after an upgrade
    sock::ConnId cid = 0;               // the session on that WebSocket, 0 when none
    // When our WebSocket close frame went out (the session ended on our side): a client
    // that never answers it is dropped after close_timeout.
    std::optional<clock::time_point> close_sent_at;
};

constexpr std::chrono::seconds close_timeout{2};
constexpr std::chrono::seconds idle_timeout{60};
constexpr std::size_t max_body = 16u << 20; // above maxPayload: engine.io answers 413 itself

std::string random_id() {
    static std::mt19937_64 rng{std::random_device{}()};
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string id(20, '\0');
    for (char& c : id)
        c = alphabet[rng() % 64];
    return id;
}

std::string_view phrase(int status) {
    switch (status) {
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    default: return http::reason_phrase(status);
    }
}

std::string http_response(const sock::HttpReply& r, bool keep_alive) {
    std::string out =
        "HTTP/1.1 " + std::to_string(r.status) + " " + std::string(phrase(r.status)) + "\r\n";
    for (const auto& [name, value] : r.headers)
        out += name + ": " + value + "\r\n";
    out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
    out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    out += r.body;
    return out;
}

class SioServer : public LiveServer {
public:
    explicit SioServer(const SioServeOptions& options)
        : LiveServer({options.host, options.port, options.max_clients, options.once, "sio serve"}),
          options_(options), server_(make_config(options)), start_(clock::now()) {}

private:
    static sock::ServerConfig make_config(const SioServeOptions& options) {
        sock::ServerConfig config;
        config.ping_interval_ms = options.ping_interval_ms;
        config.ping_timeout_ms = options.ping_timeout_ms;
        config.id_source = random_id;
        return config;
    }

    std::int64_t now() const {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - start_).count();
    }

    std::unique_ptr<LivePeer> make_peer() override { return std::make_unique<Peer>(); }
    static Peer& peer(LivePeer& p) { return static_cast<Peer&>(p); }

    // Until the next server timer; 100 ms while a request or a close may time out, 1 s
    // while keep-alive HTTP connections may go idle.
    int wait_ms() const override {
        std::int64_t wait = -1;
        if (const auto t = server_.poll_timeout())
            wait = std::max<std::int64_t>(0, (*t - now() + 999'999) / 1'000'000);
        std::int64_t cap = -1;
        for (const auto& lp : peers()) {
            const auto& p = static_cast<const Peer&>(*lp);
            if ((!p.conn && !p.got_request) || p.close_sent_at)
                cap = 100;
            else if (!p.conn && cap < 0)
                cap = 1000;
        }
        if (cap >= 0 && (wait < 0 || wait > cap)) wait = cap;
        return static_cast<int>(std::min<std::int64_t>(wait, 60'000));
    }

    void on_wake() override {
        if (const auto t = server_.poll_timeout(); t && *t <= now()) {
            server_.handle_timeout(now());
            dispatch();
        }
    }

    void on_data(LivePeer& lp, wire::ByteView data) override {
        Peer& p = peer(lp);
        if (p.conn) {
            p.conn->receive_data(data);
            return pump(p);
        }
        p.in.append(reinterpret_cast<const char*>(data.data()), data.size());
        serve_http(p);
    }

    void on_eof(LivePeer& lp) override {
        Peer& p = peer(lp);
        if (!p.conn) return;
        p.conn->receive_eof();
        pump(p);
    }

    // The connection is going: its WebSocket's session learns it, a held GET is aborted.
    void on_gone(LivePeer& lp) override {
        Peer& p = peer(lp);
        if (p.cid) {
            by_conn_.erase(p.cid);
            server_.receive_transport_close(std::exchange(p.cid, 0));
        }
        keep_alive_.erase(&p);
        if (p.held) {
            held_.erase(p.held);
            server_.receive_poll_abort(std::exchange(p.held, 0));
        }
        dispatch();
    }

    void after_io(LivePeer& lp) override {
        Peer& p = peer(lp);
        if (p.gone) return;
        if (p.conn && p.out.empty() && p.conn->close_expected()) p.gone = true;
        if (!p.conn && !p.held && !p.close_after_flush && !p.in.empty()) serve_http(p);
        if (!p.conn && !p.got_request && !p.close_after_flush &&
            request_expired(p, options_.handshake_timeout)) {
            std::cerr << "client " << p.id << ": no complete request in time, dropped\n";
            p.gone = true;
        }
        if (!p.conn && p.got_request && !p.held && clock::now() - p.last_request > idle_timeout)
            p.gone = true;
        if (p.close_sent_at && clock::now() - *p.close_sent_at > close_timeout) {
            std::cerr << "client " << p.id << ": no close frame back in time, dropped\n";
            p.gone = true;
        }
    }

    // ---- HTTP ------------------------------------------------------------------------------

    void refuse(Peer& p, int status, std::string why) {
        std::cerr << "client " << p.id << ": bad request -> " << status << " (" << why << ")\n";
        const std::string text = http::error_response(status, why);
        p.out.push(wire::Bytes(text.begin(), text.end()));
        p.close_after_flush = true;
    }

    // Handles every complete request in p.in, in order; stops at a held GET (its answer
    // must go first) and at an upgrade.
    void serve_http(Peer& p) {
        while (!p.conn && !p.held && !p.close_after_flush && !p.gone) {
            http::RequestHead head;
            const auto r = http::parse_request(p.in, head);
            if (r.status == http::ParseStatus::need_more) return;
            if (r.status == http::ParseStatus::error) {
                const bool big = r.error == http::ParseError::too_large ||
                                 r.error == http::ParseError::too_many_headers;
                return refuse(p, big ? 431 : 400, std::string(http::describe(r.error)));
            }
            std::size_t length = 0;
            if (http::find_header(head.headers, "Transfer-Encoding"))
                return refuse(p, 501, "Transfer-Encoding is not supported: send Content-Length");
            if (const auto* cl = http::find_header(head.headers, "Content-Length")) {
                const auto [ptr, ec] =
                    std::from_chars(cl->value.data(), cl->value.data() + cl->value.size(), length);
                if (ec != std::errc{} || ptr != cl->value.data() + cl->value.size())
                    return refuse(p, 400, "bad Content-Length");
                if (length > max_body) return refuse(p, 413, "body too large");
            } else if (head.method == "POST") {
                return refuse(p, 411, "POST needs a Content-Length");
            }
            if (p.in.size() < r.consumed + length) return; // the body is still coming
            p.got_request = true;
            p.last_request = clock::now();
            const bool keep_alive = head.version_minor >= 1
                                        ? !http::has_token(head.headers, "Connection", "close")
                                        : http::has_token(head.headers, "Connection", "keep-alive");
            sock::HttpRequest req{std::string(head.method), std::string(head.target),
                                  p.in.substr(r.consumed, length),
                                  http::has_token(head.headers, "Upgrade", "websocket")};
            if (req.websocket_upgrade) return upgrade(p, std::move(req));
            p.in.erase(0, r.consumed + length);
            const sock::HttpReply reply = server_.handle_http(req, now());
            if (reply.kind == sock::HttpReply::Kind::held) {
                p.held = reply.conn;
                held_[reply.conn] = &p;
                keep_alive_[&p] = keep_alive;
            } else {
                if (reply.status != 200)
                    std::cerr << "client " << p.id << ": " << req.method << " " << req.target
                              << " -> " << reply.status << " " << reply.body << "\n";
                respond(p, reply, keep_alive);
            }
            dispatch();
        }
    }

    void respond(Peer& p, const sock::HttpReply& reply, bool keep_alive) {
        const std::string text = http_response(reply, keep_alive);
        p.out.push(wire::Bytes(text.begin(), text.end()));
        if (!keep_alive) p.close_after_flush = true;
    }

    // A WebSocket request: engine.io's checks first, then the RFC 6455 handshake on the
    // bytes as they came (head and whatever followed it).
    void upgrade(Peer& p, sock::HttpRequest req) {
        const sock::HttpReply reply = server_.handle_http(req, now());
        std::cerr << "client " << p.id << ": " << req.method << " " << req.target;
        if (reply.kind != sock::HttpReply::Kind::upgrade) {
            std::cerr << " -> " << reply.status << " " << reply.body << "\n";
            respond(p, reply, false);
            return;
        }
        http::ServerHandshake hs{http::ServerOptions{}};
        hs.receive_data({reinterpret_cast<const std::uint8_t*>(p.in.data()), p.in.size()});
        p.in.clear();
        p.out.push(hs.data_to_send());
        std::cerr << " -> " << hs.status() << (hs.accepted() ? "" : " (" + hs.why() + ")") << "\n";
        if (!hs.accepted()) {
            p.close_after_flush = true;
            return;
        }
        ws::Config config;
        config.role = ws::Role::server;
        config.max_message_size = 2u << 20; // above Engine.IO's maxPayload, which it enforces
        config.frame_events = false;
        p.conn.emplace(config);
        if (reply.conn == 0) {
            p.cid = server_.accept(now());
        } else if (server_.accept_upgrade(reply.conn, now())) {
            p.cid = reply.conn;
            std::cerr << "client " << p.id << ": upgrade probe for session "
                      << server_.session_id(p.cid) << "\n";
        } else {
            // "transport has already been upgraded" (or trying to): the reference closes it.
            p.conn->send_close(1000);
            p.close_sent_at = clock::now();
        }
        if (p.cid) by_conn_[p.cid] = &p;
        dispatch();
        wire::Bytes leftover = hs.take_leftover();
        if (!leftover.empty()) p.conn->receive_data(leftover);
        pump(p);
    }

    // ---- WebSocket -------------------------------------------------------------------------

    // WebSocket events -> the Socket.IO server; then what it answers goes out.
    void pump(Peer& p) {
        struct Message {
            bool text;
            std::string data;
        };
        std::vector<Message> messages;
        bool closed = false;
        for (const ws::Event& e : p.conn->events()) {
            switch (e.kind) {
            case ws::Event::Kind::text:
            case ws::Event::Kind::binary:
                messages.push_back(
                    {e.kind == ws::Event::Kind::text,
                     {reinterpret_cast<const char*>(e.payload.data()), e.payload.size()}});
                break;
            case ws::Event::Kind::close:
                std::cerr << "client " << p.id << ": close " << e.code << " " << e.reason << "\n";
                closed = true;
                break;
            case ws::Event::Kind::fail:
                std::cerr << "client " << p.id << ": failed " << e.code << " " << e.reason << "\n";
                closed = true;
                break;
            default: break;
            }
        }
        for (const Message& m : messages) {
            if (!p.cid) break;
            if (m.text)
                server_.receive_text(p.cid, m.data, now());
            else
                server_.receive_binary(p.cid, m.data, now());
            dispatch();
        }
        if (closed && p.cid) {
            by_conn_.erase(p.cid);
            server_.receive_transport_close(std::exchange(p.cid, 0));
            dispatch();
        }
        p.out.push(p.conn->data_to_send());
    }

    // Reacts to the server's events (the chat), then writes its WebSocket frames, answers
    // the held GETs and closes the WebSockets it names.
    void dispatch() {
        for (auto events = server_.events(); !events.empty(); events = server_.events())
            for (const sock::ServerEvent& e : events)
                on_event(e);
        for (sock::Transmit& t : server_.transmits()) {
            const auto it = by_conn_.find(t.conn);
            if (it == by_conn_.end()) continue;
            Peer& p = *it->second;
            if (t.frame.binary)
                p.conn->send_binary({reinterpret_cast<const std::uint8_t*>(t.frame.data.data()),
                                     t.frame.data.size()});
            else
                p.conn->send_text(t.frame.data);
            if (t.close_after) close_session(p);
            p.out.push(p.conn->data_to_send());
        }
        for (sock::PollReply& r : server_.poll_replies()) {
            const auto it = held_.find(r.conn);
            if (it == held_.end()) continue;
            Peer& p = *it->second;
            held_.erase(it);
            p.held = 0;
            respond(p, r.reply, keep_alive_[&p]);
            keep_alive_.erase(&p);
        }
        for (const sock::ConnId c : server_.closes()) {
            const auto it = by_conn_.find(c);
            if (it == by_conn_.end()) continue;
            Peer& p = *it->second; // close_session erases `it`
            close_session(p);
            p.out.push(p.conn->data_to_send());
        }
    }

    // The Engine.IO session on `p` ended on our side, or its upgrade probe failed: close the
    // WebSocket (the TCP connection goes when the client answers, or after close_timeout).
    void close_session(Peer& p) {
        p.conn->send_close(1000);
        p.close_sent_at = clock::now();
        by_conn_.erase(p.cid);
        p.cid = 0;
    }

    void on_event(const sock::ServerEvent& e) {
        // A disconnected socket's id is already forgotten: its number then.
        std::string sid{server_.socket_id(e.socket)};
        if (sid.empty()) sid = "#" + std::to_string(e.socket);
        switch (e.kind) {
        case sock::ServerEvent::Kind::connection:
            std::cerr << "socket " << sid << ": connected to " << e.nsp << " over "
                      << (server_.transport(e.conn)
                              ? sio::engineio::to_string(*server_.transport(e.conn))
                              : "?")
                      << "\n";
            return;
        case sock::ServerEvent::Kind::disconnecting:
            std::cerr << "socket " << sid << ": disconnecting (" << e.reason << ") from "
                      << e.rooms.size() << " rooms\n";
            return;
        case sock::ServerEvent::Kind::disconnect:
            std::cerr << "socket " << sid << ": disconnected (" << e.reason << ")\n";
            rooms_.erase(e.socket);
            return;
        case sock::ServerEvent::Kind::connect_error:
            std::cerr << "connection " << e.conn << ": connect_error " << e.reason << "\n";
            return;
        case sock::ServerEvent::Kind::ack: return;
        case sock::ServerEvent::Kind::event: break;
        }
        std::cerr << "socket " << sid << ": " << e.name << " " << sio::stringify(e.args) << "\n";
        const bool has_room = !e.args.empty() && e.args[0].is_string();
        if (e.name == "join" && has_room) {
            const std::string room = e.args[0].get<std::string>();
            server_.join(e.socket, room);
            rooms_[e.socket].insert(room);
            if (e.ack_id) server_.ack(e.socket, *e.ack_id, Json::array({true}));
        } else if (e.name == "leave" && has_room) {
            const std::string room = e.args[0].get<std::string>();
            server_.leave(e.socket, room);
            rooms_[e.socket].erase(room);
            if (e.ack_id) server_.ack(e.socket, *e.ack_id, Json::array({true}));
        } else if (e.name == "chat") {
            // socket.to([...rooms]).emit("chat", ...args): each recipient once.
            std::set<sock::SocketId> to;
            for (const std::string& room : rooms_[e.socket])
                for (sock::SocketId s : server_.sockets_in(e.nsp, room))
                    if (s != e.socket) to.insert(s);
            for (sock::SocketId s : to)
                server_.emit(s, "chat", e.args);
            if (e.ack_id) server_.ack(e.socket, *e.ack_id, Json::array({to.size()}));
        } else if (e.ack_id) {
            server_.ack(e.socket, *e.ack_id,
                        Json::array({Json{{"error", "unknown event " + e.name}}}));
        }
    }

    SioServeOptions options_;
    sock::Server server_;
    clock::time_point start_;
    std::map<sock::ConnId, Peer*> by_conn_;                 // session -> its WebSocket
    std::map<sock::ConnId, Peer*> held_;                    // session -> the peer holding its GET
    std::map<const Peer*, bool> keep_alive_;                // of each held GET's connection
    std::map<sock::SocketId, std::set<std::string>> rooms_; // the chat rooms each socket joined
};

} // namespace

int run_sio_serve(const SioServeOptions& options) {
    SioServer server{options};
    return server.run();
}

} // namespace wirelab::cli
