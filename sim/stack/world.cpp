// World: building the network and recording into its trace.
#include "sim/stack/world.hpp"

#include "sim/stack/tcp_stage.hpp"

namespace wirelab::stack {

World::World(std::uint64_t seed) : kernel_(seed) {}

Host& World::add_host(HostConfig config) {
    auto id = static_cast<trace::NodeId>(nodes_.size());
    trace::Node n;
    n.name = config.name;
    n.ip = config.ip;
    n.mac = config.mac;
    n.stack = config.stack;
    trace_.topology.nodes.push_back(std::move(n));
    hosts_.push_back(std::make_unique<Host>(*this, id, std::move(config)));
    nodes_.push_back(hosts_.back().get());
    Host& h = *hosts_.back();
    if (!by_ip_.contains(h.ip())) by_ip_[h.ip()] = IpEntry{&h, h.mac()};
    return *hosts_.back();
}

Switch& World::add_switch(std::string name) {
    auto id = static_cast<trace::NodeId>(nodes_.size());
    trace::Node n;
    n.name = name;
    n.is_switch = true;
    trace_.topology.nodes.push_back(std::move(n));
    switches_.push_back(std::make_unique<Switch>(*this, id, std::move(name)));
    nodes_.push_back(switches_.back().get());
    return *switches_.back();
}

Link& World::add_link(std::string name, Node& a, Node& b, LinkParams params) {
    auto id = static_cast<trace::LinkId>(links_.size());
    trace_.topology.links.push_back({name, a.id(), b.id(), params.bandwidth_bps, params.delay});
    links_.push_back(std::make_unique<Link>(*this, id, std::move(name), params, a, b));
    return *links_.back();
}

Host* World::host(std::string_view name) {
    for (auto& h : hosts_)
        if (h->name() == name) return h.get();
    return nullptr;
}

Node* World::node(std::string_view name) {
    for (auto* n : nodes_)
        if (n->name() == name) return n;
    return nullptr;
}

Link* World::link(std::string_view name) {
    for (auto& l : links_)
        if (l->name() == name) return l.get();
    return nullptr;
}

Host* World::host_by_ip(std::uint32_t ip) {
    const IpEntry* e = by_ip_.find(ip);
    return e ? e->host : nullptr;
}

trace::TextId World::tcp_state_text(tcp::State from, tcp::State to) {
    const auto f = static_cast<std::size_t>(from), t = static_cast<std::size_t>(to);
    if (f >= tcp_states || t >= tcp_states)
        return trace_.add_text(std::string(tcp::to_string(from)) + " → " + tcp::to_string(to));
    trace::TextId& id = tcp_state_texts_[f * tcp_states + t];
    if (id == trace::no_text)
        id = trace_.add_text(std::string(tcp::to_string(from)) + " → " + tcp::to_string(to));
    return id;
}

trace::EventId World::record_text(trace::Kind kind, trace::NodeId node, std::uint8_t layer,
                                  std::string_view text, trace::EventId cause, std::uint32_t aux) {
    trace::Event e;
    e.kind = kind;
    e.node = node;
    e.layer = layer;
    e.cause = cause;
    e.aux = aux;
    e.text = trace_.add_text(text);
    return record(e);
}

trace::EventId World::record_message(trace::NodeId node, std::span<const std::uint8_t> bytes,
                                     std::uint8_t head_layer, std::size_t head_size,
                                     std::string_view summary, bool received,
                                     trace::EventId cause) {
    return record_message_event(node, head_layer, add_message_pdu(bytes, head_layer, head_size),
                                trace_.add_text(summary), received, cause);
}

trace::PduId World::add_message_pdu(std::span<const std::uint8_t> bytes, std::uint8_t head_layer,
                                    std::size_t head_size) {
    const trace::LayerSpan spans[2] = {{head_layer, 0, static_cast<std::uint32_t>(head_size)},
                                       {6, static_cast<std::uint32_t>(head_size),
                                        static_cast<std::uint32_t>(bytes.size() - head_size)}};
    const std::size_t n = head_size < bytes.size() ? 2 : 1;
    return trace_.add_pdu(bytes, {spans, n}, trace::PduFormat::message);
}

trace::EventId World::record_message_event(trace::NodeId node, std::uint8_t head_layer,
                                           trace::PduId pdu, trace::TextId text, bool received,
                                           trace::EventId cause) {
    trace::Event e;
    e.kind = trace::Kind::message;
    e.node = node;
    e.layer = head_layer;
    e.pdu = pdu;
    e.cause = cause;
    e.aux = received ? 1 : 0;
    e.text = text;
    return record(e);
}

World::MemoSlot& World::memo_slot(std::uint64_t tag, std::string_view key) {
    for (const std::uint32_t i : memo_recent_) {
        if (i == no_memo) continue;
        MemoSlot& slot = memo_[i];
        if (slot.tag == tag && slot.key == key) return slot;
    }
    const std::uint64_t h = std::hash<std::string_view>{}(key) ^ (tag * 0x9E3779B97F4A7C15ull);
    const auto index = static_cast<std::uint32_t>(h % memo_.size());
    memo_recent_[memo_recent_next_++ % memo_recent_.size()] = index;
    MemoSlot& slot = memo_[index];
    if (slot.hash == h && slot.tag == tag && slot.key == key) return slot;
    slot.hash = h;
    slot.tag = tag;
    slot.key.assign(key);
    slot.pdu = trace::no_pdu;
    slot.text = trace::no_text;
    return slot;
}

} // namespace wirelab::stack
