// The Stage interface (DESIGN.md, idea 3): one OSI layer of one host. Going down, a stage
// pushes its header onto the Packet (encapsulation) and calls send_down(); going up, it pulls
// its header off and calls deliver_up(). The Host records the trace: which layer added
// which byte span on the way down, and each layer the PDU passes on the way up.
#pragma once

#include "sim/stack/packet.hpp"
#include "sim/trace/trace.hpp"
#include "sim/wire/ethernet.hpp"

#include <cstdint>
#include <string_view>

namespace wirelab::stack {

class Host;

// What one layer tells the next beside the bytes: addresses it learned or needs.
struct Meta {
    std::uint32_t src_ip = 0, dst_ip = 0;
    std::uint32_t next_hop = 0; // IPv4 next hop, set by the IPv4 stage for ARP
    std::uint8_t ip_proto = 0;
    std::uint16_t ethertype = 0;
    wire::MacAddr src_mac{}, dst_mac{};
    bool dst_mac_known = false;
    // Going up: the frame arrived exactly as the sending stack built it (its FCS seal held,
    // see Packet::seal_fcs), so the IPv4 and TCP checksums that stack computed hold as well
    // and need not be computed again. A frame from anywhere else is checked in full.
    bool pristine = false;
    trace::EventId cause = trace::no_event; // the trace event this PDU stems from
};

class Stage {
public:
    virtual ~Stage() = default;
    virtual std::uint8_t layer() const = 0;
    virtual std::string_view name() const = 0; // "Ethernet II", "IPv4", "TCP"…

    // A PDU from the stage above: add this layer's header, then send_down().
    virtual void from_above(Packet p, Meta m) = 0;
    // A PDU from the stage below (or the wire): check, strip this header, then deliver_up().
    virtual void from_below(Packet p, Meta m) = 0;

protected:
    void send_down(Packet p, Meta m);
    void deliver_up(Packet p, Meta m); // records pdu_up at this layer first
    // Records the drop of a PDU at this layer, with a reason and optional detail text.
    void drop(const Packet& p, const Meta& m, trace::DropReason why, std::string_view detail = {});
    Host& host() { return *host_; }
    const Host& host() const { return *host_; }
    Stage* above() { return above_; }
    Stage* below() { return below_; }

private:
    friend class Host;
    Host* host_ = nullptr;
    Stage* above_ = nullptr;
    Stage* below_ = nullptr;
};

} // namespace wirelab::stack
