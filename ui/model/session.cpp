// Opening, re-playing and undoing (see session.hpp).
#include "ui/model/session.hpp"

#include <algorithm>

namespace wirelab::ui {

const char* to_string(UserInput k) {
    switch (k) {
    case UserInput::send: return "send";
    case UserInput::ping: return "ping";
    case UserInput::close: return "close";
    case UserInput::cut: return "cut link";
    case UserInput::restore: return "restore link";
    case UserInput::drop_next: return "drop next";
    }
    return "?";
}

bool Session::open(const std::string& path, std::string* error) {
    auto result = scenario::load_file(path);
    if (!result.scenario) {
        if (error) {
            error->clear();
            for (const auto& e : result.errors)
                *error += e.format() + "\n";
        }
        return false;
    }
    open(std::move(*result.scenario));
    return true;
}

void Session::open(scenario::Scenario scenario) {
    base_ = std::move(scenario);
    inputs_.clear();
    replay();
}

Time Session::end_time() const {
    // The trace's last event, or the scenario's `until` when it is later.
    Time end = trace().end_time();
    if (base_.until) end = std::max(end, *base_.until);
    return end;
}

void Session::replay() {
    scenario::Scenario s = base_;
    for (const auto& a : inputs_)
        s.actions.push_back(a);
    // Keep the loader's order: stable by time, file order (then user order) for ties.
    std::stable_sort(
        s.actions.begin(), s.actions.end(),
        [](const scenario::Action& a, const scenario::Action& b) { return a.at < b.at; });
    // Drop the derived models before the trace they point into.
    ladder_ = {};
    marks_.reset();
    stacks_.reset();
    flights_.reset();
    catalog_.reset();
    adopted_.reset();
    player_ = std::make_unique<scenario::Player>(s);
    player_->run();
    derive();
}

void Session::adopt(std::unique_ptr<trace::Trace> trace) {
    ladder_ = {};
    marks_.reset();
    stacks_.reset();
    flights_.reset();
    catalog_.reset();
    player_.reset();
    base_ = {};
    inputs_.clear();
    adopted_ = std::move(trace);
    derive();
}

void Session::derive() {
    const auto& t = trace();
    catalog_ = std::make_unique<PduCatalog>(t);
    flights_ = std::make_unique<FlightIndex>(t);
    stacks_ = std::make_unique<StackIndex>(t);
    marks_ = std::make_unique<TraceMarks>(t);
    layout_ = layout_topology(t.topology);
    ladder_ = build_ladder(t, *flights_, layout_);
    ++generation_;
}

std::optional<scenario::Action>
Session::make_input(UserInput kind, Time at, const std::string& host, const std::string& link,
                    const std::string& text, std::string* why) const {
    const auto fail = [&](std::string msg) -> std::optional<scenario::Action> {
        if (why) *why = std::move(msg);
        return std::nullopt;
    };
    scenario::Action a;
    a.at = at;
    const scenario::HostSpec* h = nullptr;
    for (const auto& hs : base_.hosts)
        if (hs.name == host) h = &hs;
    const bool speaks_ws = h && std::find(h->stack.begin(), h->stack.end(), "ws") != h->stack.end();
    switch (kind) {
    case UserInput::send:
    case UserInput::ping:
    case UserInput::close: {
        if (!h) return fail("no host named \"" + host + "\"");
        a.host = host;
        // The peer: whoever this host connected to, or who connected to it.
        for (const auto& s : base_.actions) {
            if (s.kind != scenario::ActionKind::tcp_connect &&
                s.kind != scenario::ActionKind::ws_connect)
                continue;
            if (s.host == host)
                a.peer = "";
            else if (s.peer == host)
                a.peer = s.host;
            else
                continue;
            break;
        }
        if (kind == UserInput::ping && !speaks_ws) return fail("ping needs a WebSocket host");
        if (kind == UserInput::send) {
            a.kind = speaks_ws ? scenario::ActionKind::ws_send : scenario::ActionKind::tcp_send;
            a.data.assign(text.begin(), text.end());
            if (a.data.empty()) return fail("nothing to send");
        } else if (kind == UserInput::ping) {
            a.kind = scenario::ActionKind::ws_ping;
            a.data.assign(text.begin(), text.end());
        } else {
            a.kind = speaks_ws ? scenario::ActionKind::ws_close : scenario::ActionKind::tcp_close;
        }
        return a;
    }
    case UserInput::cut:
    case UserInput::restore:
    case UserInput::drop_next: {
        const bool known = std::any_of(base_.links.begin(), base_.links.end(),
                                       [&](const scenario::LinkSpec& l) { return l.name == link; });
        if (!known) return fail("no link named \"" + link + "\"");
        a.link = link;
        a.kind = kind == UserInput::cut       ? scenario::ActionKind::link_cut
                 : kind == UserInput::restore ? scenario::ActionKind::link_restore
                                              : scenario::ActionKind::drop_next;
        if (kind == UserInput::drop_next) a.from = host;
        return a;
    }
    }
    return fail("unknown input");
}

void Session::add_input(scenario::Action action) {
    if (adopted_) return; // nothing to re-play
    inputs_.push_back(std::move(action));
    replay();
}

bool Session::undo() {
    if (inputs_.empty() || adopted_) return false;
    inputs_.pop_back();
    replay();
    return true;
}

} // namespace wirelab::ui
