// The OSI stack of one host as the studio draws it: seven OSI layers beside the four layers
// of the TCP/IP model, the real protocol at each (from the host's stage names), and which
// layer a PDU is crossing at time t, so the view can light it and show the header being
// added going down (encapsulation) or removed going up.
//
// A host hands a PDU through all its layers at one simulated instant. To let the eye follow
// it, a descent is spread over the `dwell` before the frame leaves (the trace is complete, so
// the model may look ahead), and an ascent over the `dwell` after it arrives.
//   trace::Trace -> StackIndex (once) -> activity(node, t, dwell) -> osi_stack view
#pragma once

#include "sim/trace/trace.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wirelab::ui {

struct OsiRow {
    std::uint8_t layer = 0;    // 1..7
    const char* osi_name = ""; // "Transport"
    std::uint8_t tcpip = 0;    // 1 Link, 2 Internet, 3 Transport, 4 Application
    std::string protocol;      // "TCP", "Ethernet II + ARP", "" when the host does not model it
};
const char* tcpip_name(std::uint8_t tcpip_layer); // "Link", "Internet", "Transport", "Application"

// Rows from layer 7 (top) down to 1, for a host with these stage names (bottom-up).
// A switch (is_switch) works at layers 1 and 2 only: it forwards frames by MAC address.
std::array<OsiRow, 7> osi_rows(const std::vector<std::string>& stack, bool is_switch = false);

// One PDU handed through consecutive layers of one host at one instant.
struct StackPass {
    Time time = 0;
    trace::PduId pdu = trace::no_pdu;
    bool down = true;                 // down = sending (encapsulating)
    std::vector<std::uint8_t> layers; // in the order crossed: 7..1 down, 1..7 up
    // Where its display window lies, in units of `dwell` relative to `time`: a descent ends as the
    // frame leaves (-1..0), an ascent starts as it arrives (0..1). A reply sent at the very
    // instant a frame arrived waits for that ascent: the two share 0..1 (0..0.5, then 0.5..1).
    float window_begin = 0, window_end = 1;
};

struct StackActivity {
    const StackPass* pass = nullptr;
    int lit = 0;        // index into pass->layers of the layer lit now
    float progress = 0; // 0..1 through the pass
    std::uint8_t layer() const { return pass ? pass->layers[lit] : 0; }
};

class StackIndex {
public:
    explicit StackIndex(const trace::Trace& trace);
    const std::vector<StackPass>& passes(trace::NodeId node) const; // in time order
    // What crosses `node`'s stack at t: a pass whose display window holds t; the latest one when
    // several do. `hold` keeps the last
    // pass shown (fully done) that long after its window, so a paused screen is not empty.
    std::optional<StackActivity> activity(trace::NodeId node, Time t, Time dwell, Time hold) const;

private:
    std::vector<std::vector<StackPass>> by_node_;
};

} // namespace wirelab::ui
