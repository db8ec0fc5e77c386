// LiveWsClient: the client half of the live WebSocket mode (see live_client.hpp).
#include "sim/cli/live_client.hpp"

#include <unistd.h>

namespace wirelab::cli {

bool LiveWsClient::start(const Url& url, http::ClientOptions options, ws::Config config,
                         bool offer_deflate) {
    close();
    fd_ = connect_tcp(url.host, url.port);
    if (fd_ < 0) {
        why_ = "cannot connect to " + url.host + ":" + std::to_string(url.port);
        return false;
    }
    if (options.host.empty())
        options.host = url.host + (url.port == 80 ? "" : ":" + std::to_string(url.port));
    options.target = url.target;
    config_ = std::move(config);
    config_.role = ws::Role::client;
    config_.deflate.reset();
    if (offer_deflate) {
        options.extensions = http::parse_extensions(ws::format_offer(offer_))
                                 .value_or(std::vector<http::Extension>{});
        // Runs inside the handshake, before the connection is made from config_.
        options.check_extensions =
            [this](const std::vector<http::Extension>& agreed) -> std::optional<std::string> {
            std::string why;
            auto deflate = ws::accept_response(http::format_extensions(agreed), offer_, &why);
            if (!deflate) return "permessage-deflate response refused: " + why;
            config_.deflate = deflate;
            return std::nullopt;
        };
    }
    conn_.reset();
    why_.clear();
    handshake_.emplace(std::move(options));
    out_ = OutQueue{};
    out_.push(handshake_->data_to_send());
    return true;
}

short LiveWsClient::poll_events() const {
    return static_cast<short>(POLLIN | (output_pending() ? POLLOUT : 0));
}

bool LiveWsClient::output_pending() const {
    return !out_.empty() || (conn_ && !conn_->pending_output().empty());
}

LiveWsClient::Read LiveWsClient::read_available() {
    if (fd_ < 0) return Read::failed;
    if (buf_.empty()) buf_.resize(256 * 1024);
    // A bounded number of reads, so one busy peer cannot starve the caller's timers.
    for (int rounds = 0; rounds < 64; ++rounds) {
        long n = read_some(fd_, buf_);
        if (n == -1) return Read::more;
        if (n == -2) {
            why_ = "read failed";
            return Read::failed;
        }
        if (n == 0) {
            if (conn_) {
                conn_->receive_eof();
            } else {
                why_ = "server closed the connection during the handshake";
            }
            return Read::eof;
        }
        if (!feed({buf_.data(), static_cast<std::size_t>(n)})) return Read::failed;
    }
    return Read::more;
}

bool LiveWsClient::feed(wire::ByteView data) {
    if (conn_) {
        conn_->receive_data(data);
        return true;
    }
    handshake_->receive_data(data);
    if (!handshake_->done()) return true;
    if (handshake_->failed()) {
        why_ = "handshake failed: " + handshake_->why();
        return false;
    }
    conn_.emplace(config_);
    if (on_open) on_open(*conn_);
    wire::Bytes leftover = handshake_->take_leftover();
    if (!leftover.empty()) conn_->receive_data(leftover);
    return true;
}

bool LiveWsClient::flush() {
    if (fd_ < 0) return false;
    if (conn_) out_.push(conn_->data_to_send());
    return out_.flush(fd_);
}

void LiveWsClient::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

} // namespace wirelab::cli
