// A learning Ethernet switch (IEEE 802.1D bridging without spanning tree): it learns which
// port each source MAC lives behind and forwards a frame only there; broadcasts and unknown
// destinations are flooded to every other port. Store-and-forward: a frame with a bad FCS
// is dropped, never forwarded.
#pragma once

#include "sim/stack/node.hpp"
#include "sim/wire/ethernet.hpp"

#include <map>

namespace wirelab::stack {

class Switch final : public Node {
public:
    using Node::Node;
    void receive(std::size_t port, Packet frame, trace::EventId arrival) override;
    const std::map<wire::MacAddr, std::size_t>& mac_table() const { return table_; }

private:
    std::map<wire::MacAddr, std::size_t> table_;
};

} // namespace wirelab::stack
