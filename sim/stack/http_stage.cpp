// HttpStage: the origin server and the polling client of one host over its TcpStage, and the
// hand-over of Upgrade requests to WsStage.
#include "sim/stack/http_stage.hpp"

#include "sim/stack/host.hpp"
#include "sim/stack/world.hpp"
#include "sim/stack/ws_stage.hpp"

namespace wirelab::stack {

using trace::Kind;

namespace {
std::string quoted(std::string_view text, std::size_t max = 60) {
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size() && i < max; ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        out += (c >= 0x20 && c != 0x7f) ? static_cast<char>(c) : '.';
    }
    return out + (text.size() > max ? "\"…" : "\"");
}

// Our own bytes read back as the peer will read them: the summary comes from the same
// parser that reads the peer's messages, so what is traced is what was sent.
std::string summary_of(wire::ByteView bytes, http::MessageReader::Kind kind,
                       const std::string& asked = "GET") {
    http::MessageReader reader(kind);
    reader.expect_response_to(asked);
    reader.receive_data(bytes);
    reader.receive_eof();
    auto m = reader.next();
    return m ? http::summary_line(*m) : "HTTP (" + reader.why() + ")";
}
} // namespace

void HttpStage::from_above(Packet p, Meta m) {
    drop(p, m, trace::DropReason::none, "the HTTP stage takes requests through poll()");
}
void HttpStage::from_below(Packet p, Meta m) {
    drop(p, m, trace::DropReason::none, "the HTTP stage gets data from TCP's user interface");
}

// A host with WsStage has made this stage TCP's user already; a host without it hands its
// connections over on first use (before that TCP reads data for no one, as it always did).
void HttpStage::claim_tcp() {
    if (upper_ || tcp_claimed_) return;
    tcp_claimed_ = true;
    host().tcp()->set_user(this);
}

TcpUser* HttpStage::upper_user() {
    return upper_;
}

void HttpStage::serve(std::uint16_t port, const std::string& path, std::string body,
                      trace::EventId cause) {
    claim_tcp();
    const std::size_t size = body.size();
    const int version = origin_.set(path, std::move(body));
    host().world().record_text(Kind::app, host().id(), 7,
                               "serving " + path + " on port " + std::to_string(port) +
                                   " (version " + std::to_string(version) + ", " +
                                   std::to_string(size) + " bytes)",
                               cause);
    if (ports_.insert(port).second) host().tcp()->listen(port, cause);
}

bool HttpStage::update(const std::string& path, std::string body, trace::EventId cause) {
    if (!origin_.has(path)) return false;
    const std::string shown = quoted(body);
    const int version = origin_.set(path, std::move(body));
    host().world().record_text(Kind::app, host().id(), 7,
                               path + " changed (version " + std::to_string(version) + ", ETag " +
                                   origin_.etag(path) + "): " + shown,
                               cause);
    return true;
}

ConnId HttpStage::poll(std::uint32_t ip, std::uint16_t port, std::string host_header,
                       std::string path, Time every, int count, trace::EventId cause) {
    claim_tcp();
    ConnId id = host().tcp()->connect(ip, port, cause);
    Client& c = clients_[id];
    c.host_header = std::move(host_header);
    c.path = std::move(path);
    c.start = host().world().now();
    c.every = every;
    c.count = count < 1 ? 1 : count;
    return id;
}

void HttpStage::on_connected(ConnId id, trace::EventId cause) {
    if (auto it = clients_.find(id); it != clients_.end()) {
        it->second.connected = true;
        send_request(id, it->second, cause);
        return;
    }
    if (auto h = handled_.find(id); h != handled_.end()) {
        h->second.connected = true;
        for (const std::string& bytes : std::exchange(h->second.queued, {}))
            write_handled(id, bytes, cause);
        return;
    }
    const tcp::Connection* conn = host().tcp()->connection(id);
    if (conn && ports_.count(conn->local().port)) {
        servers_[id].port = conn->local().port;
        return;
    }
    if (TcpUser* up = upper_user()) up->on_connected(id, cause);
}

