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

#include "sim/cli/live_client.hpp"
#include "sim/cli/live_socket.hpp"
#include "sim/proto/ws/connection.hpp"

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

    int run() {
        auto url = parse_ws_url(options_.url);
        if (!url) return error("not a ws:// URL: " + options_.url);
        if (!options_.binary_file.empty()) {
            std::ifstream in(options_.binary_file, std::ios::binary);
            if (!in) return error("cannot read " + options_.binary_file);
            binary_.assign(std::istreambuf_iterator<char>(in), {});
        }

        ws::Config config;
        config.max_message_size = options_.max_message_size;
        config.frame_events = false;
        socket_.on_open = [this](ws::Connection& conn) { on_open(conn); };
        if (!socket_.start(*url, {}, config, options_.deflate)) return error(socket_.why());

        using clock = std::chrono::steady_clock;
        auto deadline = clock::now() + std::chrono::duration<double>(options_.timeout);
        for (;;) {
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
            if (left.count() <= 0) return error("timed out");
            pollfd pfd = socket_.poll_entry();
            if (poll(&pfd, 1, static_cast<int>(left.count())) < 0 && errno != EINTR)
                return error("poll failed");
            if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
                LiveWsClient::Read r = socket_.read_available();
                if (r == LiveWsClient::Read::failed) return error(socket_.why());
                if (socket_.opened()) pump();
                if (r == LiveWsClient::Read::eof)
                    return socket_.opened() ? at_eof() : error(socket_.why());
            }
            if (!socket_.flush()) return error("write failed");
            if (failed_ && !socket_.output_pending()) return 1;
        }
    }

private:
    int error(const std::string& why) {
        std::cerr << "wirelab ws connect: " << why << "\n";
        return 1;
    }

    void on_open(ws::Connection& conn) {
        if (options_.ping)
            conn.send_ping({reinterpret_cast<const std::uint8_t*>(options_.ping->data()),
                            options_.ping->size()});
        for (std::size_t i = 0; i < options_.count; ++i) {
            for (const std::string& t : options_.texts)
                conn.send_text(t, options_.fragment);
            if (!options_.binary_file.empty()) conn.send_binary(binary_, options_.fragment);
        }
        expected_ =
            options_.count * (options_.texts.size() + (options_.binary_file.empty() ? 0 : 1));
        if (expected_ == 0 && !options_.ping) conn.send_close(options_.close_code);
    }

    void pump() {
        ws::Connection& conn = *socket_.connection();
        bool all_back = false;
        for (const ws::Event& e : conn.events()) {
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
        if (all_back && conn.state() == ws::State::open) conn.send_close(options_.close_code);
    }

    int at_eof() {
        pump();
        if (close_code_)
            std::cout << "closed " << *close_code_ << (close_reason_.empty() ? "" : " ")
                      << close_reason_ << "\n";
        const ws::Connection& conn = *socket_.connection();
        bool clean = close_code_ && *close_code_ != 1006 && conn.close_code_sent() && !failed_;
        if (!clean) return error("connection closed without a clean closing handshake");
        return 0;
    }

    ConnectOptions options_;
    wire::Bytes binary_;
    LiveWsClient socket_;
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
