// `wirelab ws serve`: an echo server on real sockets, on live_socket's LiveServer loop.
//   accept() -> Peer{ServerHandshake} -> 101 -> ws::Connection (leftover bytes first)
//   -> text/binary echoed, pings answered and closes echoed by the Connection -> the server
//   closes TCP first once the closing handshake is done (RFC 6455 7.1.1).
#include <iostream>
#include <optional>

#include "sim/cli/live_socket.hpp"
#include "sim/proto/http/server_handshake.hpp"
#include "sim/proto/ws/connection.hpp"
#include "sim/proto/ws/deflate.hpp"

namespace wirelab::cli {
namespace {

struct Peer : LivePeer {
    std::optional<http::ServerHandshake> handshake;
    std::optional<ws::DeflateConfig> deflate; // set by the extension negotiator
    std::optional<ws::Connection> conn;
};

class EchoServer : public LiveServer {
public:
    explicit EchoServer(const ServeOptions& options)
        : LiveServer({options.host, options.port, options.max_clients, options.once, "ws serve"}),
          options_(options) {}

private:
    std::unique_ptr<LivePeer> make_peer() override {
        auto peer = std::make_unique<Peer>();
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
        return peer;
    }

    // While some handshake is pending, wake up to enforce --handshake-timeout.
    int wait_ms() const override {
        for (const auto& p : peers())
            if (!static_cast<const Peer&>(*p).conn) return 100;
        return -1;
    }

    void on_eof(LivePeer& lp) override {
        Peer& p = static_cast<Peer&>(lp);
        if (!p.conn) return;
        p.conn->receive_eof();
        pump(p);
    }

    void on_data(LivePeer& lp, wire::ByteView data) override {
        Peer& p = static_cast<Peer&>(lp);
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

    void after_io(LivePeer& lp) override {
        Peer& p = static_cast<Peer&>(lp);
        if (p.gone) return;
        if (p.out.empty() && p.conn && p.conn->close_expected()) p.gone = true;
        // A client that never completes its request (slowloris) is dropped.
        if (!p.conn && !p.close_after_flush && request_expired(p, options_.handshake_timeout)) {
            std::cerr << "client " << p.id << ": no complete request in time, dropped\n";
            p.gone = true;
        }
    }

    ServeOptions options_;
};

} // namespace

int run_serve(const ServeOptions& options) {
    EchoServer server{options};
    return server.run();
}

} // namespace wirelab::cli
