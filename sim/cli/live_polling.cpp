// LivePolling: HTTP long-polling for `wirelab sio connect` (see live_polling.hpp).
#include "sim/cli/live_polling.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string_view>
#include <utility>

namespace wirelab::cli {

void LivePolling::set_server(const Url& server, std::string path) {
    close();
    server_ = server;
    path_ = std::move(path);
    host_header_ = server.host + (server.port == 80 ? "" : ":" + std::to_string(server.port));
}

// engine.io-client's t= cache buster, on the wall clock.
std::string LivePolling::cache_buster() {
    return yeast_.next(std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count());
}

std::optional<LivePolling::Result> LivePolling::send(const sio::engineio::PollRequest& r) {
    const bool get = r.method == "GET";
    Conn& c = conns_[get ? 0 : 1];
    if (c.fd < 0) {
        c.fd = connect_tcp(server_.host, server_.port);
        if (c.fd < 0)
            return Result{r.method,
                          0,
                          {},
                          true,
                          "cannot connect to " + server_.host + ":" + std::to_string(server_.port)};
        c.reader.emplace(http::MessageReader::Kind::responses);
        c.out = OutQueue{};
    }
    http::Fields headers = {{"Host", host_header_}, {"Accept", "*/*"}};
    if (!get) headers.emplace_back("Content-Type", "text/plain;charset=UTF-8");
    const std::string text = http::format_request(
        r.method, path_ + "?" + r.query + "&t=" + cache_buster(), headers, r.body);
    ++sent_;
    if (c.busy++ > 0) {
        c.waiting.push_back(text);
        return std::nullopt;
    }
    write(c, text);
    if (!c.out.flush(c.fd)) {
        drop(c);
        return Result{r.method, 0, {}, true, "write failed"};
    }
    return std::nullopt;
}

void LivePolling::write(Conn& c, const std::string& text) {
    c.reader->expect_response_to(text.substr(0, text.find(' ')));
    c.out.push(wire::Bytes(text.begin(), text.end()));
}

std::array<pollfd, 2> LivePolling::poll_entries() const {
    std::array<pollfd, 2> out{};
    for (std::size_t i = 0; i < 2; ++i) {
        const Conn& c = conns_[i];
        out[i] = pollfd{c.fd, static_cast<short>(POLLIN | (c.out.empty() ? 0 : POLLOUT)), 0};
    }
    return out;
}

std::vector<LivePolling::Result> LivePolling::service(const std::array<pollfd, 2>& fds) {
    std::vector<Result> out;
    if (buf_.empty()) buf_.resize(64 * 1024);
    for (std::size_t i = 0; i < 2; ++i) {
        Conn& c = conns_[i];
        const std::string method = i == 0 ? "GET" : "POST";
        if (c.fd < 0 || fds[i].fd != c.fd) continue;
        auto fail = [&](std::string why) {
            if (c.busy > 0) out.push_back(Result{method, 0, {}, true, std::move(why)});
            drop(c); // an idle keep-alive connection the server closed: the next send reopens
        };
        if ((fds[i].revents & POLLOUT) && !c.out.flush(c.fd)) {
            fail("write failed");
            continue;
        }
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        bool eof = false;
        for (int rounds = 0; rounds < 64; ++rounds) {
            const long n = read_some(c.fd, buf_);
            if (n == -1) break;
            if (n <= 0) {
                eof = true;
                if (n == 0) c.reader->receive_eof();
                break;
            }
            c.reader->receive_data({buf_.data(), static_cast<std::size_t>(n)});
        }
        bool close_after = false;
        while (auto m = c.reader->next()) {
            c.busy = std::max(0, c.busy - 1);
            close_after = close_after || !m->keep_alive();
            if (!c.waiting.empty() && !close_after) {
                write(c, c.waiting.front());
                c.waiting.pop_front();
                (void)c.out.flush(c.fd); // a failed write shows at the next poll
            }
            const wire::ByteView body = m->body();
            out.push_back(
                Result{method,
                       m->status,
                       std::string(reinterpret_cast<const char*>(body.data()), body.size()),
                       false,
                       {}});
        }
        if (c.reader->failed()) {
            fail("bad HTTP response: " + c.reader->why());
        } else if (eof) {
            fail("the server closed the connection");
        } else if (close_after) {
            fail("the server closed the connection"); // an error only if requests wait
        }
    }
    return out;
}

void LivePolling::drop(Conn& c) {
    if (c.fd >= 0) ::close(c.fd);
    c.fd = -1;
    c.busy = 0;
    c.waiting.clear();
    c.out = OutQueue{};
    c.reader.reset();
}

void LivePolling::close() {
    for (Conn& c : conns_)
        drop(c);
}

// ---- LiveSioTransport --------------------------------------------------------------------

namespace {
namespace sock = sio::socketio;
using sio::engineio::Transport;
ws::Config frame_config() {
    ws::Config config;
    config.frame_events = false;
    return config;
}
} // namespace

LiveSioTransport::LiveSioTransport(sock::Client& client, const Url& server, std::string path)
    : client_(client), server_(server), path_(std::move(path)) {
    polling_.set_server(server_, path_);
}

void LiveSioTransport::command(sock::TransportCommand c, std::int64_t now) {
    switch (c) {
    case sock::TransportCommand::open: open_transport(now); return;
    case sock::TransportCommand::close: close_all(); return;
    case sock::TransportCommand::http_request: send_http(now); return;
    case sock::TransportCommand::open_upgrade: open_upgrade(now); return;
    case sock::TransportCommand::close_upgrade:
        up_->close();
        upgrade_open_ = false;
        return;
    }
}

void LiveSioTransport::send(const sio::engineio::Frame& f) {
    ws::Connection* conn = nullptr;
    // A session closing after disconnect() is still on polling (its probe, if any).
    const auto transport = client_.transport();
    if (transport ? *transport == Transport::polling : client_.closing()) {
        if (upgrade_open_) conn = up_->connection();
    } else if (transport_open_) {
        conn = ws_->connection();
    }
    if (!conn) return; // no transport: nothing can carry it
    if (f.binary) {
        conn->send_binary({reinterpret_cast<const std::uint8_t*>(f.data.data()), f.data.size()});
    } else {
        conn->send_text(f.data);
    }
}

bool LiveSioTransport::finish_upgrade() {
    if (up_->fd() < 0 || !upgrade_open_ || client_.transport() != Transport::websocket)
        return false;
    std::swap(ws_, up_);
    up_->close();
    transport_open_ = true;
    upgrade_open_ = false;
    polling_.close();
    http_pending_.clear();
    return true;
}

void LiveSioTransport::flush(std::int64_t now) {
    if (ws_->fd() >= 0 && !ws_->flush()) lost(now, "write failed");
    if (up_->fd() >= 0 && !up_->flush()) upgrade_lost(now, "write failed");
}

std::array<pollfd, 4> LiveSioTransport::poll_entries() const {
    const std::array<pollfd, 2> http = polling_.poll_entries();
    std::array<pollfd, 4> out{pollfd{-1, 0, 0}, pollfd{-1, 0, 0}, http[0], http[1]};
    if (ws_->fd() >= 0) out[0] = ws_->poll_entry();
    if (up_->fd() >= 0) out[1] = up_->poll_entry();
    return out;
}

void LiveSioTransport::service(const std::array<pollfd, 4>& fds, std::int64_t now) {
    constexpr short readable = POLLIN | POLLHUP | POLLERR;
    if (ws_->fd() >= 0 && ws_->fd() == fds[0].fd && (fds[0].revents & readable)) read(now);
    if (up_->fd() >= 0 && up_->fd() == fds[1].fd && (fds[1].revents & readable)) read_upgrade(now);
    flush(now);
    for (const LivePolling::Result& r : polling_.service({fds[2], fds[3]}))
        on_http(r, now);
}

void LiveSioTransport::session_gone() {
    polling_.close();
    http_pending_.clear();
    up_->close();
    upgrade_open_ = false;
}

void LiveSioTransport::open_transport(std::int64_t now) {
    ws_->close();
    transport_open_ = false;
    Url url = server_;
    url.target = path_ + "?EIO=4&transport=websocket";
    if (!ws_->start(url, {}, frame_config())) client_.handle_transport_error(now, ws_->why());
}

void LiveSioTransport::close_all() {
    if (ws::Connection* conn = ws_->connection(); conn && conn->state() == ws::State::open)
        conn->send_close(1000);
    if (ws_->fd() >= 0) ws_->flush();
    ws_->close();
    transport_open_ = false;
    session_gone();
}

void LiveSioTransport::read(std::int64_t now) {
    const LiveWsClient::Read r = ws_->read_available();
    if (ws::Connection* conn = ws_->connection()) {
        if (!transport_open_) {
            transport_open_ = true;
            client_.handle_transport_open(now);
        }
        bool closed = false;
        // The events' views die with the next receive_data(): the engine copies them.
        for (const ws::Event& e : conn->events()) {
            if (e.kind == ws::Event::Kind::text) {
                client_.receive_text(e.text(), now);
            } else if (e.kind == ws::Event::Kind::binary) {
                client_.receive_binary(
                    {reinterpret_cast<const char*>(e.payload.data()), e.payload.size()}, now);
            } else if (e.kind == ws::Event::Kind::close || e.kind == ws::Event::Kind::fail) {
                closed = true;
            }
        }
        if (closed) return lost(now, "websocket closed");
    }
    if (r != LiveWsClient::Read::more) lost(now, ws_->why());
}

// The socket is gone (EOF, close frame, error): before the 101 the attempt failed, after it
// the transport closed under the engine.
void LiveSioTransport::lost(std::int64_t now, const std::string& why) {
    if (ws_->fd() >= 0) ws_->flush();
    ws_->close();
    if (transport_open_) {
        transport_open_ = false;
        client_.receive_transport_close(now);
    } else {
        client_.handle_transport_error(now, why.empty() ? "websocket error" : why);
    }
}

void LiveSioTransport::on_http(const LivePolling::Result& r, std::int64_t now) {
    if (!r.error) return client_.receive_http_response(r.method, r.status, r.body, now);
    // An XHR error closes the whole polling transport (and a probe under way).
    session_gone();
    client_.handle_http_error(r.method, now);
}

void LiveSioTransport::send_http(std::int64_t now) {
    for (auto& r : client_.http_requests())
        http_pending_.push_back(std::move(r));
    if (http_pending_.empty()) return;
    sio::engineio::PollRequest r = std::move(http_pending_.front());
    http_pending_.pop_front();
    if (auto failed = polling_.send(r)) on_http(*failed, now);
}

void LiveSioTransport::open_upgrade(std::int64_t now) {
    up_->close();
    upgrade_open_ = false;
    Url url = server_;
    url.target = path_ + "?" + client_.upgrade_query();
    if (!up_->start(url, {}, frame_config())) client_.handle_upgrade_error(now, up_->why());
}

void LiveSioTransport::read_upgrade(std::int64_t now) {
    const LiveWsClient::Read r = up_->read_available();
    if (ws::Connection* conn = up_->connection()) {
        if (!upgrade_open_) {
            upgrade_open_ = true;
            client_.handle_upgrade_open(now);
        }
        for (const ws::Event& e : conn->events()) {
            if (e.kind == ws::Event::Kind::text) {
                client_.receive_text(e.text(), now);
            } else if (e.kind == ws::Event::Kind::binary) {
                client_.receive_binary(
                    {reinterpret_cast<const char*>(e.payload.data()), e.payload.size()}, now);
            } else if (e.kind == ws::Event::Kind::close || e.kind == ws::Event::Kind::fail) {
                return upgrade_lost(now, "websocket closed");
            }
        }
    }
    if (r != LiveWsClient::Read::more) upgrade_lost(now, up_->why());
}

// The probe WebSocket failed: before its 101 the upgrade could not start, after it the
// probe's transport closed; either way polling goes on.
void LiveSioTransport::upgrade_lost(std::int64_t now, const std::string& why) {
    up_->close();
    if (std::exchange(upgrade_open_, false)) {
        client_.receive_transport_close(now);
    } else {
        client_.handle_upgrade_error(now, why.empty() ? "websocket error" : why);
    }
}

void LiveSioTransport::leave() {
    for (const auto& f : client_.frames_to_send())
        if (!f.binary) send(f);
    // Polling: the engine drains its POSTs (the DISCONNECT among them), then sends the close
    // packet alone, and says close once that is answered; obey it here, as the reference
    // client's XHRs would, for at most leave_limit. A WebSocket transport gets close at once.
    const auto now = [] { return std::chrono::steady_clock::now(); };
    const auto ns = [] {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    };
    constexpr auto leave_limit = std::chrono::seconds(2);
    const auto obey = [&] {
        for (const auto& f : client_.frames_to_send())
            if (!f.binary) send(f);
        for (sock::TransportCommand c : client_.transport_commands()) {
            if (c == sock::TransportCommand::close) {
                session_gone(); // the WebSocket's closing handshake follows below
            } else if (c != sock::TransportCommand::open &&
                       c != sock::TransportCommand::open_upgrade) {
                command(c, ns());
            }
        }
        client_.events(); // the Socket is gone: nothing more to print
    };
    obey();
    for (const auto until = now() + leave_limit; client_.closing() && now() < until;) {
        std::array<pollfd, 2> fds = polling_.poll_entries();
        if (poll(fds.data(), 2, 50) > 0) {
            for (const LivePolling::Result& r : polling_.service(fds))
                on_http(r, ns());
        }
        if (auto t = client_.poll_timeout(); t && ns() >= *t) client_.handle_timeout(ns());
        obey();
    }
    up_->close();
    polling_.close();
    // WebSocket: a close frame, then a short wait for the server to close TCP first
    // (RFC 6455 7.1.1).
    ws::Connection* conn = ws_->connection();
    if (ws_->fd() < 0 || !conn) return;
    if (conn->state() == ws::State::open) conn->send_close(1000);
    for (const auto until = now() + std::chrono::seconds(1);
         ws_->fd() >= 0 && ws_->flush() && now() < until;) {
        pollfd pfd = ws_->poll_entry();
        if (poll(&pfd, 1, 50) <= 0) continue;
        if (ws_->read_available() != LiveWsClient::Read::more) break;
        conn->events();
    }
    ws_->close();
}

} // namespace wirelab::cli
