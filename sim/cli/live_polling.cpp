// LivePolling: HTTP long-polling for `wirelab sio connect` (see live_polling.hpp).
#include "sim/cli/live_polling.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string_view>

namespace wirelab::cli {

namespace {
// yeast's alphabet: engine.io-client's t= query value.
constexpr std::string_view yeast_alphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
std::string yeast_encode(std::int64_t n) {
    std::string out;
    do {
        out.insert(out.begin(), yeast_alphabet[static_cast<std::size_t>(n % 64)]);
        n /= 64;
    } while (n > 0);
    return out;
}
} // namespace

void LivePolling::set_server(const Url& server, std::string path) {
    close();
    server_ = server;
    path_ = std::move(path);
    host_header_ = server.host + (server.port == 80 ? "" : ":" + std::to_string(server.port));
}

// engine.io-client's yeast(): the time in ms in base 64, with ".<seed>" when it repeats.
std::string LivePolling::cache_buster() {
    const std::int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
    std::string out = yeast_encode(ms);
    if (ms == last_stamp_) return out + "." + yeast_encode(stamp_seed_++);
    last_stamp_ = ms;
    stamp_seed_ = 0;
    return out;
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

} // namespace wirelab::cli
