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

namespace wirelab::ui {

LadderAxis::LadderAxis(const LadderModel& model, Time unit, double max_gap)
    : unit_(std::max<Time>(unit, 1)), max_gap_(max_gap) {
    keys_.reserve(model.arrows.size() * 2 + model.notes.size());
    for (const auto& a : model.arrows) {
        keys_.push_back(a.t0);
        keys_.push_back(a.t1);
    }
    for (const auto& n : model.notes)
        keys_.push_back(n.time);
    std::sort(keys_.begin(), keys_.end());
    keys_.erase(std::unique(keys_.begin(), keys_.end()), keys_.end());
    pos_.resize(keys_.size());
    double u = 0;
    for (std::size_t i = 0; i < keys_.size(); ++i) {
        if (i > 0) u += std::min(static_cast<double>(keys_[i] - keys_[i - 1]) / unit_, max_gap_);
        pos_[i] = u;
    }
}

double LadderAxis::at(Time t) const {
    if (keys_.empty()) return static_cast<double>(t) / unit_;
    const auto it = std::upper_bound(keys_.begin(), keys_.end(), t);
    if (it == keys_.begin()) // before the first moment: squeezed like a gap
        return pos_.front() - std::min(static_cast<double>(keys_.front() - t) / unit_, max_gap_);
    const std::size_t i = static_cast<std::size_t>(it - keys_.begin()) - 1;
    const double since = static_cast<double>(t - keys_[i]);
    if (i + 1 == keys_.size()) return pos_[i] + std::min(since / unit_, max_gap_);
    const double gap = static_cast<double>(keys_[i + 1] - keys_[i]);
    return pos_[i] + since / gap * (pos_[i + 1] - pos_[i]);
}

Time LadderAxis::time_at(double u) const {
    if (keys_.empty()) return static_cast<Time>(u * unit_);
    const auto it = std::upper_bound(pos_.begin(), pos_.end(), u);
    if (it == pos_.begin())
        return keys_.front() - static_cast<Time>(std::min(pos_.front() - u, max_gap_) * unit_);
    const std::size_t i = static_cast<std::size_t>(it - pos_.begin()) - 1;
    if (i + 1 == pos_.size()) return keys_[i] + static_cast<Time>((u - pos_[i]) * unit_);
    const double span = pos_[i + 1] - pos_[i];
    if (span <= 0) return keys_[i];
    return keys_[i] +
           static_cast<Time>((u - pos_[i]) / span * static_cast<double>(keys_[i + 1] - keys_[i]));
}

bool LadderAxis::squeezed(Time t, Time* gap) const {
    if (keys_.empty()) return false;
    const auto it = std::upper_bound(keys_.begin(), keys_.end(), t);
    // Before the first moment or after the last, the "gap" runs to t.
    const Time g = it == keys_.begin() ? keys_.front() - t
                   : it == keys_.end() ? t - keys_.back()
                                       : *it - *(it - 1);
    if (gap) *gap = g;
    return static_cast<double>(g) / unit_ > max_gap_;
}

std::vector<std::pair<Time, Time>> LadderAxis::gaps_in(Time t0, Time t1, std::size_t limit) const {
    std::vector<std::pair<Time, Time>> out;
    auto it = std::upper_bound(keys_.begin(), keys_.end(), t0);
    if (it != keys_.begin()) --it;
    for (; it != keys_.end() && it + 1 != keys_.end() && *it <= t1 && out.size() < limit; ++it)
        if (static_cast<double>(*(it + 1) - *it) / unit_ > max_gap_)
            out.emplace_back(*it, *(it + 1));
    return out;
}

} // namespace wirelab::ui
