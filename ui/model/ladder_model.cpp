// Ladder rows from the trace (see ladder_model.hpp).
#include "ui/model/ladder_model.hpp"

#include <algorithm>
#include <numeric>

namespace wirelab::ui {

LadderModel build_ladder(const trace::Trace& trace, const FlightIndex& flights,
                         const Layout& layout) {
    LadderModel m;
    const auto& nodes = trace.topology.nodes;
    m.lanes.resize(nodes.size());
    std::iota(m.lanes.begin(), m.lanes.end(), trace::NodeId{0});
    std::stable_sort(m.lanes.begin(), m.lanes.end(), [&](trace::NodeId a, trace::NodeId b) {
        return layout.nodes[a].x < layout.nodes[b].x;
    });
    m.lane_of.assign(nodes.size(), -1);
    for (std::size_t i = 0; i < m.lanes.size(); ++i)
        m.lane_of[m.lanes[i]] = static_cast<int>(i);

    const auto& all = flights.all();
    for (std::uint32_t i = 0; i < all.size(); ++i) {
        const auto& f = all[i];
        if (f.from >= nodes.size() || f.to >= nodes.size()) continue;
        m.arrows.push_back({i, m.lane_of[f.from], m.lane_of[f.to], f.start, f.end});
    }
    const auto events = trace.events();
    for (trace::EventId id = 0; id < events.size(); ++id) {
        const auto& e = events[id];
        // TCP and WebSocket states (not ARP cache updates) and application events.
        const bool state = e.kind == trace::Kind::state && e.layer >= 4;
        // (Message events repeat what the arrows' labels already say: left out.)
        if ((state || e.kind == trace::Kind::app) && e.node < nodes.size() &&
            e.text != trace::no_text)
            m.notes.push_back({id, m.lane_of[e.node], e.time, e.kind, trace.text(e.text)});
    }
    return m;
}

std::pair<std::size_t, std::size_t> LadderModel::arrows_in(Time t0, Time t1, Time longest) const {
    auto lo = std::lower_bound(arrows.begin(), arrows.end(), t0 - longest,
                               [](const LadderArrow& a, Time v) { return a.t0 < v; });
    auto hi = std::upper_bound(arrows.begin(), arrows.end(), t1,
                               [](Time v, const LadderArrow& a) { return v < a.t0; });
    return {static_cast<std::size_t>(lo - arrows.begin()),
            static_cast<std::size_t>(hi - arrows.begin())};
}

std::pair<std::size_t, std::size_t> LadderModel::notes_in(Time t0, Time t1) const {
    auto lo = std::lower_bound(notes.begin(), notes.end(), t0,
                               [](const LadderNote& n, Time v) { return n.time < v; });
    auto hi = std::upper_bound(notes.begin(), notes.end(), t1,
                               [](Time v, const LadderNote& n) { return v < n.time; });
    return {static_cast<std::size_t>(lo - notes.begin()),
            static_cast<std::size_t>(hi - notes.begin())};
}

} // namespace wirelab::ui
