// Where each node of the topology is drawn, in a unit square ([0,1] x [0,1], y down), chosen
// automatically from the topology alone:
//   - two hosts: client left, server right;
//   - hosts around one switch: the hosts that only talk to the switch on the left (clients)
//     and the last host right (the server) when there are few; a circle around the switch
//     (a star) when there are many (100+ fits);
//   - two to four switches, each with its own few hosts: one such star per region (two side
//     by side, more in horizontal bands);
//   - anything else: nodes on a circle, switches inside.
// The view scales and pans these positions; nothing here knows about pixels.
#pragma once

#include "sim/trace/trace.hpp"

#include <string>
#include <vector>

namespace wirelab::ui {

struct Point {
    float x = 0, y = 0;
};

struct Layout {
    std::vector<Point> nodes;  // by NodeId
    float node_radius = 0.05f; // suggested radius, shrinks as nodes grow in number
    bool round = false;        // nodes on a circle: draw with the same scale on both axes
};

Layout layout_topology(const trace::Topology& topology);

// The layouts' convention for a star's server: a host whose name says "server".
inline bool named_server(const trace::Node& n) {
    return !n.is_switch && n.name.find("server") != std::string::npos;
}

} // namespace wirelab::ui
