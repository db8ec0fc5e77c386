// The terminal ladder (see ladder.hpp). Each output line is drawn on a small canvas of
// cells (one code point each, with a colour), then rendered with or without ANSI escapes.
//   print_new -> print_event -> print_arrow | print_note | print_wide -> Canvas::render
#include "sim/export/ladder.hpp"

#include "sim/export/text_canvas.hpp"

#include "sim/wire/ethernet.hpp"
#include "sim/wire/ipv4.hpp"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <ostream>
#include <sstream>

namespace wirelab::exporter {

namespace {

using namespace text;

constexpr int time_width = 11; // "  12.345 ms"
constexpr int lane_start = time_width + 2;

namespace color {
constexpr const char* none = nullptr;
constexpr const char* time = "90";
constexpr const char* lifeline = "90";
constexpr const char* name = "1";
constexpr const char* arp = "33";
constexpr const char* tcp = "36";
constexpr const char* http = "32";
constexpr const char* websocket = "35";
constexpr const char* other = "37";
constexpr const char* drop = "1;31";
constexpr const char* state = "34";
constexpr const char* app = "94";
constexpr const char* narration = "1";
} // namespace color

const char* protocol_color(const std::string& protocol) {
    if (protocol == "ARP") return color::arp;
    if (protocol == "TCP" || protocol == "IPv4") return color::tcp;
    if (protocol == "HTTP") return color::http;
    if (protocol == "WebSocket") return color::websocket;
    return color::other;
}

std::string format_ms(Time t) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(t) / 1e6);
    return buf;
}

} // namespace

LadderPrinter::LadderPrinter(const trace::Trace& trace, LadderOptions options)
    : trace_(trace), options_(options) {
    options_.width = std::max(options_.width, lane_start + 20);
}

// Lanes are laid out at the first print_new, so the printer may be made before the world
// has filled in the topology.
void LadderPrinter::layout() {
    const auto& nodes = trace_.topology.nodes;
    // Lanes in the order the links connect them (breadth-first from the first node), so a
    // switch sits between the hosts it joins and arrows do not jump over unrelated lanes.
    std::vector<trace::NodeId> order;
    std::vector<bool> seen(nodes.size(), false);
    for (std::size_t start = 0; start < nodes.size(); ++start) {
        if (seen[start]) continue;
        std::deque<std::size_t> queue{start};
        seen[start] = true;
        while (!queue.empty()) {
            const std::size_t n = queue.front();
            queue.pop_front();
            order.push_back(static_cast<trace::NodeId>(n));
            for (const auto& link : trace_.topology.links) {
                const std::size_t other = link.a == n   ? link.b
                                          : link.b == n ? link.a
                                                        : trace::no_node;
                if (other < nodes.size() && !seen[other]) {
                    seen[other] = true;
                    queue.push_back(other);
                }
            }
        }
    }
    node_lane_.assign(nodes.size(), -1);
    for (auto n : order) {
        if (options_.hosts_only && nodes[n].is_switch) continue;
        node_lane_[n] = static_cast<int>(lanes_.size());
        lanes_.push_back(n);
    }
    compact_ = lanes_.size() > options_.max_lifelines;
    const int area = options_.width - lane_start;
    if (lanes_.empty()) return;
    // Room for the first and last names and addresses, which are centred on their lanes.
    auto label_width = [&](trace::NodeId n) {
        return std::max(columns(node_name(n)),
                        columns(wire::format_ipv4(trace_.topology.nodes[n].ip)));
    };
    const int left = std::max(1, label_width(lanes_.front()) / 2);
    const int right = std::max(1, (label_width(lanes_.back()) + 1) / 2);
    const int span = area - left - right - 1;
    for (std::size_t i = 0; i < lanes_.size(); ++i)
        lane_column_.push_back(lanes_.size() == 1 ? left
                                                  : left + static_cast<int>(i) * span /
                                                               static_cast<int>(lanes_.size() - 1));
}

std::string LadderPrinter::node_name(trace::NodeId node) const {
    if (node < trace_.topology.nodes.size()) return trace_.topology.nodes[node].name;
    return node == trace::no_node ? "?" : "node" + std::to_string(node);
}

