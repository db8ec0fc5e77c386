// Player: scenario -> world, actions on the kernel, cues and quizzes on the trace.
#include "sim/scenario/player.hpp"

#include "sim/proto/sio/json_text.hpp"
#include "sim/scenario/load.hpp"
#include "sim/stack/http_stage.hpp"
#include "sim/stack/sio_stage.hpp"
#include "sim/stack/tcp_stage.hpp"
#include "sim/stack/ws_stage.hpp"
#include "sim/wire/dissect.hpp"
#include "sim/wire/ipv4.hpp"

#include <stdexcept>

namespace wirelab::scenario {

using trace::Kind;

Player::Player(const Scenario& scenario, PlayOptions options) : scenario_(scenario) {
    world_ = std::make_unique<stack::World>(options.seed.value_or(scenario.seed));
    if (options.until) {
        end_ = *options.until;
        bounded_ = true;
    } else if (scenario.until) {
        end_ = *scenario.until;
        bounded_ = true;
    }
    cue_hits_.assign(scenario_.cues.size(), 0);
    quiz_hits_.assign(scenario_.quizzes.size(), 0);
    cue_done_.assign(scenario_.cues.size(), false);
    quiz_done_.assign(scenario_.quizzes.size(), false);
    build();
}

void Player::build() {
    auto& w = *world_;
    for (const auto& h : scenario_.hosts) {
        stack::HostConfig c;
        c.name = h.name;
        c.ip = h.ip;
        c.prefix_len = h.prefix_len;
        c.mac = h.mac;
        c.gateway = h.gateway;
        c.stack = h.stack;
        c.tcp.time_wait = scenario_.tcp_time_wait;
        c.tcp.delayed_ack = scenario_.tcp_delayed_ack;
        w.add_host(std::move(c));
    }
    for (const auto& s : scenario_.switches)
        w.add_switch(s.name);
    for (const auto& l : scenario_.links) {
        stack::Node* a = w.node(l.a);
        stack::Node* b = w.node(l.b);
        if (!a || !b) throw std::logic_error("link to an unknown node passed validation");
        stack::LinkParams p;
        p.bandwidth_bps = l.bandwidth_bps;
        p.delay = l.delay;
        p.loss = l.loss;
        p.duplicate = l.duplicate;
        p.reorder = l.reorder;
        p.corrupt = l.corrupt;
        p.queue = l.queue;
        w.add_link(l.name, *a, *b, p);
    }
    for (std::size_t i = 0; i < scenario_.actions.size(); ++i)
        w.at(scenario_.actions[i].at, [this, i] { apply(i); });
    for (std::size_t i = 0; i < scenario_.cues.size(); ++i)
        if (scenario_.cues[i].at)
            w.at(*scenario_.cues[i].at, [this, i] { fire_cue(i, trace::no_event); });
    for (std::size_t i = 0; i < scenario_.quizzes.size(); ++i)
        if (scenario_.quizzes[i].at)
            w.at(*scenario_.quizzes[i].at, [this, i] { fire_quiz(i, trace::no_event); });
}

namespace {
std::optional<std::uint32_t> resolve(stack::World& w, const std::string& peer) {
    if (peer.empty()) return std::uint32_t{0};
    if (auto* h = w.host(peer)) return h->ip();
    return wire::parse_ipv4(peer);
}
} // namespace

void Player::apply(std::size_t index) {
    const Action& a = scenario_.actions[index];
    auto& w = *world_;
    // "client: tcp.connect server:80", "server: tcp.send to client (14 bytes)"
    std::string what = a.host.empty() ? "" : a.host + ": ";
    what += to_string(a.kind);
    if (!a.peer.empty()) {
        bool to = a.kind == ActionKind::tcp_send || a.kind == ActionKind::ws_send ||
                  a.kind == ActionKind::ws_ping;
        what += (to ? " to " : " ") + a.peer + (a.port ? ":" + std::to_string(a.port) : "");
    } else if (a.port) {
        what += " port " + std::to_string(a.port);
    }
    if (!a.link.empty()) what += " " + a.link;
    if (a.kind == ActionKind::drop_next)
        what += " (" + std::to_string(a.count) + (a.from.empty() ? "" : " from " + a.from) + ")";
    if (!a.path.empty() && a.kind >= ActionKind::http_serve) what += " " + a.path;
    if (a.kind == ActionKind::http_poll)
        what += " every " + format_duration(a.every) + ", " + std::to_string(a.count) + " requests";
    if (!a.data.empty()) what += " (" + std::to_string(a.data.size()) + " bytes)";
    if (!a.room.empty()) what += " room " + a.room;
    if (!a.event.empty()) what += " \"" + a.event + "\" " + a.args + (a.ack ? " with ack" : "");
    stack::Host* host = a.host.empty() ? nullptr : w.host(a.host);
    trace::NodeId node = host ? host->id() : trace::no_node;
    trace::EventId ev = w.record_text(Kind::input, node, 7, what, trace::no_event,
                                      static_cast<std::uint32_t>(index));
    auto complain = [&](const std::string& why) {
        w.record_text(Kind::app, node, 7, "cannot " + what + ": " + why, ev);
    };
    stack::TcpStage* tcp = host ? host->tcp() : nullptr;
    switch (a.kind) {
    case ActionKind::tcp_listen:
    case ActionKind::tcp_connect:
    case ActionKind::tcp_send:
    case ActionKind::tcp_close:
    case ActionKind::tcp_abort: {
        if (!tcp) return complain("the host has no TCP stage");
        auto ip = resolve(w, a.peer);
        if (!ip) return complain("unknown peer");
        if (a.kind == ActionKind::tcp_listen) {
            tcp->listen(a.port, ev);
            return;
        }
        if (a.kind == ActionKind::tcp_connect) {
            tcp->connect(*ip, a.port, ev);
            return;
        }
        stack::ConnId c = tcp->find(*ip);
        if (c == stack::no_conn) return complain("no open connection");
        if (a.kind == ActionKind::tcp_send)
            tcp->send(c, a.data, ev);
        else if (a.kind == ActionKind::tcp_close)
            tcp->close(c, ev);
        else
            tcp->abort(c, ev);
        return;
    }
    case ActionKind::link_cut:
    case ActionKind::link_restore:
    case ActionKind::drop_next: {
        stack::Link* link = w.link(a.link);
        if (!link) return complain("unknown link");
        if (a.kind == ActionKind::link_cut)
            link->cut();
        else if (a.kind == ActionKind::link_restore)
            link->restore();
        else
            link->drop_next(a.count, a.from.empty() ? nullptr : w.node(a.from));
        return;
    }
    case ActionKind::ws_listen:
    case ActionKind::ws_connect:
    case ActionKind::ws_send:
    case ActionKind::ws_ping:
    case ActionKind::ws_close: {
        stack::WsStage* ws = host ? host->ws() : nullptr;
        if (!ws) return complain("the host has no ws stage");
        auto ip = resolve(w, a.peer);
        if (!ip) return complain("unknown peer");
        bool ok = true;
        switch (a.kind) {
        case ActionKind::ws_listen: ws->listen(a.port, a.path.empty() ? "/" : a.path, ev); break;
        case ActionKind::ws_connect: {
            std::string host_header = a.peer + (a.port == 80 ? "" : ":" + std::to_string(a.port));
            ws->connect(*ip, a.port, host_header, a.path, ev);
            break;
        }
        case ActionKind::ws_send: ok = ws->send(*ip, a.data, a.binary, a.fragment, ev); break;
        case ActionKind::ws_ping: ok = ws->ping(*ip, a.data, ev); break;
        default: ok = ws->close(*ip, a.code, a.reason, ev); break;
        }
        if (!ok) complain("no open WebSocket");
        return;
    }
    case ActionKind::http_serve:
    case ActionKind::http_update:
    case ActionKind::http_get:
    case ActionKind::http_poll: {
        stack::HttpStage* http = host ? host->http() : nullptr;
        if (!http) return complain("the host has no http stage");
        const std::string body(a.data.begin(), a.data.end());
        if (a.kind == ActionKind::http_serve) {
            http->serve(a.port, a.path, body, ev);
        } else if (a.kind == ActionKind::http_update) {
            if (!http->update(a.path, body, ev)) complain("nothing is served at " + a.path);
        } else {
            auto ip = resolve(w, a.peer);
            if (!ip) return complain("unknown peer");
            std::string host_header = a.peer + (a.port == 80 ? "" : ":" + std::to_string(a.port));
            bool once = a.kind == ActionKind::http_get;
            http->poll(*ip, a.port, host_header, a.path, once ? 0 : a.every, once ? 1 : a.count,
                       ev);
        }
        return;
    }
    case ActionKind::sio_listen:
    case ActionKind::sio_connect:
    case ActionKind::sio_emit:
    case ActionKind::sio_join:
    case ActionKind::sio_leave:
    case ActionKind::sio_broadcast:
    case ActionKind::sio_to: {
        stack::SioStage* io = host ? host->sio() : nullptr;
        if (!io) return complain("the host has no sio stage");
        auto ip = resolve(w, a.peer);
        if (!ip) return complain("unknown peer");
        const sio::Json args = sio::parse_json(a.args).value_or(sio::Json::array());
        bool ok = true;
        switch (a.kind) {
        case ActionKind::sio_listen:
            io->listen(a.port, ev, {a.ping_interval / 1'000'000, a.ping_timeout / 1'000'000});
            break;
        case ActionKind::sio_connect:
            io->connect(*ip, a.port, a.peer + (a.port == 80 ? "" : ":" + std::to_string(a.port)),
                        ev, {.timeout_ms = a.connect_timeout / 1'000'000, .polling = a.polling});
            break;
        case ActionKind::sio_emit: ok = io->emit(a.event, args, a.ack, ev); break;
        case ActionKind::sio_join: ok = io->join(a.room, ev); break;
        case ActionKind::sio_leave: ok = io->leave(a.room, ev); break;
        case ActionKind::sio_broadcast: ok = io->broadcast(a.event, args, ev); break;
        default: ok = io->to_room(a.room, a.event, args, ev); break;
        }
        if (!ok)
            complain(a.kind == ActionKind::sio_join || a.kind == ActionKind::sio_leave
                         ? "no Socket.IO client on this host (sio.connect first)"
                         : "no Socket.IO server or client on this host");
        return;
    }
    }
}

bool Player::matches(const Trigger& t, const trace::Event& e) const {
    const auto& tr = world_->trace();
    auto node_is = [&](const std::string& name) {
        return name.empty() || (e.node != trace::no_node && tr.topology.nodes[e.node].name == name);
    };
    auto summary_starts = [&](const std::string& prefix) {
        if (prefix.empty()) return true;
        if (e.pdu == trace::no_pdu) return false;
        std::string s;
        if (tr.pdu(e.pdu).format == trace::PduFormat::ethernet) {
            auto d = wire::dissect_frame(tr.pdu_bytes(e.pdu));
            // A frame carrying HTTP or WebSocket bytes is matched through the message event
            // the session stage records for them, not a second time as a frame.
            if (d.top_layer >= 5) return false;
            s = std::move(d.summary);
        } else {
            s = std::string(tr.text(e.text));
        }
        if (s.rfind(prefix, 0) != 0) return false;
        // "SYN" must not match "SYN-ACK": the prefix ends at a word boundary.
        return s.size() == prefix.size() || s[prefix.size()] == ' ' || s[prefix.size()] == '(';
    };
    if (t.event == "state") {
        if (e.kind != Kind::state || !node_is(t.host)) return false;
        auto text = tr.text(e.text);
        return text.size() >= t.state.size() &&
               text.substr(text.size() - t.state.size()) == t.state;
    }
    if (t.event == "arrive")
        return (e.kind == Kind::arrive && node_is(t.host) && !tr.topology.nodes[e.node].is_switch &&
                summary_starts(t.pdu)) ||
               (e.kind == Kind::message && e.aux == 1 && node_is(t.host) && summary_starts(t.pdu));
    if (t.event == "send")
        return (e.kind == Kind::tx_start && node_is(t.host) && summary_starts(t.pdu)) ||
               (e.kind == Kind::message && e.aux == 0 && node_is(t.host) && summary_starts(t.pdu));
    if (t.event == "drop")
        return e.kind == Kind::drop && node_is(t.host) &&
               (t.link.empty() ||
                (e.link != trace::no_link && tr.topology.links[e.link].name == t.link));
    // The application's own state changes (Socket.IO connect / disconnect, traced as
    // layer-7 states) are application events too.
    if (t.event == "app")
        return (e.kind == Kind::app || (e.kind == Kind::state && e.layer == 7)) &&
               node_is(t.host) && tr.text(e.text).find(t.name) != std::string_view::npos;
    return false;
}

void Player::fire_cue(std::size_t i, trace::EventId cause) {
    if (cue_done_[i]) return;
    cue_done_[i] = true;
    fired_cues_.push_back(i);
    world_->record_text(Kind::narration, trace::no_node, 0, scenario_.cues[i].text, cause,
                        static_cast<std::uint32_t>(i));
}

void Player::fire_quiz(std::size_t i, trace::EventId cause) {
    if (quiz_done_[i]) return;
    quiz_done_[i] = true;
    fired_quizzes_.push_back(i);
    world_->record_text(Kind::quiz, trace::no_node, 0, scenario_.quizzes[i].question, cause,
                        static_cast<std::uint32_t>(i));
}

void Player::check_triggers() {
    const auto& tr = world_->trace();
    while (scanned_ < tr.size()) {
        auto id = static_cast<trace::EventId>(scanned_++);
        const trace::Event e = tr[id];
        if (e.kind == Kind::narration || e.kind == Kind::quiz) continue;
        for (std::size_t i = 0; i < scenario_.cues.size(); ++i) {
            const auto& c = scenario_.cues[i];
            if (cue_done_[i] || !c.when || !matches(*c.when, e)) continue;
            if (++cue_hits_[i] == c.when->nth) fire_cue(i, id);
        }
        for (std::size_t i = 0; i < scenario_.quizzes.size(); ++i) {
            const auto& q = scenario_.quizzes[i];
            if (quiz_done_[i] || !q.when || !matches(*q.when, e)) continue;
            if (++quiz_hits_[i] == q.when->nth) fire_quiz(i, id);
        }
    }
}

void Player::run_until(Time t) {
    if (finished_) return;
    Time limit = std::min(t, end_);
    auto& k = world_->kernel();
    while (true) {
        auto next = k.next_time();
        if (!next || *next > limit) break;
        k.step();
        check_triggers();
    }
    bool idle = !k.next_time().has_value();
    if (!bounded_ && idle) {
        end_ = std::max(k.now(), limit == end_ ? k.now() : k.now());
        // Quizzes placed at the end come last, once nothing more happens.
    }
    if (limit >= end_ || (!bounded_ && idle)) {
        if (bounded_) k.run_until(end_);
        if (!bounded_) end_ = k.now();
        for (std::size_t i = 0; i < scenario_.quizzes.size(); ++i)
            if (scenario_.quizzes[i].at_end) fire_quiz(i, trace::no_event);
        finished_ = true;
    } else {
        k.run_until(limit);
    }
}

} // namespace wirelab::scenario
