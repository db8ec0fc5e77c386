// The append-only trace and its time index.
#include "sim/trace/trace.hpp"

#include <algorithm>

namespace wirelab::trace {

const char* to_string(Kind k) {
    switch (k) {
    case Kind::pdu_down: return "pdu_down";
    case Kind::pdu_up: return "pdu_up";
    case Kind::tx_start: return "tx_start";
    case Kind::arrive: return "arrive";
    case Kind::drop: return "drop";
    case Kind::state: return "state";
    case Kind::app: return "app";
    case Kind::message: return "message";
    case Kind::narration: return "narration";
    case Kind::quiz: return "quiz";
    case Kind::input: return "input";
    case Kind::link_state: return "link_state";
    }
    return "?";
}

const char* to_string(DropReason r) {
    switch (r) {
    case DropReason::none: return "none";
    case DropReason::loss: return "lost on the link";
    case DropReason::scripted: return "dropped on purpose";
    case DropReason::queue_full: return "queue full";
    case DropReason::link_down: return "link down";
    case DropReason::bad_fcs: return "bad FCS (corrupted)";
    case DropReason::bad_checksum: return "bad checksum";
    case DropReason::not_for_me: return "not for this host";
    case DropReason::no_route: return "no route";
    case DropReason::ttl_expired: return "TTL expired";
    case DropReason::arp_timeout: return "ARP timeout";
    case DropReason::no_socket: return "no socket";
    }
    return "?";
}

PduId Trace::add_pdu(std::span<const std::uint8_t> bytes, std::span<const LayerSpan> spans,
                     PduFormat format) {
    Pdu p;
    p.offset = arena_.size();
    p.length = static_cast<std::uint32_t>(bytes.size());
    p.first_span = static_cast<std::uint32_t>(spans_.size());
    p.span_count = static_cast<std::uint8_t>(spans.size());
    p.format = format;
    arena_.append(bytes.data(), bytes.size());
    spans_.append(spans.data(), spans.size());
    pdus_.push_back(p);
    return static_cast<PduId>(pdus_.size() - 1);
}

TextId Trace::add_text(std::string_view text) {
    if (auto it = text_index_.find(text); it != text_index_.end()) return it->second;
    texts_.emplace_back(text);
    auto id = static_cast<TextId>(texts_.size() - 1);
    text_index_.emplace(std::string_view(texts_.back()), id);
    return id;
}

std::span<const std::uint8_t> Trace::pdu_bytes(PduId id) const {
    const Pdu& p = pdus_[id];
    return {arena_.data() + p.offset, p.length};
}

std::span<const LayerSpan> Trace::pdu_spans(PduId id) const {
    const Pdu& p = pdus_[id];
    return {spans_.data() + p.first_span, p.span_count};
}

std::string_view Trace::text(TextId id) const {
    if (id == no_text || id >= texts_.size()) return {};
    return texts_[id];
}

EventId Trace::lower_bound(Time t) const {
    auto it = std::lower_bound(events_.begin(), events_.end(), t,
                               [](const Event& e, Time time) { return e.time < time; });
    return static_cast<EventId>(it - events_.begin());
}

std::size_t Trace::overhead_bytes() const {
    std::size_t n = events_.capacity() * sizeof(Event) + pdus_.capacity() * sizeof(Pdu) +
                    spans_.capacity() * sizeof(LayerSpan);
    for (const auto& t : texts_)
        n += t.size() + sizeof(std::string) + 2 * sizeof(void*);
    return n;
}

namespace {
struct Fnv {
    std::uint64_t h = 1469598103934665603ull;
    void bytes(const void* p, std::size_t n) {
        auto* b = static_cast<const std::uint8_t*>(p);
        for (std::size_t i = 0; i < n; ++i)
            h = (h ^ b[i]) * 1099511628211ull;
    }
    template <class T> void value(T v) {
        // Field by field, little-endian, so padding bytes never enter the hash.
        for (std::size_t i = 0; i < sizeof(T); ++i) {
            auto byte = static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) >> (8 * i));
            bytes(&byte, 1);
        }
    }
};
} // namespace

std::uint64_t Trace::hash() const {
    Fnv f;
    for (const Event& e : events_) {
        f.value(e.time);
        f.value(e.cause);
        f.value(e.pdu);
        f.value(e.aux);
        f.value(e.node);
        f.value(e.link);
        f.value(static_cast<std::uint8_t>(e.kind));
        f.value(e.layer);
        f.value(static_cast<std::uint8_t>(e.reason));
        auto t = text(e.text);
        f.value(t.size());
        f.bytes(t.data(), t.size());
        if (e.pdu != no_pdu) {
            auto b = pdu_bytes(e.pdu);
            f.value(b.size());
            f.bytes(b.data(), b.size());
        }
    }
    return f.h;
}

} // namespace wirelab::trace
