// `wirelab ws serve`: a one-thread, poll()-driven echo server on real sockets.
//   accept() -> Peer{ServerHandshake} -> 101 -> ws::Connection (leftover bytes first)
//   -> text/binary echoed, pings answered and closes echoed by the Connection -> the server
//   closes TCP first once the closing handshake is done (RFC 6455 7.1.1).
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <list>
#include <memory>
#include <optional>

#include "sim/cli/live_socket.hpp"
#include "sim/proto/http/server_handshake.hpp"
#include "sim/proto/ws/connection.hpp"
#include "sim/proto/ws/deflate.hpp"

namespace wirelab::cli {
namespace {

struct Peer {
    int fd = -1;
    int id = 0;
    std::optional<http::ServerHandshake> handshake;
    std::optional<ws::DeflateConfig> deflate; // set by the extension negotiator
    std::optional<ws::Connection> conn;
    OutQueue out;
    bool close_after_flush = false;
    bool gone = false;
    std::chrono::steady_clock::time_point accepted_at;
};

// Output above this stops reading from the peer until it drains (backpressure).
constexpr std::size_t max_queued = 8u << 20;

class EchoServer {
public:
    explicit EchoServer(const ServeOptions& options) : options_(options) {}

    int run() {
        int port = 0;
        listener_ = listen_tcp(options_.host, options_.port, port);
        if (listener_ < 0) {
            std::cerr << "wirelab ws serve: cannot listen on " << options_.host << ":"
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
            // While some handshake is pending, wake up to enforce --handshake-timeout.
            bool waiting =
                std::any_of(peers_.begin(), peers_.end(), [](const auto& p) { return !p->conn; });
            if (poll(fds.data(), fds.size(), waiting ? 100 : -1) < 0) {
                if (errno == EINTR) continue;
                return 1;
            }
            if (fds[0].revents & POLLIN) accept_all();
            std::size_t i = 1;
            for (auto& p : peers_) {
                if (i >= fds.size()) break; // accepted just now: polled next round
                short re = fds[i++].revents;
                if (re & (POLLIN | POLLHUP | POLLERR)) read_from(*p, buf);
                if (!p->gone && !p->out.flush(p->fd)) p->gone = true;
                finish_if_done(*p);
                expire_handshake(*p);
            }
            peers_.remove_if([](const std::unique_ptr<Peer>& p) {
                if (p->gone) close(p->fd);
                return p->gone;
            });
            if (options_.once && served_ && peers_.empty()) return 0;
        }
    }

private:
    void accept_all() {
        for (;;) {
            int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) return;
            auto peer = std::make_unique<Peer>();
            peer->fd = fd;
            peer->id = ++next_id_;
            peer->accepted_at = std::chrono::steady_clock::now();
            Peer* raw = peer.get();
            http::ServerOptions hs;
            if (options_.deflate) {
                hs.negotiate_extensions = [raw](const std::vector<http::Extension>& offers) {
                    auto agreed = ws::negotiate(http::format_extensions(offers));
                    if (!agreed) return std::vector<http::Extension>{};
                    raw->deflate = agreed->config;
                    return http::parse_extensions(agreed->response)
                        .value_or(std::vector<http::Extension>{});
                };
            }
            peer->handshake.emplace(std::move(hs));
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
        p.out.push(hs.data_to_send());
        std::cerr << "client " << p.id << ": " << hs.request().method << " " << hs.request().target
                  << " -> " << hs.status() << (hs.accepted() ? "" : " (" + hs.why() + ")")
                  << (p.deflate ? " permessage-deflate" : "") << "\n";
        if (!hs.accepted()) {
            p.close_after_flush = true;
            return;
        }
        ws::Config config;
        config.role = ws::Role::server;
        config.max_message_size = options_.max_message_size;
        config.deflate = p.deflate;
        config.frame_events = false;
        p.conn.emplace(config);
        wire::Bytes leftover = hs.take_leftover();
        if (!leftover.empty()) p.conn->receive_data(leftover);
        pump(p);
    }

    // Drains events: messages are echoed; pongs and close replies are already queued by
    // the connection.
    void pump(Peer& p) {
        struct Echo {
            bool text;
            wire::Bytes data;
        };
        std::vector<Echo> echoes;
        for (const ws::Event& e : p.conn->events()) {
            switch (e.kind) {
            case ws::Event::Kind::text:
            case ws::Event::Kind::binary:
                echoes.push_back(
                    {e.kind == ws::Event::Kind::text, {e.payload.begin(), e.payload.end()}});
                break;
            case ws::Event::Kind::close:
                std::cerr << "client " << p.id << ": close " << e.code << " " << e.reason << "\n";
                break;
            case ws::Event::Kind::fail:
                std::cerr << "client " << p.id << ": failed " << e.code << " " << e.reason << "\n";
                break;
            default: break;
            }
        }
        for (const Echo& e : echoes) {
            if (e.text)
                p.conn->send_text({reinterpret_cast<const char*>(e.data.data()), e.data.size()});
            else
                p.conn->send_binary(e.data);
        }
        p.out.push(p.conn->data_to_send());
    }

    // A client that never completes its request (slowloris) is dropped after the timeout.
    void expire_handshake(Peer& p) {
        if (p.gone || p.conn || p.close_after_flush) return;
        auto waited = std::chrono::steady_clock::now() - p.accepted_at;
        if (waited < std::chrono::duration<double>(options_.handshake_timeout)) return;
        std::cerr << "client " << p.id << ": no complete request in time, dropped\n";
        p.gone = true;
    }

    void finish_if_done(Peer& p) {
        if (p.gone || !p.out.empty()) return;
        bool closing = p.close_after_flush || (p.conn && p.conn->close_expected());
        if (closing) p.gone = true;
    }

public:
    ~EchoServer() {
        for (auto& p : peers_)
            close(p->fd);
        if (listener_ >= 0) close(listener_);
    }

private:
    ServeOptions options_;
    int listener_ = -1;
    int next_id_ = 0;
    bool served_ = false;
    std::list<std::unique_ptr<Peer>> peers_;
};

} // namespace

int run_serve(const ServeOptions& options) {
    EchoServer server{options};
    return server.run();
}

} // namespace wirelab::cli
