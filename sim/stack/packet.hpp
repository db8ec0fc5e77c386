// A PDU on its way down or up one host's stack. Headers are pushed into headroom in front of
// the payload (encapsulation) and pulled off going up, without copying the payload per
// layer; each push records the span of the header that layer added, which is what the trace
// stores and the byte inspector highlights.
#pragma once

#include "sim/trace/trace.hpp"
#include "sim/wire/bytes.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

namespace wirelab::stack {

class Packet {
public:
    static constexpr std::size_t default_headroom = 64;

    Packet() = default;
    // Room at the end for Ethernet padding and the FCS, so they are appended in place.
    static constexpr std::size_t default_tailroom = 64;

    explicit Packet(wire::ByteView payload, std::size_t headroom = default_headroom) {
        buf_.reserve(headroom + payload.size() + (headroom ? default_tailroom : 0));
        buf_.resize(headroom + payload.size());
        head_ = headroom;
        if (!payload.empty()) std::memcpy(buf_.data() + head_, payload.data(), payload.size());
    }
    // Takes a whole frame as received (nothing to pull yet).
    static Packet from_wire(wire::ByteView frame) { return Packet(frame, 0); }

    // Prepends n bytes for `layer`'s header; write it into the returned view.
    wire::MutableByteView push_header(std::size_t n, std::uint8_t layer) {
        if (n > head_) grow_headroom(n);
        head_ -= n;
        for (std::uint8_t i = 0; i < span_count_; ++i)
            spans_[i].offset += n;
        if (span_count_ < spans_.size())
            spans_[span_count_++] = {layer, 0, static_cast<std::uint32_t>(n)};
        return {buf_.data() + head_, n};
    }
    // Appends n bytes at the end (Ethernet padding, the FCS), recorded as `layer`'s span.
    wire::MutableByteView push_trailer(std::size_t n, std::uint8_t layer) {
        std::size_t old = buf_.size();
        buf_.resize(old + n);
        if (span_count_ < spans_.size())
            spans_[span_count_++] = {layer, static_cast<std::uint32_t>(old - head_),
                                     static_cast<std::uint32_t>(n)};
        return {buf_.data() + old, n};
    }
    // Records the bytes currently held as `layer`'s (the application data, say).
    void mark_payload(std::uint8_t layer) {
        if (span_count_ < spans_.size() && size() > 0)
            spans_[span_count_++] = {layer, 0, static_cast<std::uint32_t>(size())};
    }
    // Removes the first n bytes (the header the current layer consumed).
    void pull_header(std::size_t n) { head_ += n < size() ? n : size(); }
    // Keeps only the first n bytes (drops padding or the FCS).
    void truncate(std::size_t n) {
        if (n < size()) buf_.resize(head_ + n);
    }

    wire::ByteView data() const { return {buf_.data() + head_, buf_.size() - head_}; }
    wire::MutableByteView data() { return {buf_.data() + head_, buf_.size() - head_}; }
    std::size_t size() const { return buf_.size() - head_; }
    std::span<const trace::LayerSpan> spans() const { return {spans_.data(), span_count_}; }

    // The trace PDU these bytes were recorded as, once they reach the wire.
    trace::PduId pdu = trace::no_pdu;

private:
    void grow_headroom(std::size_t n) {
        std::size_t extra = n + default_headroom;
        buf_.insert(buf_.begin(), extra, 0);
        head_ += extra;
    }

    std::vector<std::uint8_t> buf_;
    std::size_t head_ = 0;
    std::array<trace::LayerSpan, 8> spans_{};
    std::uint8_t span_count_ = 0;
};

} // namespace wirelab::stack
