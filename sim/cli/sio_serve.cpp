// `wirelab sio serve`: a one-thread, poll()-driven Socket.IO server on real sockets.
//   accept() -> Peer{ServerHandshake} -> GET /socket.io/?EIO=4&transport=websocket -> 101
//   -> ws::Connection -> text/binary messages -> socketio::Server (Engine.IO session,
//   Socket.IO packets, rooms) -> events() -> the chat below -> transmits() -> ws frames.
// Only the WebSocket transport: a long-polling request (transport=polling) is answered
// 400 "polling transport not supported", so clients must use transports: ["websocket"].
// Heartbeats run on the server's poll_timeout(); time is steady_clock nanoseconds. When a
// session ends on our side (ping timeout) the WebSocket close goes out and the TCP
// connection is dropped if the client does not answer it within 2 s.
#include "sim/cli/sio_serve.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>

#include "sim/cli/live_socket.hpp"
#include "sim/proto/http/server_handshake.hpp"
#include "sim/proto/sio/json_text.hpp"
#include "sim/proto/sio/socketio_server.hpp"
#include "sim/proto/ws/connection.hpp"

namespace wirelab::cli {
namespace {

using sio::Json;
namespace sock = sio::socketio;

struct Peer {
    int fd = -1;
    int id = 0;
    std::optional<http::ServerHandshake> handshake;
    std::optional<ws::Connection> conn;
    sock::ConnId cid = 0; // the Engine.IO session, 0 when none (yet or any more)
    OutQueue out;
    bool close_after_flush = false;
    bool gone = false;
    std::chrono::steady_clock::time_point accepted_at;
    // When our WebSocket close frame went out (the session ended on our side): a client
    // that never answers it is dropped after close_timeout.
    std::optional<std::chrono::steady_clock::time_point> close_sent_at;
};

constexpr std::size_t max_queued = 8u << 20;
constexpr std::chrono::seconds close_timeout{2};

// The value of `key` in the query string of `target`, nullopt when absent.
std::optional<std::string> query_param(const std::string& target, std::string_view key) {
    const auto q = target.find('?');
    if (q == std::string::npos) return std::nullopt;
    std::string_view rest{target};
    rest.remove_prefix(q + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) == key)
            return std::string(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        rest.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

// Engine.IO's checks on the request, before the WebSocket upgrade: nullopt when fine, else
// the status and body to answer with.
std::optional<std::pair<int, std::string>> check_engineio_request(const std::string& target) {
    const std::string path = target.substr(0, target.find('?'));
    if (path != "/socket.io/" && path != "/socket.io")
        return std::pair{404, std::string("not found (Socket.IO is at /socket.io/)")};
    const auto transport = query_param(target, "transport");
    if (transport == "polling")
        return std::pair{400, std::string("polling transport not supported")};
    if (transport != "websocket") return std::pair{400, std::string("Transport unknown")};
    if (query_param(target, "EIO") != "4")
        return std::pair{400, std::string("Unsupported protocol version")};
    return std::nullopt;
}

std::string random_id() {
    static std::mt19937_64 rng{std::random_device{}()};
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string id(20, '\0');
    for (char& c : id)
        c = alphabet[rng() % 64];
    return id;
}

class SioServer {
public:
    explicit SioServer(const SioServeOptions& options)
        : options_(options), server_(make_config(options)), start_(clock::now()) {}

    ~SioServer() {
        for (auto& p : peers_)
            close(p->fd);
        if (listener_ >= 0) close(listener_);
    }

    int run() {
        int port = 0;
        listener_ = listen_tcp(options_.host, options_.port, port);
        if (listener_ < 0) {
            std::cerr << "wirelab sio serve: cannot listen on " << options_.host << ":"
                      << options_.port << "\n";
            return 1;
        }
        std::cout << "listening on ws://" << options_.host << ":" << port << std::endl;
        std::vector<std::uint8_t> buf(256 * 1024);
        std::vector<pollfd> fds;
        for (;;) {
            bool accepting = peers_.size() < options_.max_clients && !(options_.once && served_);
            fds.clear();
            fds.push_back({accepting ? listener_ : -1, POLLIN, 0});
            for (auto& p : peers_) {
                short events = p->out.size() < max_queued ? POLLIN : 0;
                if (!p->out.empty()) events |= POLLOUT;
                fds.push_back({p->fd, events, 0});
            }
            if (poll(fds.data(), fds.size(), poll_wait_ms()) < 0) {
                if (errno == EINTR) continue;
                return 1;
            }
            if (const auto t = server_.poll_timeout(); t && *t <= now()) {
                server_.handle_timeout(now());
                dispatch();
            }
            if (fds[0].revents & POLLIN) accept_all();
            std::size_t i = 1;
            for (auto& p : peers_) {
                if (i >= fds.size()) break; // accepted just now: polled next round
                short re = fds[i++].revents;
                if (re & (POLLIN | POLLHUP | POLLERR)) read_from(*p, buf);
            }
            for (auto& p : peers_) {
                if (!p->gone && !p->out.flush(p->fd)) p->gone = true;
                finish_if_done(*p);
                expire_handshake(*p);
                expire_close(*p);
            }
            for (auto& p : peers_)
                if (p->gone) detach(*p);
            peers_.remove_if([](const std::unique_ptr<Peer>& p) {
                if (p->gone) close(p->fd);
                return p->gone;
            });
            if (options_.once && served_ && peers_.empty()) return 0;
        }
    }

private:
    using clock = std::chrono::steady_clock;

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

    // Until the next heartbeat timer, or 100 ms while a handshake or a close may time out.
    int poll_wait_ms() const {
        std::int64_t wait = -1;
        if (const auto t = server_.poll_timeout())
            wait = std::max<std::int64_t>(0, (*t - now() + 999'999) / 1'000'000);
        const bool waiting = std::any_of(peers_.begin(), peers_.end(), [](const auto& p) {
            return !p->conn || p->close_sent_at;
        });
        if (waiting && (wait < 0 || wait > 100)) wait = 100;
        return static_cast<int>(std::min<std::int64_t>(wait, 60'000));
    }

    void accept_all() {
        for (;;) {
            int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) return;
            auto peer = std::make_unique<Peer>();
            peer->fd = fd;
            peer->id = ++next_id_;
            peer->accepted_at = clock::now();
            peer->handshake.emplace(http::ServerOptions{});
            peers_.push_back(std::move(peer));
            served_ = true;
            if (options_.once) return;
        }
    }

    void read_from(Peer& p, std::vector<std::uint8_t>& buf) {
        for (int rounds = 0; rounds < 64 && !p.gone && !p.close_after_flush; ++rounds) {
            long n = read_some(p.fd, buf);
            if (n == -1) return;
            if (n <= 0) { // EOF or error: the transport is gone
                if (p.conn) {
                    p.conn->receive_eof();
                    pump(p);
                }
                std::cerr << "client " << p.id << ": transport closed\n";
                p.gone = true;
                return;
            }
            feed(p, {buf.data(), static_cast<std::size_t>(n)});
        }
    }

    void feed(Peer& p, wire::ByteView data) {
        if (p.conn) {
            p.conn->receive_data(data);
            return pump(p);
        }
        http::ServerHandshake& hs = *p.handshake;
        hs.receive_data(data);
        if (!hs.done()) return;
        const std::string& target = hs.request().target;
        if (auto refusal = check_engineio_request(target)) {
            std::cerr << "client " << p.id << ": " << hs.request().method << " " << target << " -> "
                      << refusal->first << " (" << refusal->second << ")\n";
            const std::string response = http::error_response(refusal->first, refusal->second);
            p.out.push(wire::Bytes(response.begin(), response.end()));
            p.close_after_flush = true;
            return;
        }
        p.out.push(hs.data_to_send());
        std::cerr << "client " << p.id << ": " << hs.request().method << " " << target << " -> "
                  << hs.status() << (hs.accepted() ? "" : " (" + hs.why() + ")") << "\n";
        if (!hs.accepted()) {
            p.close_after_flush = true;
            return;
        }
        ws::Config config;
        config.role = ws::Role::server;
        config.max_message_size = 2u << 20; // above Engine.IO's maxPayload, which it enforces
        config.frame_events = false;
        p.conn.emplace(config);
        p.cid = server_.accept(now());
        by_conn_[p.cid] = &p;
        dispatch();
        wire::Bytes leftover = hs.take_leftover();
        if (!leftover.empty()) p.conn->receive_data(leftover);
        pump(p);
    }

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
        if (closed) detach(p);
        p.out.push(p.conn->data_to_send());
    }

    // The transport of `p` is gone: its Socket.IO sockets disconnect.
    void detach(Peer& p) {
        if (!p.cid) return;
        by_conn_.erase(p.cid);
        server_.receive_transport_close(std::exchange(p.cid, 0));
        dispatch();
    }

    // Reacts to the server's events (the chat), then writes its transmits.
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
        // Sessions that ended without a last frame to mark (a ping timeout) close here.
        for (const sock::ConnId c : std::exchange(ended_, {}))
            if (const auto it = by_conn_.find(c); it != by_conn_.end()) {
                close_session(*it->second);
                it->second->out.push(it->second->conn->data_to_send());
            }
    }

    // The Engine.IO session of `p` ended on our side: close the WebSocket (RFC 6455 close
    // frame; the TCP connection goes when the client answers, or after close_timeout).
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
            std::cerr << "socket " << sid << ": connected to " << e.nsp << "\n";
            return;
        case sock::ServerEvent::Kind::disconnect:
            std::cerr << "socket " << sid << ": disconnected (" << e.reason << ")\n";
            rooms_.erase(e.socket);
            // An Engine.IO reason ("ping timeout", "parse error", ...): the session is over.
            // The server names no transmit to close on when nothing was left to send.
            if (e.reason != "client namespace disconnect" &&
                e.reason != "server namespace disconnect")
                ended_.push_back(e.conn);
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

    // A client that never completes its request (slowloris) is dropped after the timeout.
    void expire_handshake(Peer& p) {
        if (p.gone || p.conn || p.close_after_flush) return;
        auto waited = clock::now() - p.accepted_at;
        if (waited < std::chrono::duration<double>(options_.handshake_timeout)) return;
        std::cerr << "client " << p.id << ": no complete request in time, dropped\n";
        p.gone = true;
    }

    void expire_close(Peer& p) {
        if (p.gone || !p.close_sent_at || clock::now() - *p.close_sent_at < close_timeout) return;
        std::cerr << "client " << p.id << ": no close frame back in time, dropped\n";
        p.gone = true;
    }

    void finish_if_done(Peer& p) {
        if (p.gone || !p.out.empty()) return;
        bool closing = p.close_after_flush || (p.conn && p.conn->close_expected());
        if (closing) p.gone = true;
    }

    SioServeOptions options_;
    sock::Server server_;
    clock::time_point start_;
    int listener_ = -1;
    int next_id_ = 0;
    bool served_ = false;
    std::list<std::unique_ptr<Peer>> peers_;
    std::map<sock::ConnId, Peer*> by_conn_;
    std::map<sock::SocketId, std::set<std::string>> rooms_;
    std::vector<sock::ConnId>
        ended_; // sessions ended by the server, to close // the chat rooms each socket joined
};

} // namespace

int run_sio_serve(const SioServeOptions& options) {
    SioServer server{options};
    return server.run();
}

} // namespace wirelab::cli
