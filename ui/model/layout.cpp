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
        const trace::NodeId sw = switches[0];
        out.nodes[sw] = {0.5f, 0.5f};
        if (hosts.size() <= 12) {
            // Clients on the left, the server (by convention the last host declared, or the one
            // named "server") on the right.
            trace::NodeId server = hosts.back();
            for (auto h : hosts)
                if (topology.nodes[h].name.find("server") != std::string::npos) server = h;
            std::vector<trace::NodeId> left;
            for (auto h : hosts)
                if (h != server) left.push_back(h);
            column(out, left, 0.12f, left.size() > 1 ? 0.12f : 0.5f,
                   left.size() > 1 ? 0.88f : 0.5f);
            column(out, {server}, 0.88f, 0.5f, 0.5f);
            return out;
        }
        circle(out, hosts, {0.5f, 0.5f}, 0.44f);
        out.round = true;
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