bool LadderPrinter::is_switch(trace::NodeId node) const {
    return node < trace_.topology.nodes.size() && trace_.topology.nodes[node].is_switch;
}

int LadderPrinter::lane_of(trace::NodeId node) const {
    return node < node_lane_.size() ? node_lane_[node] : -1;
}

const wire::Dissection& LadderPrinter::dissection(trace::PduId pdu) {
    auto it = dissections_.find(pdu);
    if (it != dissections_.end()) return it->second;
    wire::Dissection d;
    if (pdu == trace::no_pdu || pdu >= trace_.pdu_count()) {
        d.summary = "(no bytes)";
    } else if (trace_.pdu(pdu).format == trace::PduFormat::ethernet) {
        d = wire::dissect_frame(trace_.pdu_bytes(pdu));
    } else {
        const auto bytes = trace_.pdu_bytes(pdu);
        if (!wire::dissect_stream_payload(bytes, d))
            d.summary = std::to_string(bytes.size()) + " bytes";
    }
    return dissections_.emplace(pdu, std::move(d)).first->second;
}

// The host (or, drawing every hop, the node) that put this frame on the wire: walk the cause
// chain back to the first transmission by a host.
LadderPrinter::Origin LadderPrinter::origin(trace::EventId id) const {
    Origin found;
    for (std::size_t steps = 0; id != trace::no_event && id < trace_.size() && steps < 64;
         ++steps) {
        const trace::Event& e = trace_[id];
        if (e.kind == trace::Kind::tx_start) {
            found = {e.node, e.time};
            if (!options_.hosts_only || !is_switch(e.node)) return found;
        }
        if (e.cause != trace::no_event && e.cause >= id) break; // causes point backwards
        id = e.cause;
    }
    return found;
}

// Where a lost frame was going: the host owning its destination MAC, else the node at the
// far end of the link, else (two hosts) the other host.
trace::NodeId LadderPrinter::intended_receiver(trace::EventId drop_id, trace::NodeId from) {
    const trace::Event& e = trace_[drop_id];
    const auto& nodes = trace_.topology.nodes;
    if (options_.hosts_only && e.pdu < trace_.pdu_count() &&
        trace_.pdu(e.pdu).format == trace::PduFormat::ethernet) {
        const auto bytes = trace_.pdu_bytes(e.pdu);
        if (bytes.size() >= 6) {
            for (std::size_t n = 0; n < nodes.size(); ++n)
                if (!nodes[n].is_switch && n != from &&
                    std::equal(nodes[n].mac.begin(), nodes[n].mac.end(), bytes.begin()))
                    return static_cast<trace::NodeId>(n);
        }
    }
    if (e.link < trace_.topology.links.size()) {
        const auto& link = trace_.topology.links[e.link];
        const trace::NodeId far =
            e.cause < trace_.size() && trace_[e.cause].kind == trace::Kind::tx_start
                ? (trace_[e.cause].node == link.a ? link.b : link.a)
                : (e.node == link.a ? link.b : link.a);
        if (far != from && lane_of(far) >= 0) return far;
    }
    if (lanes_.size() == 2) return lanes_[0] == from ? lanes_[1] : lanes_[0];
    return trace::no_node;
}

bool LadderPrinter::is_broadcast(trace::PduId pdu) const {
    if (pdu >= trace_.pdu_count() || trace_.pdu(pdu).format != trace::PduFormat::ethernet)
        return false;
    const auto bytes = trace_.pdu_bytes(pdu);
    return bytes.size() >= 6 &&
           std::equal(wire::broadcast_mac.begin(), wire::broadcast_mac.end(), bytes.begin());
}

std::string LadderPrinter::time_column(Time t) {
    if (t == last_time_) return std::string(time_width, ' ');
    last_time_ = t;
    char buf[32];
    if (t < seconds(10))
        std::snprintf(buf, sizeof buf, "%8.3f ms", static_cast<double>(t) / 1e6);
    else
        std::snprintf(buf, sizeof buf, "%8.3f s ", static_cast<double>(t) / 1e9);
    return buf;
}