void HttpStage::on_data(ConnId id, wire::ByteView data, trace::EventId cause) {
    if (auto it = clients_.find(id); it != clients_.end()) {
        it->second.reader.receive_data(data);
        client_data(id, it->second, cause);
    } else if (auto h = handled_.find(id); h != handled_.end()) {
        h->second.reader.receive_data(data);
        handled_data(id, h->second, cause);
    } else if (auto s = servers_.find(id); s != servers_.end()) {
        server_data(id, s->second, data, cause);
    } else if (TcpUser* up = upper_user()) {
        up->on_data(id, data, cause);
    }
}

void HttpStage::on_peer_closed(ConnId id, trace::EventId cause) {
    if (auto it = clients_.find(id); it != clients_.end()) {
        Client& c = it->second;
        c.reader.receive_eof();
        client_data(id, c, cause);
        if (c.sent < c.count || c.waiting)
            host().world().record_text(Kind::app, host().id(), 7,
                                       "the server closed the connection: polling stops", cause,
                                       id);
        c.sent = c.count;
        c.due = c.waiting = false;
        close_conn(id, c.closing, cause);
    } else if (auto h = handled_.find(id); h != handled_.end()) {
        h->second.reader.receive_eof();
        handled_data(id, h->second, cause);
        forget_handled(id, cause);
    } else if (auto s = servers_.find(id); s != servers_.end()) {
        forget_handled(id, cause);
        close_conn(id, s->second.closing, cause); // the client is done: so is the server
    } else if (TcpUser* up = upper_user()) {
        up->on_peer_closed(id, cause);
    } else {
        host().tcp()->close(id, cause);
    }
}

void HttpStage::on_closed(ConnId id, trace::EventId cause) {
    if (auto it = clients_.find(id); it != clients_.end()) {
        if (it->second.timer) host().world().kernel().cancel(*it->second.timer);
        it->second.timer.reset();
    } else if (handled_.count(id) || servers_.count(id)) {
        forget_handled(id, cause);
    } else {
        if (TcpUser* up = upper_user()) up->on_closed(id, cause);
    }
}

void HttpStage::server_data(ConnId id, Server& s, wire::ByteView data, trace::EventId cause) {
    auto& world = host().world();
    s.reader.receive_data(data);
    s.reading = true;
    while (!s.held) {
        auto m = s.reader.next();
        if (!m) break;
        // A WebSocket opening handshake on a port WsStage listens on: the connection is
        // WsStage's from here on; it reads the GET itself and answers 101 (or refuses).
        if (upper_ && upper_->listens(s.port) && m->has_token("Upgrade", "websocket") &&
            m->has_token("Connection", "upgrade")) {
            wire::Bytes bytes = std::move(m->raw);
            wire::Bytes rest = s.reader.take_buffered();
            bytes.insert(bytes.end(), rest.begin(), rest.end());
            servers_.erase(id);
            host().tcp()->set_user_of(id, upper_); // its data goes straight up from now on
            upper_->on_connected(id, cause);
            upper_->on_data(id, bytes, cause);
            return;
        }
        cause = record_message(m->raw, m->head_size, http::summary_line(*m), true, cause);
        if (s.closing) continue; // after a Connection: close, further requests go unanswered
        if (HttpHandler* h = handler_for(s.port, m->target)) {
            s.handler = h;
            s.held = m->method; // until respond(): the handler may answer now or later
            h->on_request(id, *m, cause);
            continue;
        }
        http::Response r = origin_.respond(*m, world.now());
        wire::ByteView out(reinterpret_cast<const std::uint8_t*>(r.bytes.data()), r.bytes.size());
        cause = record_message(out, r.head_size,
                               summary_of(out, http::MessageReader::Kind::responses, m->method),
                               false, cause);
        host().tcp()->send(id, out, cause);
        if (r.close) close_conn(id, s.closing, cause);
    }
    s.reading = false;
    if (s.reader.failed() && !s.closing) {
        world.record_text(Kind::app, host().id(), 7, "bad request: " + s.reader.why(), cause, id);
        http::Response r = origin_.refuse(s.reader.error_status(), s.reader.why(), world.now());
        wire::ByteView out(reinterpret_cast<const std::uint8_t*>(r.bytes.data()), r.bytes.size());
        cause = record_message(out, r.head_size,
                               summary_of(out, http::MessageReader::Kind::responses), false, cause);
        host().tcp()->send(id, out, cause);
        close_conn(id, s.closing, cause);
    }
}

