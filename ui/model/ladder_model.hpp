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

namespace wirelab::ui {

// The ladder's vertical axis: simulated time in "units" of a typical flight, with quiet gaps
// squeezed to at most `max_gap` units so a 1 s timeout does not push the lost frame off the
// panel before its retransmission appears. Linear between consecutive moments something
// happened, so each arrow keeps its real slope when no gap is squeezed inside it.
class LadderAxis {
public:
    LadderAxis() = default;
    LadderAxis(const LadderModel& model, Time unit, double max_gap);
    double at(Time t) const;      // monotone
    Time time_at(double u) const; // its inverse (the earliest such time)
    // True when the gap containing t (between two moments) was squeezed; its real length.
    bool squeezed(Time t, Time* gap = nullptr) const;
    Time unit() const { return unit_; }
    // The squeezed gaps (start, end) that overlap [t0, t1], at most `limit` of them.
    std::vector<std::pair<Time, Time>> gaps_in(Time t0, Time t1, std::size_t limit = 32) const;

private:
    std::vector<Time> keys_;  // sorted, unique
    std::vector<double> pos_; // at(keys_[i])
    Time unit_ = 1;
    double max_gap_ = 3;
};

} // namespace wirelab::ui
