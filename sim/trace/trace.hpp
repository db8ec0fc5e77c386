// The trace: the one interface between the simulation and everything that shows it
// (DESIGN.md, idea 4). The world appends; the ladder, pcap, JSON Lines export and the studio
// read. This header is the schema, field by field.
//
// Memory: an Event is 32 bytes. The bytes of a PDU are stored once in one arena, however
// many events (down the stack, on each link, up the other stack) refer to it, and a message
// recorded again with the same bytes (a broadcast's copies) refers to the first. Events,
// PDU records, spans and bytes live in BigVectors: contiguous, grown without copying.
#pragma once

#include "sim/core/time.hpp"
#include "sim/trace/big_vector.hpp"

#include <array>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace wirelab::trace {

using EventId = std::uint32_t;
using PduId = std::uint32_t;
using TextId = std::uint32_t;
using NodeId = std::uint16_t;
using LinkId = std::uint16_t;
inline constexpr EventId no_event = 0xffffffffu;
inline constexpr PduId no_pdu = 0xffffffffu;
inline constexpr TextId no_text = 0xffffffffu;
inline constexpr NodeId no_node = 0xffff;
inline constexpr LinkId no_link = 0xffff;

enum class Kind : std::uint8_t {
    pdu_down,   // node handed pdu down through `layer` (that layer added its header span)
    pdu_up,     // node passed pdu up through `layer` (that layer removed its header)
    tx_start,   // node put the first bit of pdu on `link`; aux = serialization time in ns
    arrive,     // the last bit of pdu reached node over `link`; aux = the sending node
    drop,       // pdu was dropped at node (or on link); reason says why; text may add detail
    state,      // a protocol state machine at node/layer changed; text "SYN-SENT → ESTABLISHED"
    app,        // an application-level event at node/layer; text says it (`emit "chat" ["hi"]`)
    message,    // a message PDU above TCP (layer 5–7): pdu has its own bytes; text = summary
    narration,  // a lesson cue fired; text is the narration; aux = cue index
    quiz,       // a quiz point reached; aux = quiz index
    input,      // a scripted or user action was applied; text describes it; aux = action index
    link_state, // link went down (aux = 0) or up (aux = 1)
};
const char* to_string(Kind);

enum class DropReason : std::uint8_t {
    none,
    loss,         // the link's random loss
    scripted,     // drop.next in the scenario or a user's "drop the next packet"
    queue_full,   // drop-tail queue overflow
    link_down,    // the link was cut
    bad_fcs,      // corrupted on the wire; the Ethernet FCS check caught it
    bad_checksum, // IPv4/TCP checksum failed
    not_for_me,   // destination MAC/IP is another host's
    no_route,     // IPv4 has no route to the destination
    ttl_expired,
    arp_timeout, // no ARP reply; the queued packet is given up
    no_socket,   // TCP segment for no connection (answered with RST)
};
const char* to_string(DropReason);

// One row of the trace. Fields not meaningful for a kind hold their no_* value or 0.
struct Event {
    Time time = 0;            // simulated nanoseconds
    EventId cause = no_event; // the event that caused this one (a send causes its arrival)
    PduId pdu = no_pdu;       // bytes this event is about
    TextId text = no_text;    // human text (state change, app event, narration, drop detail)
    std::uint32_t aux = 0;    // kind-specific, see Kind
    NodeId node = no_node;    // host or switch where it happened
    LinkId link = no_link;    // link involved (tx_start, arrive, drop on a link, link_state)
    Kind kind = Kind::pdu_down;
    std::uint8_t layer = 0; // OSI layer 1–7 (0 = none)
    DropReason reason = DropReason::none;
};
static_assert(sizeof(Event) == 32, "an Event is 32 bytes: the bulk of a long trace");

// Which bytes of a PDU each layer's header (and the payload) occupy.
struct LayerSpan {
    std::uint8_t layer = 0;
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
};

enum class PduFormat : std::uint8_t {
    ethernet, // an Ethernet II frame including its 4-byte FCS
    message,  // bytes above TCP (an HTTP head, a WebSocket frame, an Engine.IO packet)
};

struct Pdu {
    std::uint64_t offset = 0; // into the byte arena
    std::uint32_t length = 0;
    std::uint32_t first_span = 0;
    std::uint8_t span_count = 0;
    PduFormat format = PduFormat::ethernet;
};

// What the network looks like: the names the readers print and the shape the studio draws.
struct Node {
    std::string name;
    bool is_switch = false;
    std::uint32_t ip = 0; // IPv4, host byte order (0 for a switch)
    std::array<std::uint8_t, 6> mac{};
    std::vector<std::string> stack; // stage names, bottom-up
};
struct Link {
    std::string name;
    NodeId a = no_node, b = no_node;
    std::int64_t bandwidth_bps = 0;
    Time delay = 0;
};
struct Topology {
    std::vector<Node> nodes;
    std::vector<Link> links;
};

class Trace {
public:
    Topology topology; // set once, before the first event
    EventId append(const Event& e) {
        events_.push_back(e);
        return static_cast<EventId>(events_.size() - 1);
    }
    PduId add_pdu(std::span<const std::uint8_t> bytes, std::span<const LayerSpan> spans,
                  PduFormat format = PduFormat::ethernet);
    TextId add_text(std::string_view text); // interned: the same text is stored once

    std::size_t size() const { return events_.size(); }
    const Event& operator[](EventId id) const { return events_[id]; }
    std::span<const Event> events() const { return events_; }
    std::size_t pdu_count() const { return pdus_.size(); }
    const Pdu& pdu(PduId id) const { return pdus_[id]; }
    std::span<const std::uint8_t> pdu_bytes(PduId id) const;
    std::span<const LayerSpan> pdu_spans(PduId id) const;
    std::string_view text(TextId id) const;

    // The first event at or after t (size() if none): events are appended in time order.
    EventId lower_bound(Time t) const;
    Time end_time() const { return events_.empty() ? 0 : events_.back().time; }

    // Bytes used by events, PDU records, spans and texts, not counting the PDU bytes.
    std::size_t overhead_bytes() const;
    std::size_t pdu_arena_bytes() const { return arena_.size(); }

    // A stable 64-bit hash (FNV-1a) of everything in the trace, for determinism checks.
    std::uint64_t hash() const;

private:
    // Contiguous and never copied on growth (big_vector.hpp): the bulk of a long run.
    BigVector<Event> events_;
    BigVector<Pdu> pdus_;
    BigVector<LayerSpan> spans_;
    BigVector<std::uint8_t> arena_;
    std::deque<std::string> texts_; // a deque: the index keeps views into it
    std::unordered_map<std::string_view, TextId> text_index_;
};

} // namespace wirelab::trace
