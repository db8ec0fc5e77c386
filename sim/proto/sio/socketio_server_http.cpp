// socketio::Server's HTTP entry (see socketio_server.hpp): engine.io 6's Server.verify and
// handshake, and the polling transport's request routing, without a socket in sight.
//   request -> path? -> transport? -> sid? (known / right transport) or handshake (GET,
//   EIO=4) -> ServerSession::open_polling / handle_poll_get / handle_poll_post -> reply
#include "sim/proto/sio/socketio_server.hpp"

#include <array>

namespace wirelab::sio::socketio {

namespace {

// The value of `key` in the query of `target`, nullopt when absent.
std::optional<std::string_view> query_param(std::string_view target, std::string_view key) {
    const auto q = target.find('?');
    if (q == std::string_view::npos) return std::nullopt;
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) == key)
            return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        if (amp == std::string_view::npos) break;
        rest.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

// Server.errors / Server.errorMessages of engine.io 6, answered by abortRequest.
enum ErrorCode {
    unknown_transport,
    unknown_sid,
    bad_handshake_method,
    bad_request,
    forbidden,
    unsupported_protocol_version
};
constexpr std::array<std::string_view, 6> error_messages{
    "Transport unknown", "Session ID unknown", "Bad handshake method",
    "Bad request",       "Forbidden",          "Unsupported protocol version"};

HttpReply error_reply(ErrorCode code) {
    HttpReply r;
    r.status = code == forbidden ? 403 : 400;
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = R"({"code":)" + std::to_string(static_cast<int>(code)) + R"(,"message":")" +
             std::string(error_messages[static_cast<std::size_t>(code)]) + "\"}";
    return r;
}

HttpReply to_reply(engineio::PollResponse r, ConnId conn) {
    HttpReply reply;
    reply.status = r.status;
    if (!r.content_type.empty()) reply.headers.emplace_back("Content-Type", r.content_type);
    reply.body = std::move(r.body);
    reply.conn = conn;
    return reply;
}

} // namespace

HttpReply Server::handle_http(const HttpRequest& request, std::int64_t now) {
    const std::string_view target = request.target;
    std::string_view path = target.substr(0, target.find('?'));
    std::string_view want = config_.path;
    if (path.size() == want.size() - 1 && want.back() == '/') want.remove_suffix(1);
    if (path != want) {
        HttpReply r;
        r.status = 404;
        r.headers.emplace_back("Content-Type", "text/plain");
        r.body = "Not Found";
        return r;
    }
    const auto transport = query_param(target, "transport");
    if (transport != "polling" && transport != "websocket") return error_reply(unknown_transport);
    const bool websocket = transport == "websocket";

    if (const auto sid = query_param(target, "sid")) {
        const auto found = by_sid_.find(*sid);
        if (found == by_sid_.end()) return error_reply(unknown_sid);
        const ConnId id = found->second;
        Conn& conn = conns_.at(id);
        if (request.websocket_upgrade) {
            // The upgrade: the caller completes the WebSocket handshake, accept_upgrade().
            if (!websocket) return error_reply(bad_request);
            HttpReply r;
            r.kind = HttpReply::Kind::upgrade;
            r.conn = id;
            return r;
        }
        if (*transport != engineio::to_string(conn.session.transport()))
            return error_reply(bad_request);
        if (request.method == "GET") {
            auto answer = conn.session.handle_poll_get(now);
            on_session(id, conn); // may end (and erase) the session
            if (!answer) {
                HttpReply r;
                r.kind = HttpReply::Kind::held;
                r.conn = id;
                return r;
            }
            return to_reply(std::move(*answer), id);
        }
        if (request.method == "POST") {
            auto answer = conn.session.handle_poll_post(request.body, now);
            on_session(id, conn);
            return to_reply(std::move(answer), id);
        }
        HttpReply r; // polling.ts onRequest: neither GET nor POST
        r.status = 500;
        r.conn = id;
        return r;
    }

    // The handshake: GET only, protocol 4, and a WebSocket only as an Upgrade.
    if (request.method != "GET") return error_reply(bad_handshake_method);
    if (websocket != request.websocket_upgrade) return error_reply(bad_request);
    if (query_param(target, "EIO") != "4") return error_reply(unsupported_protocol_version);
    if (websocket) {
        HttpReply r;
        r.kind = HttpReply::Kind::upgrade;
        return r;
    }
    const ConnId id = new_session(
        {next_id(), {}, config_.ping_interval_ms, config_.ping_timeout_ms, config_.max_payload});
    Conn& conn = conns_.at(id);
    conn.session.open_polling(now);
    auto answer = conn.session.handle_poll_get(now); // the open packet, at once
    on_session(id, conn);
    return to_reply(answer ? std::move(*answer) : engineio::PollResponse{}, id);
}

bool Server::accept_upgrade(ConnId id, std::int64_t now) {
    const auto it = conns_.find(id);
    if (it == conns_.end() || !it->second.session.open_upgrade(now)) return false;
    it->second.websocket = true;
    on_session(id, it->second);
    return true;
}

void Server::receive_poll_abort(ConnId id) {
    const auto it = conns_.find(id);
    if (it == conns_.end()) return;
    it->second.session.receive_poll_abort();
    on_session(id, it->second);
}

} // namespace wirelab::sio::socketio