void LadderPrinter::print_header(std::ostream& out) {
    if (compact_) {
        Canvas c(options_.width);
        std::string names;
        for (auto n : lanes_)
            names += (names.empty() ? "" : ", ") + node_name(n);
        c.put(lane_start,
              fit(std::to_string(lanes_.size()) + " hosts: " + names, options_.width - lane_start),
              color::name);
        out << c.render(options_.color) << '\n';
        return;
    }
    Canvas names(options_.width), addrs(options_.width), lines(options_.width);
    bool any_ip = false;
    for (std::size_t i = 0; i < lanes_.size(); ++i) {
        const auto& node = trace_.topology.nodes[lanes_[i]];
        const int col = lane_start + lane_column_[i];
        names.put(col - columns(node.name) / 2, node.name, color::name);
        const std::string ip = node.is_switch ? "(switch)"
                               : node.ip      ? wire::format_ipv4(node.ip)
                                              : "";
        any_ip = any_ip || !ip.empty();
        addrs.put(col - columns(ip) / 2, ip, color::time);
        lines.put(col, "│", color::lifeline);
    }
    out << names.render(options_.color) << '\n';
    if (any_ip) out << addrs.render(options_.color) << '\n';
    out << lines.render(options_.color) << '\n';
}

void LadderPrinter::print_arrow(std::ostream& out, Time t, trace::NodeId from, trace::NodeId to,
                                trace::PduId pdu, Time sent, const std::string* lost,
                                bool broadcast) {
    const wire::Dissection& d = dissection(pdu);
    const char* c = lost ? color::drop : protocol_color(d.protocol);
    const std::string flight = t > sent ? format_ms(t - sent) : "";
    Canvas canvas(options_.width);
    canvas.put(0, time_column(t), color::time);
    const int a = lane_of(from), b = lane_of(to);
    if (compact_ || a < 0 || b < 0) {
        std::string text = node_name(from) + " → " +
                           (broadcast              ? "all"
                            : to == trace::no_node ? "?"
                                                   : node_name(to)) +
                           "  ";
        std::string label = d.summary;
        if (lost)
            label += "  ✗ " + *lost;
        else if (!flight.empty())
            label += "  (" + flight + ")";
        canvas.put(lane_start, fit(text + label, options_.width - lane_start), c);
        out << canvas.render(options_.color) << '\n';
        return;
    }
    for (std::size_t i = 0; i < lanes_.size(); ++i)
        canvas.put(lane_start + lane_column_[i], "│", color::lifeline);
    const bool rightward = a < b;
    const int ca = lane_start + lane_column_[static_cast<std::size_t>(a)];
    const int cb = lane_start + lane_column_[static_cast<std::size_t>(b)];
    // A lost frame's arrow stops two thirds of the way, at the ✗.
    int stop = lost ? (rightward ? ca + (cb - ca) * 2 / 3 : ca - (ca - cb) * 2 / 3) : 0;
    const int dash_lo = rightward ? ca + 1 : (lost ? stop + 1 : cb + 2);
    const int dash_hi = rightward ? (lost ? stop - 1 : cb - 2) : ca - 1;
    for (int col = dash_lo; col <= dash_hi; ++col)
        canvas.put(col, "─", c);
    canvas.put(ca, rightward ? "├" : "┤", c);
    if (lost)
        canvas.put(stop, "✗", color::drop);
    else
        canvas.put(rightward ? cb - 1 : cb + 1, rightward ? "▶" : "◀", c);

    std::string label = broadcast ? d.summary + " (broadcast)" : d.summary;
    const int room = dash_hi - dash_lo + 1 - 4; // a dash and a space kept on each side
    std::string extra;
    if (lost) {
        // The reason goes beyond the ✗ when it fits there, otherwise into the label.
        // (it may cross the receiver's lifeline: the frame never got there).
        const int beyond = rightward ? options_.width - stop - 2 : stop - lane_start - 1;
        if (columns(label) > room && columns(label) + 3 + columns(*lost) <= beyond) {
            extra = label + " — " + *lost; // the arrow is short: all of it beyond the ✗
            label.clear();
        } else if (columns(*lost) <= beyond) {
            extra = *lost;
        } else {
            label += " ✗ " + *lost;
        }
    } else if (columns(label) > room) {
        // Too long for the arrow (many lanes): beside it, over the lifelines not involved,
        // when it fits there whole.
        const int lo = std::min(ca, cb), hi = std::max(ca, cb);
        const int right_room = options_.width - hi - 2, left_room = lo - lane_start - 2;
        if (std::max(right_room, left_room) >= columns(label)) {
            const bool on_right = right_room >= left_room;
            const int side_room = on_right ? right_room : left_room;
            if (!flight.empty() && columns(label) + 3 + columns(flight) <= side_room)
                label += " · " + flight;
            label = fit(label, side_room);
            canvas.put(on_right ? hi + 2 : lo - 1 - columns(label), label, c);
            label.clear();
        }
    } else if (!flight.empty() && columns(label) + 3 + columns(flight) <= room) {
        label += " · " + flight;
    }
    if (!label.empty()) {
        label = fit(label, room);
        const int label_col = dash_lo + 2 + (room - columns(label)) / 2;
        canvas.put(label_col - 1, " " + label + " ", c);
    }
    if (!extra.empty())
        canvas.put(rightward ? stop + 2 : stop - 1 - columns(extra), extra, color::drop);
    if (broadcast) // every lifeline the arrow crosses receives the frame too
        for (int lane = std::min(a, b) + 1; lane < std::max(a, b); ++lane) {
            const int col = lane_start + lane_column_[static_cast<std::size_t>(lane)];
            if (canvas.at(col) == "─") canvas.put(col, "┼", c);
        }
    out << canvas.render(options_.color) << '\n';
}

