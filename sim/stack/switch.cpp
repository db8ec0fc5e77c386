// The learning switch: learn the source, forward to the known port or flood.
#include "sim/stack/switch.hpp"

#include "sim/core/prefetch.hpp"
#include "sim/stack/link.hpp"
#include "sim/stack/world.hpp"

#include <algorithm>
#include <utility>

namespace wirelab::stack {

bool Switch::warm(unsigned level, const Packet& frame) const {
    const wire::ByteView data = frame.data();
    if (level > 2 || data.size() < wire::ethernet_header_len) return false;
    wire::MacAddr dst, src;
    std::copy_n(data.begin(), dst.size(), dst.begin());
    std::copy_n(data.begin() + 6, src.size(), src.begin());
    if (level == 0) {
        table_.warm(key(dst));
        table_.warm(key(src));
        return true;
    }
    const std::size_t* out = table_.find(key(dst));
    if (out == nullptr || *out >= port_count()) return false;
    if (level == 1) {
        prefetch(&ports()[*out]);
        return true;
    }
    prefetch_lines(ports()[*out], Link::hot_bytes);
    return false;
}

void Switch::receive(std::size_t port, Packet frame, trace::EventId arrival) {
    const wire::ByteView data = std::as_const(frame).data(); // reading keeps the seal
    if (data.size() < wire::ethernet_header_len + wire::ethernet_fcs_len ||
        !fcs_checks_out(frame)) {
        trace::Event e;
        e.kind = trace::Kind::drop;
        e.node = id_;
        e.layer = 2;
        e.pdu = frame.pdu;
        e.cause = arrival;
        e.reason = trace::DropReason::bad_fcs;
        world_.record(e);
        return;
    }
    auto eth = wire::EthernetRepr::parse(data);
    if (!eth) return;
    table_[key(eth->src)] = port;
    const std::size_t* out = table_.find(key(eth->dst));
    if (eth->dst != wire::broadcast_mac && out != nullptr) {
        if (*out != port) ports()[*out]->send(*this, std::move(frame), arrival);
        return;
    }
    // Flood: every port but the one it came in on gets its own copy.
    const std::span<Link* const> all = ports();
    for (std::size_t p = 0; p < all.size(); ++p)
        if (p != port) all[p]->send(*this, frame, arrival);
}

} // namespace wirelab::stack
