// OSI rows per host and stack activity (see osi.hpp).
#include "ui/model/osi.hpp"

#include <algorithm>

namespace wirelab::ui {

const char* tcpip_name(std::uint8_t l) {
    switch (l) {
    case 1: return "Link";
    case 2: return "Internet";
    case 3: return "Transport";
    case 4: return "Application";
    default: return "";
    }
}

namespace {

bool has(const std::vector<std::string>& stack, const char* name) {
    return std::find(stack.begin(), stack.end(), name) != stack.end();
}

void add(std::string& s, const char* what) {
    if (!s.empty()) s += " + ";
    s += what;
}

} // namespace

std::array<OsiRow, 7> osi_rows(const std::vector<std::string>& stack, bool is_switch) {
    static constexpr const char* names[8] = {
        "",          "Physical", "Data link",    "Network",
        "Transport", "Session",  "Presentation", "Application"};
    static constexpr std::uint8_t tcpip[8] = {0, 1, 1, 2, 3, 4, 4, 4};
    std::array<OsiRow, 7> rows;
    for (int i = 0; i < 7; ++i) {
        const auto layer = static_cast<std::uint8_t>(7 - i);
        rows[i].layer = layer;
        rows[i].osi_name = names[layer];
        rows[i].tcpip = tcpip[layer];
    }
    auto& r = rows; // r[7 - layer]
    if (is_switch) {
        r[6].protocol = "bits on the cable";
        r[5].protocol = "Ethernet switch (learns MACs)";
        return rows;
    }
    if (has(stack, "phy")) r[6].protocol = "bits on the cable";
    if (has(stack, "eth")) add(r[5].protocol, "Ethernet II");
    if (has(stack, "arp")) add(r[5].protocol, "ARP");
    if (has(stack, "ipv4")) r[4].protocol = "IPv4";
    if (has(stack, "tcp")) r[3].protocol = "TCP";
    // Without a WebSocket, HTTP is the application itself: requests and responses at layer
    // 7, their text bodies at 6. With one, HTTP's part is the Upgrade that opens the session.
    if (has(stack, "http") && !has(stack, "ws")) {
        r[0].protocol = "HTTP/1.1 requests";
        r[1].protocol = "UTF-8 text (bodies)";
    }
    if (has(stack, "http") && has(stack, "ws")) add(r[2].protocol, "HTTP/1.1 Upgrade");
    if (has(stack, "ws")) add(r[2].protocol, "WebSocket");
    if (has(stack, "json")) add(r[1].protocol, "UTF-8 / JSON");
    if (has(stack, "deflate")) add(r[1].protocol, "permessage-deflate");
    // Socket.IO (layer 7) over Engine.IO (a session inside the WebSocket: sid, heartbeat,
    // reconnection), its events serialized as JSON text. Layer 5 reads top-down here, so the
    // box shows Engine.IO first even when the text is cut.
    if (has(stack, "sio")) {
        r[2].protocol = "Engine.IO / WebSocket / HTTP Upgrade";
        if (r[1].protocol.empty()) r[1].protocol = "JSON (UTF-8 text)";
        r[0].protocol = "Socket.IO events";
    }
    // Text frames carry UTF-8: that is the presentation layer of every WebSocket lesson.
    if (has(stack, "ws") && r[1].protocol.empty()) r[1].protocol = "UTF-8 text";
    if (has(stack, "ws") && has(stack, "app")) r[0].protocol = "echo app";
    if (has(stack, "chat")) r[0].protocol = "chat app";
    // A lesson that stops at TCP still has someone using it: the script's send/close actions.
    if (r[0].protocol.empty() && has(stack, "tcp")) r[0].protocol = "lesson script (socket API)";
    return rows;
}

StackIndex::StackIndex(const trace::Trace& trace) : by_node_(trace.topology.nodes.size()) {
    for (const auto& e : trace.events()) {
        const bool down = e.kind == trace::Kind::pdu_down;
        if ((!down && e.kind != trace::Kind::pdu_up) || e.node >= by_node_.size()) continue;
        auto& passes = by_node_[e.node];
        // Consecutive crossings of the same PDU, same direction, same instant: one pass.
        if (!passes.empty()) {
            auto& last = passes.back();
            if (last.pdu == e.pdu && last.down == down && last.time == e.time) {
                if (last.layers.back() != e.layer) last.layers.push_back(e.layer);
                continue;
            }
        }
        StackPass p{e.time, e.pdu, down, {e.layer}, down ? -1.0f : 0.0f, down ? 0.0f : 1.0f};
        if (down) {
            // A reply to a frame that arrived at this instant: after its ascent, not before.
            for (auto it = passes.rbegin(); it != passes.rend() && it->time == e.time; ++it) {
                if (it->down) continue;
                it->window_end = 0.5f;
                p.window_begin = 0.5f;
                p.window_end = 1.0f;
                break;
            }
        }
        passes.push_back(std::move(p));
    }
}

const std::vector<StackPass>& StackIndex::passes(trace::NodeId node) const {
    static const std::vector<StackPass> none;
    return node < by_node_.size() ? by_node_[node] : none;
}

std::optional<StackActivity> StackIndex::activity(trace::NodeId node, Time t, Time dwell,
                                                  Time hold) const {
    const auto& passes = this->passes(node);
    dwell = std::max<Time>(dwell, 1);
    // Candidates start no earlier than t - dwell - hold (up) and no later than t + dwell (down).
    auto first = std::lower_bound(passes.begin(), passes.end(), t - dwell - hold,
                                  [](const StackPass& p, Time v) { return p.time < v; });
    const StackPass* best = nullptr;
    Time best_start = 0;
    float best_progress = 0;
    for (auto it = first; it != passes.end() && it->time <= t + dwell; ++it) {
        const double d = static_cast<double>(dwell);
        const Time start = it->time + static_cast<Time>(it->window_begin * d);
        const Time length =
            std::max<Time>(static_cast<Time>((it->window_end - it->window_begin) * d), 1);
        if (t < start || t > start + length + hold) continue;
        if (best && start < best_start) continue;
        best = &*it;
        best_start = start;
        best_progress =
            std::clamp(static_cast<float>(t - start) / static_cast<float>(length), 0.0f, 1.0f);
    }
    if (!best) return std::nullopt;
    StackActivity a;
    a.pass = best;
    a.progress = best_progress;
    const int n = static_cast<int>(best->layers.size());
    a.lit = std::min(n - 1, static_cast<int>(best_progress * n));
    return a;
}

} // namespace wirelab::ui
