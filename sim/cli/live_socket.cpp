// POSIX socket helpers for the live `ws serve` / `ws connect` loops, and their options.
#include "sim/cli/live_socket.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <iostream>

namespace wirelab::cli {

std::optional<Url> parse_ws_url(const std::string& url) {
    const std::string scheme = "ws://";
    if (url.rfind(scheme, 0) != 0) return std::nullopt;
    std::string rest = url.substr(scheme.size());
    Url out;
    std::size_t slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    if (slash != std::string::npos) out.target = rest.substr(slash);
    std::size_t colon = authority.rfind(':');
    if (colon != std::string::npos) {
        std::string port = authority.substr(colon + 1);
        if (port.empty() || port.size() > 5 ||
            port.find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
        unsigned long p = std::stoul(port);
        if (p == 0 || p > 65535) return std::nullopt;
        out.port = static_cast<std::uint16_t>(p);
        authority.resize(colon);
    }
    if (authority.empty()) return std::nullopt;
    out.host = authority;
    return out;
}

void set_nonblocking(int fd) {
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void set_nodelay(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

int listen_tcp(const std::string& host, int port, int& bound_port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    std::string service = std::to_string(port);
    if (getaddrinfo(host.c_str(), service.c_str(), &hints, &res) != 0) return -1;
    int fd = -1;
    for (addrinfo* ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 128) == 0) break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) return -1;
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    bound_port = addr.ss_family == AF_INET6
                     ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                     : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
    set_nonblocking(fd);
    return fd;
}

int connect_tcp(const std::string& host, std::uint16_t port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* res = nullptr;
    std::string service = std::to_string(port);
    if (getaddrinfo(host.c_str(), service.c_str(), &hints, &res) != 0) return -1;
    int fd = -1;
    for (addrinfo* ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd >= 0) {
        set_nodelay(fd);
        set_nonblocking(fd);
    }
    return fd;
}

void OutQueue::push(wire::Bytes bytes) {
    if (bytes.empty()) return;
    size_ += bytes.size();
    chunks_.push_back(std::move(bytes));
}

bool OutQueue::flush(int fd) {
    while (!chunks_.empty()) {
        const wire::Bytes& front = chunks_.front();
        ssize_t n = send(fd, front.data() + offset_, front.size() - offset_, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno == EAGAIN || errno == EWOULDBLOCK;
        }
        offset_ += static_cast<std::size_t>(n);
        size_ -= static_cast<std::size_t>(n);
        if (offset_ == front.size()) {
            chunks_.pop_front();
            offset_ = 0;
        }
    }
    return true;
}

long read_some(int fd, std::vector<std::uint8_t>& buf) {
    for (;;) {
        ssize_t n = recv(fd, buf.data(), buf.size(), 0);
        if (n >= 0) return static_cast<long>(n);
        if (errno == EINTR) continue;
        return errno == EAGAIN || errno == EWOULDBLOCK ? -1 : -2;
    }
}

// ---- LiveServer --------------------------------------------------------------------------

namespace {
constexpr std::size_t max_queued = 8u << 20; // output above this pauses reading
}

LiveServer::~LiveServer() {
    for (auto& p : peers_)
        close(p->fd);
    if (listener_ >= 0) close(listener_);
}

int LiveServer::run() {
    int port = 0;
    listener_ = listen_tcp(options_.host, options_.port, port);
    if (listener_ < 0) {
        std::cerr << "wirelab " << options_.name << ": cannot listen on " << options_.host << ":"
                  << options_.port << "\n";
        return 1;
    }
    std::cout << "listening on ws://" << options_.host << ":" << port << std::endl;
    std::vector<std::uint8_t> buf(256 * 1024);
    std::vector<pollfd> fds;
    for (;;) {
        const bool accepting = peers_.size() < options_.max_clients && !(options_.once && served_);
        fds.clear();
        fds.push_back({accepting ? listener_ : -1, POLLIN, 0});
        for (auto& p : peers_) {
            short events = p->out.size() < max_queued ? POLLIN : 0;
            if (!p->out.empty()) events |= POLLOUT;
            fds.push_back({p->fd, events, 0});
        }
        if (poll(fds.data(), fds.size(), wait_ms()) < 0) {
            if (errno == EINTR) continue;
            return 1;
        }
        on_wake();
        if (fds[0].revents & POLLIN) accept_all();
        std::size_t i = 1;
        for (auto& p : peers_) {
            if (i >= fds.size()) break; // accepted just now: polled next round
            const short re = fds[i++].revents;
            if (re & (POLLIN | POLLHUP | POLLERR)) read_from(*p, buf);
        }
        for (auto& p : peers_) {
            if (!p->gone && !p->out.flush(p->fd)) p->gone = true;
            if (!p->gone && p->close_after_flush && p->out.empty()) p->gone = true;
            after_io(*p);
        }
        for (auto& p : peers_)
            if (p->gone) on_gone(*p);
        peers_.remove_if([](const std::unique_ptr<LivePeer>& p) {
            if (p->gone) close(p->fd);
            return p->gone;
        });
        if (options_.once && served_ && peers_.empty()) return 0;
    }
}

void LiveServer::accept_all() {
    for (;;) {
        const int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        set_nodelay(fd);
        auto peer = make_peer();
        peer->fd = fd;
        peer->id = ++next_id_;
        peer->accepted_at = std::chrono::steady_clock::now();
        peers_.push_back(std::move(peer));
        served_ = true;
        if (options_.once) return;
    }
}

void LiveServer::read_from(LivePeer& p, std::vector<std::uint8_t>& buf) {
    for (int rounds = 0; rounds < 64 && !p.gone && !p.close_after_flush; ++rounds) {
        const long n = read_some(p.fd, buf);
        if (n == -1) return;
        if (n <= 0) { // EOF or error: the transport is gone
            on_eof(p);
            std::cerr << "client " << p.id << ": transport closed\n";
            p.gone = true;
            return;
        }
        on_data(p, {buf.data(), static_cast<std::size_t>(n)});
    }
}

bool request_expired(const LivePeer& p, double timeout) {
    const auto waited = std::chrono::steady_clock::now() - p.accepted_at;
    return waited >= std::chrono::duration<double>(timeout);
}

void add_live_commands(CLI::App& ws) {
    auto so = std::make_shared<ServeOptions>();
    CLI::App* serve = ws.add_subcommand("serve", "WebSocket echo server on a real TCP socket");
    serve->add_option("--port", so->port, "TCP port (0 = any free port, printed)")->required();
    serve->add_option("--host", so->host, "address to listen on");
    serve->add_option("--max-clients", so->max_clients, "connections served at once");
    serve->add_flag("--once", so->once, "exit once the first connection has ended");
    serve->add_flag("!--no-deflate", so->deflate, "refuse permessage-deflate offers");
    serve->add_option("--max-message-size", so->max_message_size, "bytes (0 = no limit)");
    serve->add_option("--handshake-timeout", so->handshake_timeout,
                      "seconds a client has to send its complete Upgrade request");
    serve->callback([so] { std::exit(run_serve(*so)); });

    auto co = std::make_shared<ConnectOptions>();
    CLI::App* conn = ws.add_subcommand("connect", "send messages to a WebSocket server");
    conn->add_option("URL", co->url, "ws://host:port/path")->required();
    conn->add_option("--send", co->texts, "a text message (repeatable)");
    conn->add_option("--binary-file", co->binary_file, "send this file as a binary message");
    conn->add_option("--count", co->count, "send the messages this many times");
    conn->add_option("--fragment", co->fragment, "frames of at most N payload bytes");
    conn->add_option("--ping", co->ping, "send a ping with this payload first");
    conn->add_flag("--deflate", co->deflate, "offer permessage-deflate");
    conn->add_option("--close-code", co->close_code, "the close code to send at the end");
    conn->add_option("--timeout", co->timeout, "seconds before giving up");
    conn->add_option("--max-message-size", co->max_message_size, "bytes (0 = no limit)");
    conn->callback([co] { std::exit(run_connect(*co)); });
}

} // namespace wirelab::cli
