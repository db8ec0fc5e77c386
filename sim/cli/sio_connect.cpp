// `wirelab sio connect URL`: socketio::Client (sim/proto/sio) on real sockets, with a real
// clock. The engine decides everything; this loop only carries events and time, and
// LiveSioTransport (live_polling.hpp) its sockets.
// --transport polling (the default, as the reference client): http_request commands ->
//   LivePolling (live_polling.hpp: a held GET and POSTs over HTTP/1.1) -> receive_http_response
//   / handle_http_error; open_upgrade -> a second LiveWsClient to ?upgrade_query() -> 101 ->
//   handle_upgrade_open -> 2probe / 3probe / 5 by the engine -> once transport() is websocket
//   that socket is the transport and the HTTP connections close. Printed:
//   {"type":"transport","name":"polling"} before each `connect`, {"type":"upgrade",...} after.
// --transport websocket:
//   Client::connect -> TransportCommand::open -> LiveWsClient::start (Upgrade to
//   PATH?EIO=4&transport=websocket) -> 101 -> handle_transport_open -> text/binary messages
//   <-> receive_text / frames_to_send -> events() printed as JSON Lines
//   `connect` -> emit "join" ROOM with an ack per --join -> once every join is acknowledged,
//   the --emit events (with acks if --ack) -> exit 0 when the goal is met (below)
//   socket gone -> receive_transport_close -> `disconnect` -> back-off -> `reconnect_attempt`
//   -> a new socket (refused: handle_transport_error) ... -> `reconnect` -> `connect` -> the
//   rooms joined again (the emits are not repeated).
// Goal: with --wait-event NAME, NAME seen --count times (NAME is an event name, or one of the
// client's own: connect, disconnect, reconnect_attempt, reconnect, ...); else every ack of the
// first connection back; else the emits written; else (nothing to do) listen until
// --timeout and exit 0. A goal unmet at --timeout exits 1, and so does a client that stopped for
// good (namespace refused, server disconnect, reconnect_failed, --no-reconnection).
// A goal met while the upgrade probe is under way waits for it to end first, as
// engine.io-client's Socket.close (waitForUpgrade).
#include "sim/cli/sio_connect.hpp"

#include <poll.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/cli/live_polling.hpp"
#include "sim/proto/sio/json_text.hpp"
#include "sim/proto/sio/socketio_client.hpp"

namespace wirelab::cli {
namespace {

using sio::Json;
namespace sock = sio::socketio;
using Kind = sock::ClientEvent::Kind;

struct SioConnectOptions {
    std::string url;                                        // http://host:port[/namespace]
    std::string path = "/socket.io/";                       // the Engine.IO endpoint
    std::string transport = "polling";                      // or "websocket"
    std::vector<std::pair<std::string, std::string>> emits; // EVENT, JSON args
    bool ack = false;                                       // emit with acknowledgements
    std::vector<std::string> joins;                         // rooms, joined on every connect
    std::string wait_event;                                 // exit after --count of these
    std::size_t count = 1;
    double timeout = 30; // seconds; 0 = none
    std::string reply = "[]";
    std::optional<std::string> auth;
    bool reconnection = true;
    std::uint32_t reconnection_attempts = std::numeric_limits<std::uint32_t>::max();
    double reconnection_delay_ms = 1000;
    double reconnection_delay_max_ms = 5000;
};

[[noreturn]] void usage(const std::string& what) {
    std::cerr << "wirelab sio connect: " << what << "\n";
    throw CLI::RuntimeError(2);
}

// Binary values print as {"_binary": "hex"} so each line stays JSON.
Json printable(const Json& v) {
    if (v.is_binary()) {
        const auto& b = v.get_binary();
        return Json{{"_binary", wire::to_hex(wire::ByteView{b.data(), b.size()})}};
    }
    if (v.is_array() || v.is_object()) {
        Json out = v.is_array() ? Json::array() : Json::object();
        for (auto it = v.begin(); it != v.end(); ++it) {
            if (v.is_array()) {
                out.push_back(printable(*it));
            } else {
                out[it.key()] = printable(it.value());
            }
        }
        return out;
    }
    return v;
}

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

class SioConnect {
public:
    explicit SioConnect(const SioConnectOptions& o) : options_(o) {}