void HttpStage::client_data(ConnId id, Client& c, trace::EventId cause) {
    auto& world = host().world();
    const auto node = host().id();
    while (auto m = c.reader.next()) {
        cause = record_message(m->raw, m->head_size, http::summary_line(*m), true, cause);
        if (m->status < 200) continue; // an interim response; the final one follows
        c.waiting = false;
        const std::string what = "GET " + c.path + ": ";
        if (m->status == 200) {
            if (const std::string* tag = m->header("ETag")) c.etag = *tag;
            const std::string_view body(reinterpret_cast<const char*>(m->body().data()),
                                        m->body().size());
            world.record_text(Kind::app, node, 7, what + "new content " + quoted(body), cause, id);
        } else if (m->status == 304) {
            world.record_text(Kind::app, node, 7, what + "no change (304 Not Modified)", cause, id);
        } else {
            world.record_text(Kind::app, node, 7, what + m->reason, cause, id);
        }
        if (!m->keep_alive()) c.sent = c.count; // the server will close: nothing more to ask
    }
    if (c.reader.failed()) {
        world.record_text(Kind::app, node, 7, "bad response: " + c.reader.why(), cause, id);
        c.sent = c.count;
        c.waiting = c.due = false;
    }
    if (c.waiting || !c.connected) return;
    if (c.sent >= c.count) {
        close_conn(id, c.closing, cause); // the last answer is in: the page is done polling
    } else if (c.due) {
        c.due = false;
        send_request(id, c, cause);
    }
}

void HttpStage::send_request(ConnId id, Client& c, trace::EventId cause) {
    http::Fields h = {
        {"Host", c.host_header}, {"User-Agent", std::string(user_agent)}, {"Accept", "text/plain"}};
    // Conditional GET: "send it only if it changed since the version I have".
    if (!c.etag.empty()) h.emplace_back("If-None-Match", c.etag);
    const std::string bytes = http::format_request("GET", c.path, h);
    wire::ByteView out(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    c.reader.expect_response_to("GET");
    c.waiting = true;
    ++c.sent;
    cause = record_message(out, bytes.size(), summary_of(out, http::MessageReader::Kind::requests),
                           false, cause);
    host().tcp()->send(id, out, cause);
    arm_timer(id, c);
}

// Polls keep their rhythm from the first one: request k is due at start + k * every.
void HttpStage::arm_timer(ConnId id, Client& c) {
    if (c.sent >= c.count || c.timer) return;
    auto& kernel = host().world().kernel();
    const Time at = std::max(kernel.now(), c.start + c.sent * c.every);
    c.timer = kernel.schedule_at(at, [this, id] { on_poll_timer(id); });
}

void HttpStage::on_poll_timer(ConnId id) {
    auto it = clients_.find(id);
    if (it == clients_.end()) return;
    Client& c = it->second;
    c.timer.reset();
    if (c.closing || c.sent >= c.count) return;
    if (c.waiting) {
        c.due = true; // sent as soon as the answer to the previous poll arrives
        return;
    }
    send_request(id, c, trace::no_event);
}

void HttpStage::close_conn(ConnId id, bool& closing, trace::EventId cause) {
    if (closing) return;
    closing = true;
    host().tcp()->close(id, cause);
}

trace::EventId HttpStage::record_message(wire::ByteView bytes, std::size_t head_size,
                                         std::string summary, bool received, trace::EventId cause) {
    return host().world().record_message(host().id(), bytes, 7, head_size, summary, received,
                                         cause);
}

} // namespace wirelab::stack