void LadderPrinter::print_note(std::ostream& out, Time t, trace::NodeId node,
                               const std::string& text, const char* c) {
    Canvas canvas(options_.width);
    canvas.put(0, time_column(t), color::time);
    const int lane = lane_of(node);
    const std::string full = node_name(node) + ": " + text;
    if (compact_ || lane < 0) {
        canvas.put(lane_start, fit(full, options_.width - lane_start), c);
        out << canvas.render(options_.color) << '\n';
        return;
    }
    for (std::size_t i = 0; i < lanes_.size(); ++i)
        canvas.put(lane_start + lane_column_[i], "│", color::lifeline);
    const int col = lane_start + lane_column_[static_cast<std::size_t>(lane)];
    canvas.put(col, "●", c);
    // The note stays between the neighbouring lifelines when it fits there, so they remain
    // unbroken; otherwise it crosses them rather than lose its words.
    const auto lane_index = static_cast<std::size_t>(lane);
    const int right_end = lane_index + 1 < lanes_.size()
                              ? lane_start + lane_column_[lane_index + 1] - 1
                              : options_.width;
    const int left_end =
        lane_index > 0 ? lane_start + lane_column_[lane_index - 1] + 1 : lane_start;
    const int n = columns(full);
    const int right_all = options_.width - col - 2, left_all = col - lane_start - 1;
    const bool right = n <= right_end - col - 3  ? true
                       : n <= col - left_end - 2 ? false
                                                 : right_all >= std::min(n, left_all);
    if (right) {
        canvas.put(col + 2, fit(full, right_all), c);
    } else {
        const std::string s = fit(full, left_all);
        canvas.put(col - 1 - columns(s), s, c);
    }
    out << canvas.render(options_.color) << '\n';
}

void LadderPrinter::print_wide(std::ostream& out, Time t, const std::string& mark,
                               const std::string& text, const char* c) {
    const int room = options_.width - lane_start - columns(mark);
    bool first = true;
    for (const auto& line : wrap(text, room)) {
        Canvas canvas(options_.width);
        canvas.put(0, first ? time_column(t) : std::string(time_width, ' '), color::time);
        canvas.put(lane_start,
                   first ? mark : std::string(static_cast<std::size_t>(columns(mark)), ' '), c);
        canvas.put(lane_start + columns(mark), line, c);
        out << canvas.render(options_.color) << '\n';
        first = false;
    }
}

