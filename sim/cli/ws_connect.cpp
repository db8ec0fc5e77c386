// `wirelab ws connect`: one client on a real socket, driven by poll().
//   connect() -> ClientHandshake request -> 101 checked -> ws::Connection (leftover first)
//   -> send the messages -> print every message received -> close once all echoes are back
//   -> wait for the server to close TCP (RFC 6455 7.1.1) -> exit 0 if the close was clean.
#include <openssl/evp.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>

#include "sim/cli/live_socket.hpp"
#include "sim/proto/http/client_handshake.hpp"
#include "sim/proto/ws/connection.hpp"
#include "sim/proto/ws/deflate.hpp"

namespace wirelab::cli {
namespace {

// "binary 3 0a0b0c" for short messages, "binary 65536 sha256=..." for long ones.
std::string describe_binary(wire::ByteView data) {
    std::string line = "binary " + std::to_string(data.size()) + " ";
    if (data.size() <= 32) return line + wire::to_hex(data);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
    return line + "sha256=" + wire::to_hex({digest, length});
}

class Client {
public:
    explicit Client(const ConnectOptions& options) : options_(options) {}
    ~Client() {
        if (fd_ >= 0) close(fd_);
    }

    int run() {
        auto url = parse_ws_url(options_.url);
        if (!url) return error("not a ws:// URL: " + options_.url);
        if (!options_.binary_file.empty()) {
            std::ifstream in(options_.binary_file, std::ios::binary);
            if (!in) return error("cannot read " + options_.binary_file);
            binary_.assign(std::istreambuf_iterator<char>(in), {});
        }
        fd_ = connect_tcp(url->host, url->port);
        if (fd_ < 0)
            return error("cannot connect to " + url->host + ":" + std::to_string(url->port));

        http::ClientOptions ho;
        ho.host = url->host + (url->port == 80 ? "" : ":" + std::to_string(url->port));
        ho.target = url->target;
        if (options_.deflate) {
            ho.extensions = http::parse_extensions(ws::format_offer(offer_))
                                .value_or(std::vector<http::Extension>{});
            ho.check_extensions =
                [this](const std::vector<http::Extension>& agreed) -> std::optional<std::string> {
                std::string why;
                auto config = ws::accept_response(http::format_extensions(agreed), offer_, &why);
                if (!config) return "permessage-deflate response refused: " + why;
                deflate_ = config;
                return std::nullopt;
            };
        }
        handshake_.emplace(std::move(ho));
        out_.push(handshake_->data_to_send());

        using clock = std::chrono::steady_clock;
        auto deadline = clock::now() + std::chrono::duration<double>(options_.timeout);
        std::vector<std::uint8_t> buf(256 * 1024);
        for (;;) {
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
            if (left.count() <= 0) return error("timed out");
            pollfd pfd{fd_, static_cast<short>(POLLIN | (out_.empty() ? 0 : POLLOUT)), 0};
            if (poll(&pfd, 1, static_cast<int>(left.count())) < 0 && errno != EINTR)
                return error("poll failed");
            if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
                for (int rounds = 0; rounds < 64; ++rounds) {
                    long n = read_some(fd_, buf);
                    if (n == -1) break;
                    if (n <= 0) return at_eof();
                    if (int rc = feed({buf.data(), static_cast<std::size_t>(n)}); rc >= 0)
                        return rc;
                }
            }
            if (!out_.flush(fd_)) return error("write failed");
            if (failed_ && out_.empty()) return 1;
        }
    }

private:
    int error(const std::string& why) {
        std::cerr << "wirelab ws connect: " << why << "\n";
        return 1;
    }

    // Returns an exit code to stop with, or -1 to go on.
    int feed(wire::ByteView data) {
        if (conn_) {
            conn_->receive_data(data);
            pump();
            return -1;
        }
        handshake_->receive_data(data);
        if (!handshake_->done()) return -1;
        if (handshake_->failed()) return error("handshake failed: " + handshake_->why());
        ws::Config config;
        config.role = ws::Role::client;
        config.deflate = deflate_;
        config.max_message_size = options_.max_message_size;
        config.frame_events = false;
        conn_.emplace(config);
        if (options_.ping)
            conn_->send_ping({reinterpret_cast<const std::uint8_t*>(options_.ping->data()),
                              options_.ping->size()});
        for (std::size_t i = 0; i < options_.count; ++i) {
            for (const std::string& t : options_.texts)
                conn_->send_text(t, options_.fragment);
            if (!options_.binary_file.empty()) conn_->send_binary(binary_, options_.fragment);
        }
        expected_ =
            options_.count * (options_.texts.size() + (options_.binary_file.empty() ? 0 : 1));
        if (expected_ == 0 && !options_.ping) conn_->send_close(options_.close_code);
        wire::Bytes leftover = handshake_->take_leftover();
        if (!leftover.empty()) conn_->receive_data(leftover);
        pump();
        return -1;
    }

    void pump() {
        bool all_back = false;
        for (const ws::Event& e : conn_->events()) {
            switch (e.kind) {
            case ws::Event::Kind::text:
                std::cout << e.text() << "\n";
                all_back = ++received_ == expected_;
                break;
            case ws::Event::Kind::binary:
                std::cout << describe_binary(e.payload) << "\n";
                all_back = ++received_ == expected_;
                break;
            case ws::Event::Kind::pong:
                std::cout << "pong " << e.text() << "\n";
                if (expected_ == 0) all_back = true;
                break;
            case ws::Event::Kind::close:
                close_code_ = e.code;
                close_reason_ = e.reason;
                break;
            case ws::Event::Kind::fail:
                std::cerr << "wirelab ws connect: failed " << e.code << ": " << e.reason << "\n";
                failed_ = true;
                break;
            default: break;
            }
        }
        if (all_back && conn_->state() == ws::State::open) conn_->send_close(options_.close_code);
        out_.push(conn_->data_to_send());
    }

    int at_eof() {
        if (!conn_) return error("server closed the connection during the handshake");
        conn_->receive_eof();
        pump();
        if (close_code_)
            std::cout << "closed " << *close_code_ << (close_reason_.empty() ? "" : " ")
                      << close_reason_ << "\n";
        bool clean = close_code_ && *close_code_ != 1006 && conn_->close_code_sent() && !failed_;
        if (!clean) return error("connection closed without a clean closing handshake");
        return 0;
    }

    ConnectOptions options_;
    int fd_ = -1;
    wire::Bytes binary_;
    ws::DeflateOffer offer_;
    std::optional<ws::DeflateConfig> deflate_;
    std::optional<http::ClientHandshake> handshake_;
    std::optional<ws::Connection> conn_;
    OutQueue out_;
    std::size_t expected_ = 0;
    std::size_t received_ = 0;
    std::optional<std::uint16_t> close_code_;
    std::string close_reason_;
    bool failed_ = false;
};

} // namespace

int run_connect(const ConnectOptions& options) {
    Client client{options};
    return client.run();
}

} // namespace wirelab::cli
