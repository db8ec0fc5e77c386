// Automatic topology layout (see layout.hpp).
#include "ui/model/layout.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace wirelab::ui {

namespace {

// n points evenly spread on a vertical segment at x, between y0 and y1.
void column(Layout& out, const std::vector<trace::NodeId>& ids, float x, float y0, float y1) {
    for (std::size_t i = 0; i < ids.size(); ++i) {
        float y = ids.size() == 1 ? (y0 + y1) / 2
                                  : y0 + (y1 - y0) * static_cast<float>(i) / (ids.size() - 1);
        out.nodes[ids[i]] = {x, y};
    }
}

void circle(Layout& out, const std::vector<trace::NodeId>& ids, Point c, float r) {
    const float n = static_cast<float>(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        // Start at the left (a client's side) and go round clockwise.
        float a = std::numbers::pi_v<float> + 2 * std::numbers::pi_v<float> * i / n;
        out.nodes[ids[i]] = {c.x + r * std::cos(a), c.y + r * std::sin(a)};
    }
}

// A classroom around one switch: the server (named so) alone at the left of the ring, the
// clients round the rest of it clockwise, with an empty arc either side of the server so that
// its name and address, and the frames on its neighbours' links, stay clear of one another.
void ring_with_server(Layout& out, const std::vector<trace::NodeId>& clients, trace::NodeId server,
                      Point c, float r) {
    constexpr float pi = std::numbers::pi_v<float>;
    constexpr float gap = pi / 7; // ~26 degrees each side
    out.nodes[server] = {c.x - r, c.y};
    const float n = static_cast<float>(clients.size());
    for (std::size_t i = 0; i < clients.size(); ++i) {
        const float t = n > 1 ? static_cast<float>(i) / (n - 1) : 0.5f;
        const float a = pi + gap + (2 * pi - 2 * gap) * t;
        out.nodes[clients[i]] = {c.x + r * std::cos(a), c.y + r * std::sin(a)};
    }
}

// One star in the horizontal band [y0, y1]: the hosts that only talk to the switch on the
// left (clients), the server (by convention the one named "server", else the last host
// declared) on the right.
void star_columns(Layout& out, const trace::Topology& topology,
                  const std::vector<trace::NodeId>& hosts, float x0, float x1, float y0, float y1) {
    if (hosts.empty()) return;
    trace::NodeId server = hosts.back();
    for (auto h : hosts)
        if (named_server(topology.nodes[h])) server = h;
    std::vector<trace::NodeId> left;
    for (auto h : hosts)
        if (h != server) left.push_back(h);
    const float w = x1 - x0, h = y1 - y0, mid = (y0 + y1) / 2;
    if (left.size() > 1)
        column(out, left, x0 + 0.12f * w, y0 + 0.12f * h, y1 - 0.12f * h);
    else
        column(out, left, x0 + 0.12f * w, mid, mid);
    column(out, {server}, x1 - 0.12f * w, mid, mid);
}

} // namespace

Layout layout_topology(const trace::Topology& topology) {
    Layout out;
    const std::size_t n = topology.nodes.size();
    out.nodes.assign(n, {0.5f, 0.5f});
    if (n == 0) return out;

    std::vector<trace::NodeId> hosts, switches;
    for (trace::NodeId i = 0; i < n; ++i)
        (topology.nodes[i].is_switch ? switches : hosts).push_back(i);
    out.node_radius =
        std::clamp(0.4f / static_cast<float>(std::max<std::size_t>(hosts.size(), 1)), 0.008f, 0.1f);

    if (switches.empty() && hosts.size() <= 2) {
        column(out, {hosts[0]}, 0.08f, 0.5f, 0.5f);
        if (hosts.size() == 2) column(out, {hosts[1]}, 0.92f, 0.5f, 0.5f);
        return out;
    }
    if (switches.size() == 1) {
        out.nodes[switches[0]] = {0.5f, 0.5f};
        if (hosts.size() <= 12) {
            star_columns(out, topology, hosts, 0.0f, 1.0f, 0.0f, 1.0f);
            return out;
        }
        const auto server = std::find_if(hosts.begin(), hosts.end(), [&](trace::NodeId h) {
            return named_server(topology.nodes[h]);
        });
        if (server == hosts.end()) {
            circle(out, hosts, {0.5f, 0.5f}, 0.44f);
        } else {
            const trace::NodeId id = *server;
            hosts.erase(server);
            ring_with_server(out, hosts, id, {0.5f, 0.5f}, 0.44f);
        }
        out.round = true;
        return out;
    }
    // Several switches, each host on one of them (two classrooms side by side): one region
    // per switch, each laid out like a single star: two side by side (the view is wide),
    // three or four in bands from top to bottom.
    std::vector<std::vector<trace::NodeId>> groups(switches.size());
    bool grouped = true;
    for (const auto h : hosts) {
        int found = -1;
        for (const auto& l : topology.links) {
            const trace::NodeId other = l.a == h ? l.b : l.b == h ? l.a : trace::no_node;
            for (std::size_t k = 0; k < switches.size(); ++k)
                if (other == switches[k]) found = static_cast<int>(k);
        }
        if (found < 0)
            grouped = false;
        else
            groups[static_cast<std::size_t>(found)].push_back(h);
    }
    bool small = true;
    for (const auto& g : groups)
        small = small && g.size() <= 12;
    if (grouped && small && switches.size() <= 4) {
        const bool side_by_side = switches.size() == 2;
        const float share = 1.0f / static_cast<float>(switches.size());
        for (std::size_t k = 0; k < switches.size(); ++k) {
            const float a = share * static_cast<float>(k), b = a + share;
            const float x0 = side_by_side ? a : 0.0f, x1 = side_by_side ? b : 1.0f;
            const float y0 = side_by_side ? 0.0f : a, y1 = side_by_side ? 1.0f : b;
            out.nodes[switches[k]] = {(x0 + x1) / 2, (y0 + y1) / 2};
            star_columns(out, topology, groups[k], x0, x1, y0, y1);
        }
        return out;
    }
    // General case: hosts on a circle, switches on a smaller one inside.
    circle(out, hosts, {0.5f, 0.5f}, 0.44f);
    out.round = true;
    if (switches.size() == 1)
        out.nodes[switches[0]] = {0.5f, 0.5f};
    else if (!switches.empty())
        circle(out, switches, {0.5f, 0.5f}, 0.2f);
    return out;
}

} // namespace wirelab::ui
