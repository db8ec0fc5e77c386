// The ladder (sequence) diagram as data: one lifeline per node, left to right as the topology
// lays them out; one arrow per frame on a link, from its send to its arrival (or its loss);
// state changes and application events as notes on the lifelines. The view maps time to y and
// draws only the rows near the playhead (binary search on the sorted times).
//   FlightIndex + Layout + trace -> LadderModel -> ladder view, SVG export
#pragma once

#include "ui/model/flights.hpp"
#include "ui/model/layout.hpp"

#include <string_view>
#include <vector>

namespace wirelab::ui {

struct LadderArrow {
    std::uint32_t flight = 0; // index into FlightIndex::all()
    int from_lane = 0, to_lane = 0;
    Time t0 = 0, t1 = 0; // send, arrival (or drop)
};

struct LadderNote {
    trace::EventId event = trace::no_event;
    int lane = 0;
    Time time = 0;
    trace::Kind kind = trace::Kind::state;
    std::string_view text;
};

struct LadderModel {
    std::vector<trace::NodeId> lanes; // nodes, left to right
    std::vector<int> lane_of;         // by NodeId, -1 when not drawn
    std::vector<LadderArrow> arrows;  // sorted by t0
    std::vector<LadderNote> notes;    // sorted by time

    // Index ranges of the arrows / notes that overlap the time window [t0, t1].
    std::pair<std::size_t, std::size_t> arrows_in(Time t0, Time t1, Time longest) const;
    std::pair<std::size_t, std::size_t> notes_in(Time t0, Time t1) const;
};

LadderModel build_ladder(const trace::Trace& trace, const FlightIndex& flights,
                         const Layout& layout);

} // namespace wirelab::ui
