// SioStage over HTTP long-polling (Engine.IO's "polling" transport) and the upgrade to a
// WebSocket, both ends. Server: HttpStage hands each request under /socket.io/ to
// on_request -> socketio::Server::handle_http -> answered now, or held until poll_replies()
// has its answer; the probe WebSocket (WsStage answers its 101) is matched to its session by
// the sid= of its target and accept_upgrade()d. Client: socketio::Client's http_request
// commands -> GETs on one keep-alive connection, POSTs on another (a held GET and a POST are
// in flight together, as in a browser) -> receive_http_response; open_upgrade -> WsStage
// connect to ?EIO=4&transport=websocket&sid=...; once upgraded, the polling connections close.
#include "sim/proto/sio/json_text.hpp"
#include "sim/stack/host.hpp"
#include "sim/stack/http_stage.hpp"
#include "sim/stack/sio_stage.hpp"
#include "sim/stack/tcp_stage.hpp"
#include "sim/stack/world.hpp"

#include <string>

namespace wirelab::stack {

namespace sock = sio::socketio;
namespace eio = sio::engineio;

namespace {
std::string body_text(const http::Message& m) {
    return {reinterpret_cast<const char*>(m.body().data()), m.body().size()};
}
// Unix milliseconds at simulated time 0 (2025-01-01T00:00:00Z, the epoch HttpStage's Date uses).
constexpr std::int64_t epoch_ms = 1'735'689'600'000;
} // namespace

// Each Engine.IO packet of a polling body (separated by 0x1e), decoded as for a frame.
void SioStage::trace_payload(std::string_view body, bool received, ConnId id,
                             trace::EventId cause) {
    while (!body.empty()) {
        const auto end = body.find('\x1e');
        trace_frame(body.substr(0, end), false, received, id, cause);
        if (end == std::string_view::npos) break;
        body.remove_prefix(end + 1);
    }
}

// engine.io-client's t= cache buster, on the simulated clock.
std::string SioStage::cache_buster() {
    return yeast_.next(epoch_ms + host().world().now() / 1'000'000);
}

// ---- server ------------------------------------------------------------------------------

void SioStage::on_request(ConnId id, const http::Message& request, trace::EventId cause) {
    HttpStage* http = host().http();
    if (!server_) {
        http->respond(id, 404, {{"Content-Type", "text/plain"}}, "Not Found", cause);
        return;
    }
    sock::HttpRequest r{request.method, request.target, body_text(request), false};
    if (r.method == "POST") trace_payload(r.body, true, id, cause);
    sock::HttpReply reply = server_->handle_http(r, host().world().now());
    if (reply.kind == sock::HttpReply::Kind::held) {
        held_[reply.conn] = id;
        holding_[id] = reply.conn;
    } else if (reply.kind == sock::HttpReply::Kind::upgrade) {
        http->respond(id, 400, {{"Content-Type", "text/plain"}}, "Bad Request", cause);
    } else {
        answer(id, reply, cause);
    }
    server_dispatch(cause);
}

void SioStage::answer(ConnId id, const sock::HttpReply& reply, trace::EventId cause) {
    if (reply.status == 200 && reply.body != "ok") trace_payload(reply.body, false, id, cause);
    host().http()->respond(id, reply.status, reply.headers, reply.body, cause);
}

// After every server action: answers for held GETs, and WebSockets to close.
void SioStage::drain_polling(trace::EventId cause) {
    for (sock::PollReply& p : server_->poll_replies()) {
        auto it = held_.find(p.conn);
        if (it == held_.end()) continue;
        const ConnId id = it->second;
        held_.erase(it);
        holding_.erase(id);
        answer(id, p.reply, cause);
    }
    for (sock::ConnId conn : server_->closes()) {
        const ConnId* id = from_sio_.find(conn);
        if (!id) continue;
        if (!host().ws()->close_conn(*id, 1000, cause)) host().tcp()->abort(*id, cause);
    }
}

// A WebSocket opened with ?...&sid=<a polling session>: the probe of its upgrade.
bool SioStage::accept_probe(ConnId id, trace::EventId cause) {
    const std::string target = host().ws()->request_target(id);
    if (target.find("sid=") == std::string::npos) return false;
    const Time now = host().world().now();
    sock::HttpReply reply = server_->handle_http({"GET", target, "", true}, now);
    if (reply.kind == sock::HttpReply::Kind::upgrade && reply.conn != 0 &&
        server_->accept_upgrade(reply.conn, now)) {
        to_sio_[id] = reply.conn;
        from_sio_[reply.conn] = id;
        note("Engine.IO session " + std::string(server_->session_id(reply.conn)) +
                 ": upgrade probe on this WebSocket",
             id, cause, true);
    } else {
        note("Engine.IO upgrade refused (" + std::to_string(reply.status) + ")", id, cause, true);
        host().ws()->close_conn(id, 1000, cause);
    }
    server_dispatch(cause);
    return true;
}

// ---- client ------------------------------------------------------------------------------

void SioStage::client_command(std::size_t index, sock::TransportCommand cmd, trace::EventId cause) {
    ClientSlot& slot = *clients_[index];
    switch (cmd) {
    case sock::TransportCommand::open: break; // done by client_dispatch
    case sock::TransportCommand::http_request: send_http(index, cause); return;
    case sock::TransportCommand::open_upgrade: {
        const ConnId id =
            host().ws()->connect(slot.ip, slot.port, slot.host_header,
                                 std::string(path) + "?" + slot.client.upgrade_query(), cause);
        slot.upgrade_conn = id;
        client_of_[id] = index;
        return;
    }
    case sock::TransportCommand::close_upgrade:
        if (slot.upgrade_conn != no_conn) {
            if (!host().ws()->close_conn(slot.upgrade_conn, 1000, cause))
                host().tcp()->abort(slot.upgrade_conn, cause);
            forget_client_conn(slot.upgrade_conn);
            slot.upgrade_conn = no_conn;
        }
        return;
    case sock::TransportCommand::close:
        // A WebSocket not open yet (an attempt that timed out) is given up at once.
        drop_client_conn(slot, cause);
        close_polling(slot, cause);
        return;
    }
}

void SioStage::send_http(std::size_t index, trace::EventId cause) {
    ClientSlot& slot = *clients_[index];
    for (eio::PollRequest& r : slot.client.http_requests())
        slot.http_pending.push_back(std::move(r));
    if (slot.http_pending.empty()) return;
    eio::PollRequest r = std::move(slot.http_pending.front());
    slot.http_pending.pop_front();
    HttpStage* http = host().http();
    if (!http) {
        note("Socket.IO client: no http stage for the polling transport", slot.conn, cause);
        slot.client.handle_http_error(r.method, host().world().now());
        return;
    }
    const bool get = r.method == "GET";
    ConnId& conn = get ? slot.get_conn : slot.post_conn;
    if (conn == no_conn) {
        conn = http->open(slot.ip, slot.port, this, cause);
        http_client_of_[conn] = index;
    }
    (get ? slot.get_busy : slot.post_busy) = true;
    // The simulated browser names itself as the simulator's other HTTP client does.
    http::Fields headers = {{"Host", slot.host_header},
                            {"User-Agent", std::string(HttpStage::user_agent)},
                            {"Accept", "*/*"}};
    if (!get) {
        headers.emplace_back("Content-Type", "text/plain;charset=UTF-8");
        trace_payload(r.body, false, conn, cause);
    }
    http->request(conn, r.method, std::string(path) + "?" + r.query + "&t=" + cache_buster(),
                  headers, r.body, cause);
}

void SioStage::on_response(ConnId id, const http::Message& response, trace::EventId cause) {
    auto it = http_client_of_.find(id);
    if (it == http_client_of_.end()) return;
    const std::size_t index = it->second;
    ClientSlot& slot = *clients_[index];
    const bool get = id == slot.get_conn;
    (get ? slot.get_busy : slot.post_busy) = false;
    const std::string body = body_text(response);
    if (response.status == 200 && body != "ok") trace_payload(body, true, id, cause);
    slot.client.receive_http_response(get ? "GET" : "POST", response.status, body,
                                      host().world().now());
    client_dispatch(index, cause);
}

void SioStage::on_http_closed(ConnId id, trace::EventId cause) {
    if (auto held = holding_.find(id); held != holding_.end()) {
        // The client went away while we held its GET: engine.io ends the session.
        const sock::ConnId conn = held->second;
        holding_.erase(held);
        held_.erase(conn);
        if (server_) {
            server_->receive_poll_abort(conn);
            server_dispatch(cause);
        }
        return;
    }
    auto it = http_client_of_.find(id);
    if (it == http_client_of_.end()) return;
    const std::size_t index = it->second;
    http_client_of_.erase(it);
    ClientSlot& slot = *clients_[index];
    const bool get = id == slot.get_conn;
    bool& busy = get ? slot.get_busy : slot.post_busy;
    (get ? slot.get_conn : slot.post_conn) = no_conn; // the next request opens a new one
    if (!busy) return;
    busy = false;
    slot.client.handle_http_error(get ? "GET" : "POST", host().world().now());
    client_dispatch(index, cause);
}

// The probe WebSocket never opened (refused, or its Upgrade was answered without a 101, as
// by a proxy that blocks WebSockets): the upgrade fails, polling goes on. A WebSocket-only
// attempt that fails is left to the connect timeout, as before.
void SioStage::on_open_failed(ConnId id, trace::EventId cause) {
    if (!find_client(id)) return;
    const std::size_t index = hot_index_;
    ClientSlot& slot = *clients_[index];
    if (slot.upgrade_conn != id) return;
    forget_client_conn(id);
    slot.upgrade_conn = no_conn;
    note("Socket.IO client: upgrade failed, staying on polling", id, cause, true);
    slot.client.handle_upgrade_error(host().world().now());
    client_dispatch(index, cause);
}

// Upgraded: the probe WebSocket is the transport now; the polling connections are done.
void SioStage::finish_upgrade(ClientSlot& slot, trace::EventId cause) {
    if (slot.upgrade_conn == no_conn || slot.client.transport() != eio::Transport::websocket)
        return;
    slot.conn = slot.upgrade_conn;
    slot.upgrade_conn = no_conn;
    note("Socket.IO client: transport upgraded to websocket", slot.conn, cause, true);
    close_polling(slot, cause);
}

// A client whose session is closing (a disconnect: its POSTs drain, then the close packet
// alone) keeps its connections until the engine's TransportCommand::close.
void SioStage::close_polling(ClientSlot& slot, trace::EventId cause) {
    if (slot.client.closing()) return;
    for (ConnId* conn : {&slot.get_conn, &slot.post_conn}) {
        if (*conn == no_conn) continue;
        http_client_of_.erase(*conn);
        if (HttpStage* http = host().http()) http->close_handled(*conn, cause);
        *conn = no_conn;
    }
    slot.get_busy = slot.post_busy = false;
    slot.http_pending.clear();
    if (slot.upgrade_conn != no_conn) {
        if (!host().ws()->close_conn(slot.upgrade_conn, 1000, cause))
            host().tcp()->abort(slot.upgrade_conn, cause);
        forget_client_conn(slot.upgrade_conn);
        slot.upgrade_conn = no_conn;
    }
}

} // namespace wirelab::stack