    int run() {
        if (int rc = prepare(); rc != 0) return rc;
        const std::int64_t start = now_ns();
        const std::optional<std::int64_t> deadline =
            options_.timeout > 0 ? std::optional<std::int64_t>(
                                       start + static_cast<std::int64_t>(options_.timeout * 1e9))
                                 : std::nullopt;
        client_->connect(start);
        for (;;) {
            drain();
            // As engine.io-client's Socket.close (waitForUpgrade): a probe under way ends first.
            const bool upgrading =
                sockets_->probing() && client_->transport() == sio::engineio::Transport::polling;
            if (done_ && !upgrading) return finish(0);
            if (!client_->connected() && !client_->reconnecting() && !sockets_->active()) {
                // Refused by the namespace, disconnected by the server, out of attempts, or
                // reconnection off: the engine will not try again.
                std::cerr << "wirelab sio connect: the client stopped"
                          << (last_reason_.empty() ? "" : ": " + last_reason_) << "\n";
                return 1;
            }
            std::int64_t now = now_ns();
            if (deadline && now >= *deadline) {
                if (!goal() || done_) return finish(0); // only listening, or an upgrade hung
                std::cerr << "wirelab sio connect: timed out\n";
                return finish(1);
            }
            std::optional<std::int64_t> wake = client_->poll_timeout();
            if (deadline && (!wake || *deadline < *wake)) wake = deadline;
            int wait_ms = -1;
            if (wake)
                wait_ms = static_cast<int>(std::max<std::int64_t>(0, *wake - now) / 1'000'000 + 1);
            std::array<pollfd, 4> fds = sockets_->poll_entries();
            if (poll(fds.data(), fds.size(), wait_ms) < 0 && errno != EINTR) {
                std::cerr << "wirelab sio connect: poll failed\n";
                return 1;
            }
            sockets_->service(fds, now_ns());
            if (auto t = client_->poll_timeout(); t && now_ns() >= *t)
                client_->handle_timeout(now_ns());
        }
    }

private:
    int prepare() {
        std::string url = options_.url;
        for (const char* scheme : {"http://", "ws://"}) {
            if (url.rfind(scheme, 0) == 0) url = "ws://" + url.substr(std::string(scheme).size());
        }
        auto parsed = parse_ws_url(url);
        if (!parsed) usage("not an http:// or ws:// URL: " + options_.url);
        url_ = *parsed;
        // As io("http://host/admin"): the URL's path is the namespace.
        std::string nsp = url_.target.substr(0, url_.target.find('?'));
        if (nsp.empty()) nsp = "/";

        sock::ClientConfig config;
        config.nsp = nsp;
        config.transports = options_.transport == "websocket"
                                ? sock::Transports::websocket_only
                                : sock::Transports::polling_then_upgrade;
        if (options_.auth) {
            auto auth = sio::parse_json(*options_.auth);
            if (!auth || !auth->is_object()) usage("--auth must be a JSON object");
            config.auth = *auth;
        }
        config.reconnection = options_.reconnection;
        config.reconnection_attempts = options_.reconnection_attempts;
        config.reconnection_delay_ms = options_.reconnection_delay_ms;
        config.reconnection_delay_max_ms = options_.reconnection_delay_max_ms;
        // Math.random() for the back-off jitter, as the reference client.
        auto rng = std::make_shared<std::mt19937_64>(std::random_device{}());
        config.random = [rng] { return std::uniform_real_distribution<double>(0, 1)(*rng); };
        client_.emplace(std::move(config));
        sockets_.emplace(*client_, url_, options_.path);

        for (const auto& [event, text] : options_.emits) {
            auto args = sio::parse_json(text);
            if (!args) usage("--emit " + event + ": not valid JSON: " + text);
            emits_.emplace_back(event, args->is_array() ? *args : Json::array({*args}));
        }
        auto reply = sio::parse_json(options_.reply);
        if (!reply || !reply->is_array()) usage("--reply must be a JSON array");
        reply_ = *reply;
        return 0;
    }