void LadderPrinter::print_event(std::ostream& out, trace::EventId id) {
    using trace::Kind;
    const trace::Event& e = trace_[id];
    const std::string text = e.text != trace::no_text ? std::string(trace_.text(e.text)) : "";
    switch (e.kind) {
    case Kind::arrive: {
        if (options_.hosts_only && is_switch(e.node)) return;
        Origin o = origin(id);
        if (!options_.hosts_only || o.node == trace::no_node)
            o.node = static_cast<trace::NodeId>(e.aux);
        if (o.node == e.node) return;
        // A switch floods a frame for a MAC it has not learned yet to every port: the copies
        // that reach the wrong hosts are dropped there (see the drop notes), not messages to
        // them, so they get no arrow.
        if (options_.hosts_only && e.pdu != trace::no_pdu && !is_broadcast(e.pdu)) {
            auto bytes = trace_.pdu_bytes(e.pdu);
            const auto& mac = trace_.topology.nodes[e.node].mac;
            if (bytes.size() >= 6 && !std::equal(mac.begin(), mac.end(), bytes.begin())) return;
        }
        // With more than two hosts, a broadcast reaches them all at about the same time: one
        // arrow across every lifeline says it better than one per receiver.
        if (options_.hosts_only && lanes_.size() > 2 && is_broadcast(e.pdu) &&
            lane_of(o.node) >= 0) {
            if (!broadcasts_shown_.insert({e.pdu, o.node}).second) return;
            const int a = lane_of(o.node);
            const auto far = static_cast<std::size_t>(
                a + 1 < static_cast<int>(lanes_.size()) ? lanes_.size() - 1 : 0);
            print_arrow(out, e.time, o.node, lanes_[far], e.pdu, o.sent, nullptr, true);
            return;
        }
        print_arrow(out, e.time, o.node, e.node, e.pdu, o.sent, nullptr);
        return;
    }
    case Kind::drop: {
        std::string reason = trace::to_string(e.reason);
        if (!text.empty()) reason += " (" + text + ")";
        const bool on_wire = e.link != trace::no_link || (options_.hosts_only && is_switch(e.node));
        if (on_wire) {
            Origin o = origin(id);
            if (o.node == trace::no_node) o = {e.node, e.time};
            const trace::NodeId to = intended_receiver(id, o.node);
            if (to != trace::no_node && to != o.node) {
                print_arrow(out, e.time, o.node, to, e.pdu, o.sent, &reason);
                return;
            }
        }
        if (options_.quiet && e.reason == trace::DropReason::not_for_me) return; // flooding's noise
        const std::string what = e.pdu != trace::no_pdu ? dissection(e.pdu).summary + " " : "";
        print_note(out, e.time, e.node, "✗ dropped " + what + "— " + reason, color::drop);
        return;
    }
    case Kind::link_state: {
        const std::string name =
            e.link < trace_.topology.links.size() ? trace_.topology.links[e.link].name : "link";
        print_wide(out, e.time, "⚡ ", "link " + name + (e.aux ? " is up again" : " is cut"),
                   color::drop);
        return;
    }
    default: break;
    }
    if (options_.quiet) return;
    switch (e.kind) {
    case Kind::state: print_note(out, e.time, e.node, text, color::state); return;
    case Kind::app: print_note(out, e.time, e.node, text, color::app); return;
    case Kind::message: {
        const std::string s = !text.empty() ? text : dissection(e.pdu).summary;
        print_note(out, e.time, e.node, s,
                   e.pdu != trace::no_pdu ? protocol_color(dissection(e.pdu).protocol)
                                          : color::app);
        return;
    }
    case Kind::narration: print_wide(out, e.time, "» ", text, color::narration); return;
    case Kind::input:
        print_wide(out, e.time, "▷ ", text.empty() ? "input" : text, color::app);
        return;
    case Kind::quiz:
        print_wide(out, e.time, "? ",
                   "quiz " + std::to_string(e.aux + 1) + (text.empty() ? "" : ": " + text),
                   color::narration);
        return;
    default: return; // pdu_down, pdu_up, tx_start: the arrows already tell it
    }
}

void LadderPrinter::print_new(std::ostream& out) {
    if (!header_done_) {
        layout();
        print_header(out);
        header_done_ = true;
    }
    for (; next_ < trace_.size(); ++next_)
        print_event(out, static_cast<trace::EventId>(next_));
    out.flush();
}

std::string ladder_text(const trace::Trace& trace, LadderOptions options) {
    std::ostringstream out;
    LadderPrinter(trace, options).print_new(out);
    return out.str();
}

} // namespace wirelab::exporter
