// WsStage: the Upgrade and WebSocket sessions of one host over its TcpStage.
#include "sim/stack/ws_stage.hpp"

#include "sim/core/prefetch.hpp"
#include "sim/stack/host.hpp"
#include "sim/stack/world.hpp"
#include "sim/wire/dissect.hpp"
#include "sim/wire/websocket.hpp"

#include <array>
#include <string>
#include <utility>
#include <vector>

namespace wirelab::stack {

using trace::Kind;

namespace {
// What a message reads of its ws::Connection: lines 0 and 1 (flags, state, offsets).
constexpr std::size_t connection_hot_bytes = 2 * cache_line;

std::string quoted(wire::ByteView data, std::size_t max = 60) {
    std::string out = "\"";
    for (std::size_t i = 0; i < data.size() && i < max; ++i) {
        char c = static_cast<char>(data[i]);
        out += (data[i] >= 0x20 && data[i] != 0x7f) || data[i] >= 0x80 ? c : '.';
    }
    return out + (data.size() > max ? "\"…" : "\"");
}
} // namespace

void WsStage::from_above(Packet p, Meta m) {
    drop(p, m, trace::DropReason::none, "the WebSocket stage takes data through send()");
}
void WsStage::from_below(Packet p, Meta m) {
    drop(p, m, trace::DropReason::none, "the WebSocket stage gets data from TCP's user interface");
}

bool WsStage::Session::warm(ConnId id, unsigned level) const {
    if (level == 0) {
        if (ws) prefetch_lines(ws.get(), connection_hot_bytes);
        if (stage->user_) prefetch(stage->user_);
        return stage->user_ != nullptr;
    }
    return stage->user_ != nullptr && stage->user_->warm(id, level - 1);
}

void WsStage::warm_send(ConnId id, unsigned level) {
    const Session* s = find_session(id);
    if (!s) return;
    if (level == 0) {
        prefetch(s);
    } else if (level == 1 && s->ws) {
        prefetch_lines(s->ws.get(), connection_hot_bytes);
    }
    if (TcpStage* tcp = host().tcp()) tcp->warm_send(id, level);
}

ws::Config WsStage::ws_config(const Session& s) {
    ws::Config c;
    c.role = s.client ? ws::Role::client : ws::Role::server;
    c.deflate = s.deflate;
    // receive_frames traces each frame from the bytes: no frame events to skip over.
    c.frame_events = false;
    // Masking keys from the world's seeded generator: the same seed, the same bytes.
    c.mask_source = [this] {
        std::uint32_t r = host().world().random().next_u32();
        return ws::MaskKey{static_cast<std::uint8_t>(r >> 24), static_cast<std::uint8_t>(r >> 16),
                           static_cast<std::uint8_t>(r >> 8), static_cast<std::uint8_t>(r)};
    };
    return c;
}

void WsStage::listen(std::uint16_t port, std::string path, trace::EventId cause) {
    listening_[port] = std::move(path);
    host().tcp()->listen(port, cause);
}

ConnId WsStage::connect(std::uint32_t ip, std::uint16_t port, std::string host_header,
                        std::string path, trace::EventId cause) {
    ConnId id = host().tcp()->connect(ip, port, cause);
    Session s;
    s.client = true;
    s.path = path.empty() ? "/" : std::move(path);
    s.host_header = std::move(host_header);
    add_session(id, std::move(s)); // past an HTTP stage below us: it is ours alone
    return id;
}

WsStage::Session& WsStage::add_session(ConnId id, Session s) {
    Session& slot = sessions_[id];
    slot = std::move(s);
    slot.stage = this;
    if (by_id_.size() <= id) by_id_.resize(std::size_t{id} + 1, nullptr);
    by_id_[id] = &slot;
    host().tcp()->set_user_of(id, &slot);
    return slot;
}

void WsStage::on_connected(ConnId id, trace::EventId cause) {
    auto it = sessions_.find(id);
    if (it != sessions_.end() && it->second.client) {
        Session& s = it->second;
        http::ClientOptions o;
        o.host = s.host_header;
        o.target = s.path;
        // The Sec-WebSocket-Key's 16 bytes come from the seeded generator too.
        http::KeySource keys = [this] {
            http::KeyBytes k{};
            for (auto& b : k)
                b = static_cast<std::uint8_t>(host().world().random().next_u32());
            return k;
        };
        if (options_.deflate) {
            ws::DeflateOffer offer;
            o.extensions = http::parse_extensions(ws::format_offer(offer))
                               .value_or(std::vector<http::Extension>{});
            o.check_extensions =
                [this, id,
                 offer](const std::vector<http::Extension>& agreed) -> std::optional<std::string> {
                if (agreed.empty()) return std::nullopt; // the server declined: plain frames
                std::string why;
                auto config = ws::accept_response(http::format_extensions(agreed), offer, &why);
                if (!config) return "permessage-deflate response refused: " + why;
                sessions_[id].deflate = config;
                return std::nullopt;
            };
        }
        s.client_hs.emplace(o, keys);
        wire::Bytes request = s.client_hs->data_to_send();
        transmit(id, request, true, cause);
        return;
    }
    const tcp::Connection* c = host().tcp()->connection(id);
    if (!c || !listening_.count(c->local().port)) return;
    Session s;
    s.path = listening_[c->local().port];
    http::ServerOptions o;
    if (options_.deflate) {
        o.negotiate_extensions = [this, id](const std::vector<http::Extension>& offers) {
            auto agreed = ws::negotiate(http::format_extensions(offers));
            if (!agreed) return std::vector<http::Extension>{};
            sessions_[id].deflate = agreed->config;
            return http::parse_extensions(agreed->response)
                .value_or(std::vector<http::Extension>{});
        };
    }
    s.server_hs.emplace(std::move(o));
    add_session(id, std::move(s));
}

void WsStage::on_data(ConnId id, wire::ByteView data, trace::EventId cause) {
    if (Session* s = find_session(id)) session_data(id, *s, data, cause);
}

void WsStage::session_data(ConnId id, Session& s, wire::ByteView data, trace::EventId cause) {
    if (s.ws) {
        receive_frames(id, s, data, cause);
        return;
    }
    s.rx.insert(s.rx.end(), data.begin(), data.end());
    if (s.client_hs) {
        s.client_hs->receive_data(data);
        if (!s.client_hs->done()) return;
        std::size_t head = std::min(s.client_hs->head_size(), s.rx.size());
        cause = record_message({s.rx.data(), head}, head, true, cause);
        s.rx.erase(s.rx.begin(), s.rx.begin() + static_cast<std::ptrdiff_t>(head));
        if (s.client_hs->failed()) {
            host().world().record_text(Kind::app, host().id(), 5,
                                       "WebSocket handshake failed: " + s.client_hs->why(), cause);
            host().tcp()->close(id, cause);
            return;
        }
    } else if (s.server_hs) {
        s.server_hs->receive_data(data);
        if (!s.server_hs->done()) return;
        std::size_t head = std::min(s.server_hs->head_size(), s.rx.size());
        if (head == 0) head = s.rx.size(); // a rejected, unparsable request: all of it
        cause = record_message({s.rx.data(), head}, head, true, cause);
        s.rx.erase(s.rx.begin(), s.rx.begin() + static_cast<std::ptrdiff_t>(head));
        const std::string& target = s.server_hs->request().target;
        if (s.server_hs->accepted() && target.substr(0, target.find('?')) != s.path) {
            host().world().record_text(Kind::app, host().id(), 5,
                                       "no WebSocket endpoint at " + s.server_hs->request().target,
                                       cause);
        }
        wire::Bytes response = s.server_hs->data_to_send();
        transmit(id, response, true, cause);
        if (!s.server_hs->accepted()) {
            host().world().record_text(Kind::app, host().id(), 5,
                                       "Upgrade refused: " + s.server_hs->why(), cause);
            host().tcp()->close(id, cause);
            return;
        }
    } else {
        return;
    }
    wire::Bytes rest = std::move(s.rx);
    s.rx.clear();
    start_ws(id, s, cause);
    if (!rest.empty()) receive_frames(id, s, rest, cause);
}

void WsStage::start_ws(ConnId id, Session& s, trace::EventId cause) {
    s.ws = std::make_unique<ws::Connection>(ws_config(s));
    s.last_state = ws::State::connecting;
    note_state(id, s, cause);
}

void WsStage::receive_frames(ConnId id, Session& s, wire::ByteView data, trace::EventId cause) {
    // Trace each whole frame as it completes (the bytes exactly as they came), then hand
    // the chunk to the connection, which does the real work. The frames are read where
    // they lie: in `data` when no partial frame waits (the usual case), else in rx after
    // it; only what is left of a partial frame is kept.
    const bool partial = !s.rx.empty();
    if (partial) s.rx.insert(s.rx.end(), data.begin(), data.end());
    const wire::ByteView in = partial ? wire::ByteView(s.rx) : data;
    std::size_t used = 0;
    while (true) {
        wire::websocket::FrameHeader h;
        wire::ByteView rest = in.subspan(used);
        if (wire::websocket::parse_header(rest, h) != wire::websocket::HeaderStatus::complete)
            break;
        if (h.length > rest.size() - h.header_size) break;
        std::size_t n = h.header_size + static_cast<std::size_t>(h.length);
        cause = record_message(rest.first(n), h.header_size, true, cause);
        used += n;
    }
    if (partial)
        s.rx.erase(s.rx.begin(), s.rx.begin() + static_cast<std::ptrdiff_t>(used));
    else
        s.rx.assign(data.begin() + static_cast<std::ptrdiff_t>(used), data.end());
    s.ws->receive_data_borrowing(data); // (data outlives the events handled below)
    process_events(id, s, cause);
}

void WsStage::process_events(ConnId id, Session& s, trace::EventId cause) {
    auto& world = host().world();
    const auto node = host().id();
    std::vector<std::pair<bool, wire::Bytes>> echoes; // (binary, payload)
    // (binary, payload) for the user: views into the connection's arena, which stay valid
    // until its next receive_data() or events() (neither happens before they are handed
    // out below); the first few kept off the heap.
    using Message = std::pair<bool, wire::ByteView>;
    std::array<Message, 4> to_user_inline;
    std::vector<Message> to_user_more;
    std::size_t to_user_count = 0;
    s.ws->drain_events([&](const ws::Event& ev) {
        switch (ev.kind) {
        case ws::Event::Kind::frame: break; // traced from the bytes in receive_frames
        case ws::Event::Kind::text:
        case ws::Event::Kind::binary: {
            bool binary = ev.kind == ws::Event::Kind::binary;
            if (user_) {
                if (to_user_count < to_user_inline.size())
                    to_user_inline[to_user_count++] = {binary, ev.payload};
                else
                    to_user_more.emplace_back(binary, ev.payload);
                break;
            }
            world.record_text(
                Kind::app, node, 7,
                std::string("received ") + (binary ? "binary " : "text ") +
                    (binary ? std::to_string(ev.payload.size()) + " bytes" : quoted(ev.payload)),
                cause, id);
            if ((options_.echo || options_.chat) && !s.client)
                echoes.emplace_back(binary, wire::Bytes(ev.payload.begin(), ev.payload.end()));
            break;
        }
        case ws::Event::Kind::ping:
            world.record_text(Kind::app, node, 5, "PING received: PONG sent back automatically",
                              cause, id);
            break;
        case ws::Event::Kind::pong:
            world.record_text(Kind::app, node, 5, "PONG received", cause, id);
            break;
        case ws::Event::Kind::close:
            world.record_text(Kind::app, node, 5,
                              "CLOSE received: code " + std::to_string(ev.code) +
                                  (ev.reason.empty() ? "" : " \"" + std::string(ev.reason) + "\""),
                              cause, id);
            break;
        case ws::Event::Kind::fail:
            world.record_text(Kind::app, node, 5,
                              "failing the connection with code " + std::to_string(ev.code) + ": " +
                                  std::string(ev.reason),
                              cause, id);
            break;
        }
    });
    flush(id, s, cause);
    if (user_) {
        for (std::size_t i = 0; i < to_user_count; ++i)
            user_->on_message(id, to_user_inline[i].second, to_user_inline[i].first, cause);
        for (const auto& [binary, payload] : to_user_more)
            user_->on_message(id, payload, binary, cause);
    }
    for (auto& [binary, payload] : echoes) {
        if (options_.echo) send_on(id, s, payload, binary, cause);
        if (!options_.chat) continue;
        // Chat: relay to every other open WebSocket of this server, in connection order.
        for (auto& [other_id, other] : sessions_)
            if (other_id != id && !other.client && other.ws && other.ws->state() == ws::State::open)
                send_on(other_id, other, payload, binary, cause);
    }
}

void WsStage::flush(ConnId id, Session& s, trace::EventId cause) {
    // The queued bytes go to TCP (which copies them) straight from the connection's output
    // buffer, then are consumed: no copy of our own.
    const wire::ByteView out = s.ws->pending_output();
    if (!out.empty()) {
        const std::size_t n = out.size();
        transmit(id, out, false, cause);
        s.ws->consume_output(n);
    }
    after_flush(id, s, cause);
}

void WsStage::after_flush(ConnId id, Session& s, trace::EventId cause) {
    note_state(id, s, cause);
    // RFC 6455 7.1.1: once the close handshake is done the server closes TCP first; the
    // client closes when it sees the server's FIN (on_peer_closed).
    if (s.ws->state() == ws::State::closed && !s.client && !s.tcp_closing) {
        s.tcp_closing = true;
        host().tcp()->close(id, cause);
    }
}

void WsStage::transmit(ConnId id, wire::ByteView bytes, bool is_http, trace::EventId cause) {
    if (is_http) {
        cause = record_message(bytes, bytes.size(), false, cause);
    } else {
        std::size_t used = 0;
        while (used < bytes.size()) {
            wire::websocket::FrameHeader h;
            auto rest = bytes.subspan(used);
            if (wire::websocket::parse_header(rest, h) != wire::websocket::HeaderStatus::complete ||
                h.length > rest.size() - h.header_size)
                break;
            std::size_t n = h.header_size + static_cast<std::size_t>(h.length);
            cause = record_message(rest.first(n), h.header_size, false, cause);
            used += n;
        }
    }
    tcp_send(id, bytes, cause);
}

void WsStage::tcp_send(ConnId id, wire::ByteView bytes, trace::EventId cause) {
    std::size_t sent = host().tcp()->send(id, bytes, cause);
    if (sent < bytes.size())
        host().world().record_text(Kind::app, host().id(), 5,
                                   "TCP send buffer full: " + std::to_string(bytes.size() - sent) +
                                       " bytes not sent",
                                   cause, id);
}

trace::EventId WsStage::record_message(wire::ByteView bytes, std::size_t header_len, bool received,
                                       trace::EventId cause) {
    auto summary = [bytes] {
        wire::Dissection d;
        return wire::dissect_stream_payload(bytes, d) ? d.summary : std::string("data");
    };
    return host().world().record_message_memo(host().id(), bytes, 5, header_len, summary, received,
                                              cause);
}

void WsStage::note_state(ConnId id, Session& s, trace::EventId cause) {
    if (!s.ws || s.ws->state() == s.last_state) return;
    cause = host().world().record_text(Kind::state, host().id(), 5,
                                       "WebSocket " + std::string(ws::to_string(s.last_state)) +
                                           " → " + std::string(ws::to_string(s.ws->state())),
                                       cause, id);
    s.last_state = s.ws->state();
    if (!user_) return;
    if (s.last_state == ws::State::open && !s.user_open) {
        s.user_open = true;
        user_->on_open(id, s.client, cause);
    } else if (s.last_state == ws::State::closed) {
        tell_close(id, s, cause);
    }
}

void WsStage::tell_close(ConnId id, Session& s, trace::EventId cause) {
    if (!user_ || !s.user_open) return;
    s.user_open = false;
    user_->on_close(id, cause);
}

bool WsStage::send_to(ConnId id, wire::ByteView data, bool binary, trace::EventId cause) {
    Session* s = find_session(id);
    if (!s || !s->ws || s->ws->state() != ws::State::open) return false;
    send_on(id, *s, data, binary, cause);
    return true;
}

WsStage::Prepared WsStage::prepare_text(std::string_view text) {
    ws::FrameHeader h;
    h.fin = true;
    h.opcode = ws::Opcode::text;
    h.masked = false;
    ws::ByteBuffer out;
    write_frame(out, h, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    Prepared p;
    p.frame.assign(out.data(), out.data() + out.size());
    p.header_size = p.frame.size() - text.size();
    return p;
}

WsStage::SendResult WsStage::send_prepared(ConnId id, const Prepared& p, bool known,
                                           trace::EventId cause, trace::EventId* recorded) {
    Session* s = find_session(id);
    if (!s || !s->ws || s->ws->state() != ws::State::open) return SendResult::not_open;
    if (!s->ws->sends_plain_frames()) {
        send_on(id, *s, p.payload(), false, cause);
        return SendResult::fallback;
    }
    // What send_on does when the connection queues just this frame: trace it (transmit's
    // message event), hand it to TCP, then flush's state checks.
    const trace::EventId c =
        known ? host().world().record_message_event(host().id(), 5, p.pdu, p.text, false, cause)
              : record_message(p.frame, p.header_size, false, cause);
    if (recorded) *recorded = c;
    tcp_send(id, p.frame, c);
    after_flush(id, *s, cause);
    return SendResult::prepared;
}

bool WsStage::close_conn(ConnId id, std::uint16_t code, trace::EventId cause) {
    auto it = sessions_.find(id);
    if (it == sessions_.end() || !it->second.ws || it->second.ws->state() != ws::State::open)
        return false;
    it->second.ws->send_close(code);
    flush(id, it->second, cause);
    return true;
}

std::string WsStage::request_target(ConnId id) const {
    auto it = sessions_.find(id);
    if (it == sessions_.end() || !it->second.server_hs || !it->second.server_hs->accepted())
        return {};
    return it->second.server_hs->request().target;
}

WsStage::Session* WsStage::session_for(std::uint32_t peer_ip, ConnId* id) {
    for (auto it = sessions_.rbegin(); it != sessions_.rend(); ++it) {
        if (!it->second.ws || it->second.ws->state() != ws::State::open) continue;
        const tcp::Connection* c = host().tcp()->connection(it->first);
        if (c && (peer_ip == 0 || c->remote().addr == peer_ip)) {
            *id = it->first;
            return &it->second;
        }
    }
    return nullptr;
}

void WsStage::send_on(ConnId id, Session& s, wire::ByteView payload, bool binary,
                      trace::EventId cause) {
    if (binary)
        s.ws->send_binary(payload);
    else
        s.ws->send_text({reinterpret_cast<const char*>(payload.data()), payload.size()});
    flush(id, s, cause);
}

bool WsStage::send(std::uint32_t peer_ip, wire::ByteView data, bool binary, std::size_t fragment,
                   trace::EventId cause) {
    ConnId id;
    Session* s = session_for(peer_ip, &id);
    if (!s) return false;
    if (binary)
        s->ws->send_binary(data, fragment);
    else
        s->ws->send_text({reinterpret_cast<const char*>(data.data()), data.size()}, fragment);
    flush(id, *s, cause);
    return true;
}

bool WsStage::ping(std::uint32_t peer_ip, wire::ByteView data, trace::EventId cause) {
    ConnId id;
    Session* s = session_for(peer_ip, &id);
    if (!s) return false;
    s->ws->send_ping(data);
    flush(id, *s, cause);
    return true;
}

bool WsStage::close(std::uint32_t peer_ip, std::uint16_t code, std::string_view reason,
                    trace::EventId cause) {
    ConnId id;
    Session* s = session_for(peer_ip, &id);
    if (!s) return false;
    s->ws->send_close(code, reason);
    flush(id, *s, cause);
    return true;
}

void WsStage::on_peer_closed(ConnId id, trace::EventId cause) {
    auto it = sessions_.find(id);
    if (it != sessions_.end() && it->second.ws) {
        it->second.ws->receive_eof();
        process_events(id, it->second, cause);
    }
    if (it == sessions_.end() || !it->second.tcp_closing) {
        if (it != sessions_.end()) it->second.tcp_closing = true;
        host().tcp()->close(id, cause);
    }
}

// Sessions are kept after their connection closes (a ConnId is never reused): erasing one
// here could pull it from under a caller that is still flushing it.
void WsStage::on_closed(ConnId id, trace::EventId cause) {
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return;
    if (user_ && it->second.client && !it->second.ws) user_->on_open_failed(id, cause);
    tell_close(id, it->second, cause);
}

} // namespace wirelab::stack