    bool goal() const {
        return !options_.wait_event.empty() || !options_.joins.empty() || !emits_.empty();
    }

    // Moves everything the engine produced until it is quiet: frames onto the socket,
    // transport commands, events (which may emit more).
    void drain() {
        for (bool again = true; again;) {
            again = false;
            if (sockets_->finish_upgrade())
                std::cout << R"({"type":"upgrade","name":"websocket"})" << std::endl;
            for (const auto& f : client_->frames_to_send())
                sockets_->send(f);
            for (sock::TransportCommand c : client_->transport_commands()) {
                again = true;
                sockets_->command(c, now_ns());
            }
            for (auto& e : client_->events()) {
                again = true;
                on_event(e);
            }
        }
        sockets_->flush(now_ns());
        if (emits_sent_ && !options_.ack && emits_.size() > 0 && options_.joins.empty() &&
            options_.wait_event.empty())
            done_ = true; // fire-and-forget emits are on the socket
    }

    void on_event(const sock::ClientEvent& e) {
        if (e.kind == Kind::connect && client_->transport())
            std::cout << sio::stringify(
                             Json{{"type", "transport"},
                                  {"name", sio::engineio::to_string(*client_->transport())}})
                      << std::endl;
        if (e.kind == Kind::disconnect && !client_->transport() && !client_->closing()) {
            // The session is gone (a poll failed, a ping timed out): so are its requests. A
            // session closing on polling (the server's DISCONNECT) still sends its close packet.
            sockets_->session_gone();
        }
        Json line = Json::object();
        line["type"] = std::string(sock::to_string(e.kind));
        switch (e.kind) {
        case Kind::connect:
            if (e.data.is_object() && e.data.contains("sid")) line["sid"] = e.data["sid"];
            break;
        case Kind::disconnect:
        case Kind::reconnect_error: line["reason"] = e.reason; break;
        case Kind::connect_error: line["data"] = printable(e.data); break;
        case Kind::event:
            line["name"] = e.name;
            line["args"] = printable(e.args.json());
            if (e.ack_id) line["ack_id"] = *e.ack_id;
            break;
        case Kind::ack:
            if (e.ack_id) {
                line["id"] = *e.ack_id;
                if (auto it = acks_.find(*e.ack_id); it != acks_.end()) {
                    line["event"] = it->second;
                    acks_.erase(it);
                }
            }
            line["args"] = printable(e.args.json());
            break;
        case Kind::reconnect_attempt:
        case Kind::reconnect: line["attempt"] = e.attempt; break;
        case Kind::reconnect_failed: break;
        }
        std::cout << sio::stringify(line) << std::endl;
        if (e.kind == Kind::connect_error || e.kind == Kind::disconnect ||
            e.kind == Kind::reconnect_failed)
            last_reason_ =
                e.kind == Kind::connect_error
                    ? sio::stringify(line["data"])
                    : line["type"].get<std::string>() + (e.reason.empty() ? "" : " " + e.reason);

        if (e.kind == Kind::event && e.ack_id) client_->ack(*e.ack_id, reply_);
        if (e.kind == Kind::connect) on_connect();
        if (e.kind == Kind::ack && e.ack_id) on_ack(*e.ack_id);
        const std::string name = e.kind == Kind::event ? e.name : line["type"].get<std::string>();
        if (!options_.wait_event.empty() && name == options_.wait_event &&
            ++seen_ >= options_.count)
            done_ = true;
    }

    void on_connect() {
        // Rooms live on the server's side of a session: a new session joins them again.
        joins_pending_.clear();
        for (const std::string& room : options_.joins) {
            const std::uint64_t id = client_->emit_with_ack("join", Json::array({room}));
            acks_[id] = "join";
            joins_pending_.insert(id);
        }
        if (joins_pending_.empty()) send_emits();
    }

    void on_ack(std::uint64_t id) {
        if (joins_pending_.erase(id) && joins_pending_.empty()) send_emits();
        first_acks_.erase(id);
        if (options_.wait_event.empty() && emits_sent_ && first_acks_.empty()) done_ = true;
    }

