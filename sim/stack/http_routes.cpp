// HttpStage's handlers (see http_handler.hpp): requests under a routed prefix handed to the
// handler and answered by respond(), now or later; client connections whose responses go to
// the handler that opened them.
#include "sim/stack/host.hpp"
#include "sim/stack/http_stage.hpp"
#include "sim/stack/world.hpp"
#include "sim/stack/ws_stage.hpp"

#include <utility>

namespace wirelab::stack {

namespace {
wire::ByteView view_of(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
std::size_t head_size_of(const std::string& message) {
    const auto end = message.find("\r\n\r\n");
    return end == std::string::npos ? message.size() : end + 4;
}
// The summary line our own bytes get when read back as the peer reads them.
std::string summary_read_back(wire::ByteView bytes, http::MessageReader::Kind kind,
                              const std::string& asked) {
    http::MessageReader reader(kind);
    reader.expect_response_to(asked);
    reader.receive_data(bytes);
    reader.receive_eof();
    auto m = reader.next();
    return m ? http::summary_line(*m) : "HTTP (" + reader.why() + ")";
}
} // namespace

void HttpStage::route(std::uint16_t port, std::string prefix, HttpHandler* handler,
                      trace::EventId cause) {
    claim_tcp();
    routes_[{port, std::move(prefix)}] = handler;
    // WsStage listening on the port has already told TCP (one LISTEN in the trace).
    if (ports_.insert(port).second && !(upper_ && upper_->listens(port)))
        host().tcp()->listen(port, cause);
}

// The longest routed prefix of the request's path on `port`; "/socket.io" matches the prefix
// "/socket.io/" too, as engine.io accepts both.
HttpHandler* HttpStage::handler_for(std::uint16_t port, const std::string& target) const {
    const std::string_view path = std::string_view(target).substr(0, target.find('?'));
    HttpHandler* best = nullptr;
    std::size_t best_size = 0;
    for (const auto& [key, handler] : routes_) {
        if (key.first != port) continue;
        std::string_view prefix = key.second;
        const bool match =
            path.starts_with(prefix) || (prefix.size() > 1 && prefix.back() == '/' &&
                                         path == prefix.substr(0, prefix.size() - 1));
        if (match && (!best || prefix.size() > best_size)) {
            best = handler;
            best_size = prefix.size();
        }
    }
    return best;
}

bool HttpStage::respond(ConnId id, int status, const http::Fields& headers, std::string_view body,
                        trace::EventId cause) {
    auto it = servers_.find(id);
    if (it == servers_.end() || !it->second.held) return false;
    Server& s = it->second;
    const std::string method = *std::exchange(s.held, std::nullopt);
    if (s.closing) return false;
    const std::string bytes = http::format_response(status, headers, body, method == "HEAD");
    const wire::ByteView out = view_of(bytes);
    cause = record_message(out, head_size_of(bytes),
                           summary_read_back(out, http::MessageReader::Kind::responses, method),
                           false, cause);
    host().tcp()->send(id, out, cause);
    if (!s.reading) server_data(id, s, {}, cause); // a request waiting behind the held one
    return true;
}

ConnId HttpStage::open(std::uint32_t ip, std::uint16_t port, HttpHandler* handler,
                       trace::EventId cause) {
    claim_tcp();
    const ConnId id = host().tcp()->connect(ip, port, cause);
    handled_[id].handler = handler;
    return id;
}

bool HttpStage::request(ConnId id, std::string_view method, std::string_view target,
                        const http::Fields& headers, std::string_view body, trace::EventId cause) {
    auto it = handled_.find(id);
    if (it == handled_.end() || it->second.closing) return false;
    HandledClient& c = it->second;
    c.reader.expect_response_to(std::string(method));
    std::string bytes = http::format_request(method, target, headers, body);
    if (c.connected)
        write_handled(id, bytes, cause);
    else
        c.queued.push_back(std::move(bytes)); // written as the TCP handshake completes
    return true;
}

void HttpStage::write_handled(ConnId id, const std::string& bytes, trace::EventId cause) {
    const wire::ByteView out = view_of(bytes);
    cause = record_message(out, head_size_of(bytes),
                           summary_read_back(out, http::MessageReader::Kind::requests, "GET"),
                           false, cause);
    host().tcp()->send(id, out, cause);
}

void HttpStage::handled_data(ConnId id, HandledClient& c, trace::EventId cause) {
    while (auto m = c.reader.next()) {
        cause = record_message(m->raw, m->head_size, http::summary_line(*m), true, cause);
        if (m->status < 200 || !c.handler) continue;
        c.handler->on_response(id, *m, cause); // may close_handled(id): `c` stays valid
    }
    if (c.reader.failed() && !c.closing) {
        host().world().record_text(trace::Kind::app, host().id(), 7,
                                   "bad response: " + c.reader.why(), cause, id);
        forget_handled(id, cause);
        close_handled(id, cause);
    }
}

// Tells the handler that used connection `id` that it is gone (once).
void HttpStage::forget_handled(ConnId id, trace::EventId cause) {
    HttpHandler* handler = nullptr;
    if (auto h = handled_.find(id); h != handled_.end()) {
        handler = std::exchange(h->second.handler, nullptr);
    } else if (auto s = servers_.find(id); s != servers_.end()) {
        handler = std::exchange(s->second.handler, nullptr);
        s->second.held.reset();
    }
    if (handler) handler->on_http_closed(id, cause);
}

void HttpStage::close_handled(ConnId id, trace::EventId cause) {
    if (auto h = handled_.find(id); h != handled_.end()) {
        h->second.handler = nullptr;
        close_conn(id, h->second.closing, cause);
    } else if (auto s = servers_.find(id); s != servers_.end()) {
        s->second.handler = nullptr;
        s->second.held.reset();
        close_conn(id, s->second.closing, cause);
    }
}

} // namespace wirelab::stack
