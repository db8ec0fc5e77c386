// The World: one simulated network — its kernel (clock, event queue, seeded random), its
// hosts, switches and links, and the trace everything is recorded into. No globals: two
// worlds can run side by side in one process.
//
// scenario::build -> World::add_host / add_switch / add_link -> kernel runs -> trace grows
#pragma once

#include "sim/core/flat_map.hpp"
#include "sim/core/kernel.hpp"
#include "sim/stack/host.hpp"
#include "sim/stack/link.hpp"
#include "sim/stack/switch.hpp"
#include "sim/trace/trace.hpp"

#include <array>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wirelab::stack {

class World {
public:
    explicit World(std::uint64_t seed);
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    Host& add_host(HostConfig config);
    Switch& add_switch(std::string name);
    Link& add_link(std::string name, Node& a, Node& b, LinkParams params);

    Host* host(std::string_view name);
    Node* node(std::string_view name);
    Link* link(std::string_view name);
    Host* host_by_ip(std::uint32_t ip);
    // The MAC address of the host with `ip`, read from the index itself (not from the host,
    // which is cold when thousands of them take turns); null if no host has it.
    const wire::MacAddr* mac_by_ip(std::uint32_t ip) {
        const IpEntry* e = by_ip_.find(ip);
        return e ? &e->mac : nullptr;
    }
    // Starts loading the index line mac_by_ip(ip) will read (prefetch.hpp).
    void warm_ip(std::uint32_t ip) const { by_ip_.warm(ip); }
    std::span<const std::unique_ptr<Host>> hosts() const { return hosts_; }
    std::span<const std::unique_ptr<Link>> links() const { return links_; }

    Kernel& kernel() { return kernel_; }
    const Kernel& kernel() const { return kernel_; }
    Time now() const { return kernel_.now(); }
    Random& random() { return kernel_.random(); }
    trace::Trace& trace() { return trace_; }
    const trace::Trace& trace() const { return trace_; }

    // Appends a trace event at the current time.
    trace::EventId record(trace::Event e) {
        e.time = kernel_.now();
        return trace_.append(e);
    }
    trace::EventId record_text(trace::Kind kind, trace::NodeId node, std::uint8_t layer,
                               std::string_view text, trace::EventId cause, std::uint32_t aux = 0);
    // The same, with a text already interned in this world's trace.
    trace::EventId record_text(trace::Kind kind, trace::NodeId node, std::uint8_t layer,
                               trace::TextId text, trace::EventId cause, std::uint32_t aux = 0) {
        trace::Event e;
        e.kind = kind;
        e.node = node;
        e.layer = layer;
        e.cause = cause;
        e.aux = aux;
        e.text = text;
        return record(e);
    }
    // A message above TCP (an HTTP message, a WebSocket frame) stored once as a PDU: its
    // first `head_size` bytes as a `head_layer` span, the rest as a layer-6 span; then one
    // `message` event at `head_layer` with `summary` (aux 1 when received).
    trace::EventId record_message(trace::NodeId node, std::span<const std::uint8_t> bytes,
                                  std::uint8_t head_layer, std::size_t head_size,
                                  std::string_view summary, bool received, trace::EventId cause);
    // The same, for a message whose summary is costly to build: `summary()` is called only
    // the first time these bytes are recorded (with this head). A broadcast sends one
    // WebSocket frame to thousands of clients; every copy after the first refers to the PDU
    // and the summary already stored, as a pcap refers to one capture's bytes.
    template <class F>
    trace::EventId record_message_memo(trace::NodeId node, std::span<const std::uint8_t> bytes,
                                       std::uint8_t head_layer, std::size_t head_size, F&& summary,
                                       bool received, trace::EventId cause) {
        const std::uint64_t tag = std::uint64_t{head_layer} << 32 | head_size;
        MemoSlot& slot = memo_slot(tag, as_chars(bytes));
        if (slot.pdu == trace::no_pdu) {
            slot.text = trace_.add_text(summary());
            slot.pdu = add_message_pdu(bytes, head_layer, head_size);
        }
        return record_message_event(node, head_layer, slot.pdu, slot.text, received, cause);
    }
    // The message event alone, for bytes already stored as `pdu` with summary `text` (a
    // caller that knows what the memo would answer for them).
    trace::EventId record_message_event(trace::NodeId node, std::uint8_t head_layer,
                                        trace::PduId pdu, trace::TextId text, bool received,
                                        trace::EventId cause);
    // A text about some bytes (a decoded Socket.IO packet, say), built by `make()` the first
    // time these bytes come with this tag, and interned in the trace.
    template <class F> trace::TextId memo_text(std::uint32_t tag, std::string_view key, F&& make) {
        MemoSlot& slot = memo_slot(std::uint64_t{tag} | std::uint64_t{1} << 63, key);
        if (slot.text == trace::no_text) slot.text = trace_.add_text(make());
        return slot.text;
    }
    // "SYN-SENT → ESTABLISHED", interned once per world: every connection makes about ten
    // such changes, and building and hashing the text each time showed in profiles.
    trace::TextId tcp_state_text(tcp::State from, tcp::State to);

    // Runs f at time t; `cause` is the trace event the scheduled work stems from.
    template <class F> TimerId at(Time t, F&& f) {
        return kernel_.schedule_at(t, std::forward<F>(f));
    }

    void run_until(Time end) { kernel_.run_until(end); }

private:
    // A direct-mapped cache of what was recorded about recent bytes: a slot is reused when
    // other bytes hash to it, so memory stays bounded however long the run.
    struct MemoSlot {
        std::uint64_t hash = 0, tag = 0;
        std::string key;
        trace::PduId pdu = trace::no_pdu;
        trace::TextId text = trace::no_text;
    };
    static std::string_view as_chars(std::span<const std::uint8_t> bytes) {
        return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
    }
    MemoSlot& memo_slot(std::uint64_t tag, std::string_view key);
    trace::PduId add_message_pdu(std::span<const std::uint8_t> bytes, std::uint8_t head_layer,
                                 std::size_t head_size);

    Kernel kernel_;
    trace::Trace trace_;
    std::vector<std::unique_ptr<Host>> hosts_;
    std::vector<std::unique_ptr<Switch>> switches_;
    std::vector<std::unique_ptr<Link>> links_;
    std::vector<Node*> nodes_; // by trace::NodeId
    struct IpEntry {
        Host* host = nullptr;
        wire::MacAddr mac{}; // host->mac(), which never changes
    };
    FlatMap<IpEntry> by_ip_;
    static constexpr std::size_t tcp_states = 16;
    std::array<trace::TextId, tcp_states* tcp_states> tcp_state_texts_ = filled_no_text();
    std::vector<MemoSlot> memo_ = std::vector<MemoSlot>(1024);
    // The slots found last, tried before hashing: a broadcast looks up the same few keys
    // (its frame, its Socket.IO text, sent and received) over and over, and comparing them
    // costs a fraction of hashing ~100 bytes. A hit here is the slot hashing would find.
    static constexpr std::uint32_t no_memo = 0xffffffffu;
    std::array<std::uint32_t, 4> memo_recent_{no_memo, no_memo, no_memo, no_memo};
    std::uint32_t memo_recent_next_ = 0;
    static constexpr std::array<trace::TextId, tcp_states * tcp_states> filled_no_text() {
        std::array<trace::TextId, tcp_states * tcp_states> a{};
        a.fill(trace::no_text);
        return a;
    }
};

} // namespace wirelab::stack
