// The terminal ladder (sequence) diagram: the trace as a teacher reads it on a projector or
// in a terminal while the simulation runs. One lifeline per host, one line per thing that
// happened: frames as arrows labelled with their dissected summary (drawn when they arrive),
// losses as arrows ending in ✗, state changes and application events on the lifeline,
// narration as wrapped "» " lines. Reads the trace only (DESIGN.md, idea 4).
//   trace::Trace -> LadderPrinter::print_new() -> std::ostream (ANSI colours optional)
#pragma once

#include "sim/trace/trace.hpp"
#include "sim/wire/dissect.hpp"

#include <cstddef>
#include <iosfwd>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace wirelab::exporter {

struct LadderOptions {
    bool color = true;      // = true   // ANSI colours per protocol; false for files and tests
    bool quiet = false;     // = false  // only frames (arrows and losses): no state, app, narration
    bool hosts_only = true; // = true   // one arrow host→host; false draws every switch hop
    int width = 100;        // = 100    // columns of the whole line, time column included
    std::size_t max_lifelines = 6; // = 6 // more lanes than this: compact "a → b: summary" rows
};

class LadderPrinter {
public:
    LadderPrinter(const trace::Trace& trace, LadderOptions options);

    // Prints the header (on the first call) and every event appended to the trace since the
    // last call. The CLI calls it after each step of the simulation; call it once at the end
    // for a finished trace.
    void print_new(std::ostream& out);

private:
    struct Origin {
        trace::NodeId node = trace::no_node;
        Time sent = 0;
    };
    void layout();
    const wire::Dissection& dissection(trace::PduId pdu);
    Origin origin(trace::EventId id) const;
    bool is_switch(trace::NodeId node) const;
    bool is_broadcast(trace::PduId pdu) const;
    int lane_of(trace::NodeId node) const;
    trace::NodeId intended_receiver(trace::EventId drop_id, trace::NodeId from);
    std::string node_name(trace::NodeId node) const;
    std::string time_column(Time t);

    void print_header(std::ostream& out);
    void print_event(std::ostream& out, trace::EventId id);
    void print_arrow(std::ostream& out, Time t, trace::NodeId from, trace::NodeId to,
                     trace::PduId pdu, Time sent, const std::string* lost, bool broadcast = false);
    void print_note(std::ostream& out, Time t, trace::NodeId node, const std::string& text,
                    const char* color);
    void print_wide(std::ostream& out, Time t, const std::string& mark, const std::string& text,
                    const char* color);

    const trace::Trace& trace_;
    LadderOptions options_;
    std::vector<trace::NodeId> lanes_; // nodes with a lifeline, left to right
    std::vector<int> lane_column_;     // their columns, relative to the lane area
    std::vector<int> node_lane_;       // node id -> lane index, -1 when not drawn
    bool compact_ = false;
    bool header_done_ = false;
    std::size_t next_ = 0;
    Time last_time_ = -1;
    std::unordered_map<trace::PduId, wire::Dissection> dissections_;
    std::set<std::pair<trace::PduId, trace::NodeId>> broadcasts_shown_; // (frame, sender) drawn
};

// The whole trace as one string (a finished trace: header and every event).
std::string ladder_text(const trace::Trace& trace, LadderOptions options);

} // namespace wirelab::exporter
