// Layers 1–3: Physical, Ethernet II, ARP and IPv4 stages.
//
// down: Ipv4Stage::from_above -> ArpStage::from_above -> EthStage::from_above
//       -> PhyStage::from_above -> Host::transmit -> Link::send
// up:   Host::receive -> PhyStage::from_below -> EthStage (FCS, MAC) -> ArpStage
//       -> Ipv4Stage (checksum, address) -> TcpStage
#include "sim/stack/stages.hpp"

#include "sim/stack/host.hpp"
#include "sim/stack/world.hpp"
#include "sim/wire/arp.hpp"
#include "sim/wire/ipv4.hpp"

#include <string>
#include <utility>

namespace wirelab::stack {

using trace::DropReason;

// ---- Physical --------------------------------------------------------------------------

void PhyStage::from_above(Packet p, Meta m) {
    send_down(std::move(p), m);
}
void PhyStage::from_below(Packet p, Meta m) {
    deliver_up(std::move(p), m);
}

// ---- Ethernet II -----------------------------------------------------------------------

void EthStage::from_above(Packet p, Meta m) {
    if (!m.dst_mac_known) {
        // No ARP stage in this lesson's stack: the next hop's MAC is looked up directly.
        const wire::MacAddr* peer = host().world().mac_by_ip(m.next_hop ? m.next_hop : m.dst_ip);
        if (!peer) {
            drop(p, m, DropReason::no_route, "no host has " + wire::format_ipv4(m.next_hop));
            return;
        }
        m.dst_mac = *peer;
    }
    wire::EthernetRepr eth{m.dst_mac, host().mac(), m.ethertype};
    eth.emit(p.push_header(wire::ethernet_header_len, 2).data());
    if (p.size() < wire::ethernet_min_frame) {
        auto pad = p.push_trailer(wire::ethernet_min_frame - p.size(), 2);
        std::fill(pad.begin(), pad.end(), std::uint8_t{0});
    }
    std::uint32_t fcs = wire::crc32_ieee(p.data());
    auto t = p.push_trailer(wire::ethernet_fcs_len, 2);
    for (int i = 0; i < 4; ++i)
        t[i] = static_cast<std::uint8_t>(fcs >> (8 * i));
    p.seal_fcs();
    send_down(std::move(p), m);
}

void EthStage::from_below(Packet p, Meta m) {
    if (p.size() < wire::ethernet_header_len + wire::ethernet_fcs_len || !fcs_checks_out(p)) {
        drop(p, m, DropReason::bad_fcs);
        return;
    }
    auto eth = wire::EthernetRepr::parse(std::as_const(p).data());
    if (!eth) {
        drop(p, m, DropReason::bad_fcs, "malformed Ethernet header");
        return;
    }
    if (eth->dst != host().mac() && eth->dst != wire::broadcast_mac) {
        drop(p, m, DropReason::not_for_me, "to " + wire::format_mac(eth->dst));
        return;
    }
    m.pristine = p.fcs_sealed(); // before the pulls below unseal it
    p.truncate(p.size() - wire::ethernet_fcs_len);
    p.pull_header(wire::ethernet_header_len);
    m.ethertype = eth->ethertype;
    m.src_mac = eth->src;
    m.dst_mac = eth->dst;
    deliver_up(std::move(p), m);
}

// ---- ARP -------------------------------------------------------------------------------

void ArpStage::from_above(Packet p, Meta m) {
    std::uint32_t hop = m.next_hop ? m.next_hop : m.dst_ip;
    if (auto it = cache_.find(hop); it != cache_.end()) {
        m.dst_mac = it->second;
        m.dst_mac_known = true;
        send_down(std::move(p), m);
        return;
    }
    auto& pending = pending_[hop];
    pending.waiting.emplace_back(std::move(p), m);
    if (pending.requests == 0) request(hop, m.cause);
}

void ArpStage::request(std::uint32_t ip, trace::EventId cause) {
    auto& pending = pending_[ip];
    ++pending.requests;
    send_arp(1, wire::broadcast_mac, ip, wire::MacAddr{}, cause);
    auto& world = host().world();
    pending.timer = world.at(world.now() + retry_interval, [this, ip] { on_retry(ip); });
}

void ArpStage::on_retry(std::uint32_t ip) {
    auto it = pending_.find(ip);
    if (it == pending_.end()) return;
    if (it->second.requests < max_requests) {
        request(ip, trace::no_event);
        return;
    }
    for (auto& [packet, meta] : it->second.waiting)
        drop(packet, meta, DropReason::arp_timeout, "no ARP reply from " + wire::format_ipv4(ip));
    pending_.erase(it);
}

void ArpStage::send_arp(std::uint16_t op, const wire::MacAddr& dst_mac, std::uint32_t target_ip,
                        const wire::MacAddr& target_mac, trace::EventId cause) {
    wire::ArpRepr arp{op, host().mac(), host().ip(), target_mac, target_ip};
    Packet p;
    arp.emit(p.push_header(wire::ArpRepr::len, 2).data());
    Meta m;
    m.ethertype = wire::ethertype_arp;
    m.dst_mac = dst_mac;
    m.dst_mac_known = true;
    m.cause = cause;
    send_down(std::move(p), m);
}

void ArpStage::learn(std::uint32_t ip, const wire::MacAddr& mac, trace::EventId cause) {
    bool fresh = cache_.find(ip) == cache_.end();
    cache_[ip] = mac;
    if (fresh) {
        host().world().record_text(
            trace::Kind::state, host().id(), 2,
            "ARP cache: " + wire::format_ipv4(ip) + " is at " + wire::format_mac(mac), cause);
    }
    auto it = pending_.find(ip);
    if (it == pending_.end()) return;
    auto waiting = std::move(it->second.waiting);
    host().world().kernel().cancel(it->second.timer);
    pending_.erase(it);
    for (auto& [packet, meta] : waiting) {
        meta.dst_mac = mac;
        meta.dst_mac_known = true;
        send_down(std::move(packet), meta);
    }
}

void ArpStage::from_below(Packet p, Meta m) {
    if (m.ethertype != wire::ethertype_arp) {
        // Not ARP: IPv4 passes through this stage untouched (it is not a header layer).
        if (above()) above()->from_below(std::move(p), m);
        return;
    }
    auto arp = wire::ArpRepr::parse(p.data());
    if (!arp) {
        drop(p, m, DropReason::bad_checksum, "malformed ARP packet");
        return;
    }
    trace::Event e;
    e.kind = trace::Kind::pdu_up;
    e.node = host().id();
    e.layer = 2;
    e.pdu = p.pdu;
    e.cause = m.cause;
    auto up = host().world().record(e);
    // RFC 826: learn the sender when we are the target (or already know it), then answer.
    bool for_me = arp->tpa == host().ip();
    if (for_me || cache_.count(arp->spa)) learn(arp->spa, arp->sha, up);
    if (for_me && arp->op == 1) send_arp(2, arp->sha, arp->spa, arp->sha, up);
}

// ---- IPv4 ------------------------------------------------------------------------------

void Ipv4Stage::from_above(Packet p, Meta m) {
    if (!ident_seeded_) {
        next_ident_ = static_cast<std::uint16_t>(host().world().random().next_u32());
        ident_seeded_ = true;
    }
    m.src_ip = host().ip();
    if (host().same_subnet(m.dst_ip)) {
        m.next_hop = m.dst_ip;
    } else if (host().config().gateway) {
        m.next_hop = *host().config().gateway;
    } else {
        drop(p, m, DropReason::no_route, "no route to " + wire::format_ipv4(m.dst_ip));
        return;
    }
    wire::Ipv4Repr ip;
    ip.src = m.src_ip;
    ip.dst = m.dst_ip;
    ip.protocol = m.ip_proto;
    ip.ident = next_ident_++;
    ip.payload_len = static_cast<std::uint16_t>(p.size());
    ip.emit(p.push_header(wire::Ipv4Repr::header_len, 3).data());
    m.ethertype = wire::ethertype_ipv4;
    send_down(std::move(p), m);
}

void Ipv4Stage::from_below(Packet p, Meta m) {
    if (m.ethertype != wire::ethertype_ipv4) {
        drop(p, m, DropReason::not_for_me, "EtherType " + wire::ethertype_name(m.ethertype));
        return;
    }
    std::string why;
    auto ip = wire::Ipv4Repr::parse(std::as_const(p).data(), !m.pristine, &why);
    if (!ip) {
        drop(p, m, DropReason::bad_checksum, why);
        return;
    }
    if (ip->dst != host().ip()) {
        drop(p, m, DropReason::not_for_me, "to " + wire::format_ipv4(ip->dst));
        return;
    }
    if (ip->ttl == 0) {
        drop(p, m, DropReason::ttl_expired);
        return;
    }
    p.truncate(wire::Ipv4Repr::header_len + ip->payload_len); // drop Ethernet padding
    p.pull_header(wire::Ipv4Repr::header_len);
    m.src_ip = ip->src;
    m.dst_ip = ip->dst;
    m.ip_proto = ip->protocol;
    deliver_up(std::move(p), m);
}

} // namespace wirelab::stack
