// Which PDUs are on which link at time t, and how far along. Built once per trace from its
// tx_start events and the arrive/drop event each one caused (DESIGN.md, idea 4).
//
// A frame of L bits on a link of bandwidth B and delay D, sent at s: its first bit leaves at
// s and arrives at s + D; its last bit leaves at s + L/B (the tx_start's aux) and arrives at
// s + L/B + D. So on the wire it is a segment whose head is at (t - s) / D and whose tail is
// at (t - s - L/B) / D of the way: serialization is its length, propagation is its travel.
//   trace::Trace -> FlightIndex -> in_flight(t) -> topology view; all() -> ladder
#pragma once

#include "sim/trace/trace.hpp"

#include <cstdint>
#include <vector>

namespace wirelab::ui {

struct Flight {
    trace::EventId tx = trace::no_event;        // the tx_start
    trace::EventId end_event = trace::no_event; // its arrive or drop (no_event: still going)
    trace::PduId pdu = trace::no_pdu;
    trace::LinkId link = trace::no_link;
    trace::NodeId from = trace::no_node, to = trace::no_node;
    Time start = 0, serialization = 0, delay = 0;
    Time end = 0; // arrival of the last bit (or when the drop was recorded)
    bool dropped = false;
    trace::DropReason reason = trace::DropReason::none;
};

struct InFlight {
    std::uint32_t flight = 0; // index into FlightIndex::all()
    float head = 0, tail = 0; // 0 = at `from`, 1 = at `to`; tail <= head
};

// A drop that is not the end of a flight (queue overflow, a frame not for this host, no
// route...): where it happened, to show it for a moment.
struct DropMark {
    trace::EventId event = trace::no_event;
    Time time = 0;
    trace::NodeId node = trace::no_node;
    trace::LinkId link = trace::no_link;
    trace::PduId pdu = trace::no_pdu;
    trace::DropReason reason = trace::DropReason::none;
};

class FlightIndex {
public:
    explicit FlightIndex(const trace::Trace& trace);

    const std::vector<Flight>& all() const { return flights_; }   // sorted by start
    const std::vector<DropMark>& drops() const { return drops_; } // every drop event, in time order

    // Appends to `out` every flight on a link at t (start <= t < end), with its fractions.
    void in_flight(Time t, std::vector<InFlight>& out) const;
    // Index of the flight whose tx_start is `tx`, or -1.
    int find_by_tx(trace::EventId tx) const;
    // The flight carrying `pdu` first (a PDU forwarded by a switch has one per hop), or -1.
    int find_by_pdu(trace::PduId pdu) const;

private:
    std::vector<Flight> flights_;
    std::vector<DropMark> drops_;
    Time longest_ = 0; // the longest flight: in_flight() looks back no further than this
};

} // namespace wirelab::ui
