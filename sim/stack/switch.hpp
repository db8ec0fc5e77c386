// A learning Ethernet switch (IEEE 802.1D bridging without spanning tree): it learns which
// port each source MAC lives behind and forwards a frame only there; broadcasts and unknown
// destinations are flooded to every other port. Store-and-forward: a frame with a bad FCS
// is dropped, never forwarded.
#pragma once

#include "sim/core/flat_map.hpp"
#include "sim/stack/node.hpp"
#include "sim/wire/ethernet.hpp"

namespace wirelab::stack {

class Switch final : public Node {
public:
    using Node::Node;
    void receive(std::size_t port, Packet frame, trace::EventId arrival) override;
    // Level 0: the table's lines for the frame's addresses; 1: the out port's entry in the
    // port list; 2: that link's hot lines.
    bool warm(unsigned level, const Packet& frame) const override;
    // MAC address (as a 48-bit integer) -> port. Never iterated by the simulation.
    const FlatMap<std::size_t>& mac_table() const { return table_; }

private:
    static std::uint64_t key(const wire::MacAddr& mac) {
        std::uint64_t k = 0;
        for (auto b : mac)
            k = k << 8 | b;
        return k;
    }
    FlatMap<std::size_t> table_;
};

} // namespace wirelab::stack