    void send_emits() {
        if (emits_sent_) return;
        emits_sent_ = true;
        for (const auto& [event, args] : emits_) {
            if (!options_.ack) {
                client_->emit(event, args);
                continue;
            }
            const std::uint64_t id = client_->emit_with_ack(event, args);
            acks_[id] = event;
            first_acks_.insert(id);
        }
    }

    // Leaves as socket.disconnect() does: DISCONNECT, close frame, then a short wait for the
    // server to close TCP first (RFC 6455 7.1.1).
    int finish(int code) {
        client_->disconnect();
        drain_events_only();
        return code;
    }

    void drain_events_only() {
        for (auto& e : client_->events())
            if (e.kind == Kind::disconnect)
                std::cout << sio::stringify(Json{{"type", "disconnect"}, {"reason", e.reason}})
                          << std::endl;
        sockets_->leave();
    }

    SioConnectOptions options_;
    Url url_;
    std::optional<sock::Client> client_;
    std::optional<LiveSioTransport> sockets_;
    std::vector<std::pair<std::string, Json>> emits_;
    Json reply_;
    std::map<std::uint64_t, std::string> acks_; // ack id -> the event it answers
    std::set<std::uint64_t> joins_pending_;     // this connection's joins not yet acked
    std::set<std::uint64_t> first_acks_;        // the --emit acks still awaited
    bool emits_sent_ = false;
    std::size_t seen_ = 0;
    bool done_ = false;
    std::string last_reason_; // of the last disconnect / connect_error, for the exit message
};

} // namespace

void add_sio_connect_command(CLI::App& sio) {
    auto o = std::make_shared<SioConnectOptions>();
    CLI::App* c = sio.add_subcommand(
        "connect",
        "a Socket.IO client (HTTP long-polling then WebSocket, or WebSocket): print every "
        "event as JSON Lines, reconnect");
    c->add_option("URL", o->url, "http://host:port[/namespace] (ws:// also accepted)")->required();
    c->add_option("--path", o->path, "the Engine.IO endpoint (default /socket.io/)");
    c->add_option("--transport", o->transport,
                  "polling (default: HTTP long-polling, then the upgrade to a WebSocket) or "
                  "websocket (a WebSocket from the start)")
        ->check(CLI::IsMember({"polling", "websocket"}));
    c->add_option("--emit", o->emits,
                  "EVENT JSON: emit EVENT with these arguments (a JSON array, or one value); "
                  "repeatable, sent in order once connected and every --join is acknowledged")
        ->allow_extra_args(false); // else CLI11 reads a JSON array as a list of options
    c->add_flag("--ack", o->ack, "emit with acknowledgements (and wait for them)");
    c->add_option("--join", o->joins,
                  "ROOM: emit \"join\" ROOM with an ack on every connect (repeatable)")
        ->allow_extra_args(false);
    c->add_option("--wait-event", o->wait_event,
                  "exit 0 once this event (or client event: connect, reconnect, ...) was seen "
                  "--count times");
    c->add_option("--count", o->count, "how many --wait-event to see (default 1)");
    c->add_option("--timeout", o->timeout, "seconds before giving up (default 30, 0 = none)");
    c->add_option("--reply", o->reply, "arguments (JSON array) answering the server's acks")
        ->allow_extra_args(false);
    c->add_option("--auth", o->auth, "the CONNECT packet's auth payload (JSON object)");
    c->add_flag("!--no-reconnection", o->reconnection, "do not reconnect when the server goes");
    c->add_option("--reconnection-attempts", o->reconnection_attempts,
                  "attempts before reconnect_failed (default: no limit)");
    c->add_option("--reconnection-delay", o->reconnection_delay_ms,
                  "ms before the first attempt (default 1000)");
    c->add_option("--reconnection-delay-max", o->reconnection_delay_max_ms,
                  "ms, the back-off's ceiling (default 5000)");
    c->callback([o] {
        if (o->count == 0) usage("--count must be at least 1");
        SioConnect client{*o};
        throw CLI::RuntimeError(client.run());
    });
}

} // namespace wirelab::cli
