// A PDU on its way down or up one host's stack. Headers are pushed into headroom in front of
// the payload (encapsulation) and pulled off going up, without copying the payload per
// layer; each push records the span of the header that layer added, which is what the trace
// stores and the byte inspector highlights.
//
// A Packet is a handle (16 bytes) to one heap block holding the bytes, the head/tail
// offsets and the spans, so handing it from stage to stage, into a link's queue and out
// again moves a pointer rather than ~140 bytes. Blocks of the two common sizes are recycled
// through a per-thread free list (PacketPool below): a full-stack run keeps ~10,000 frames
// in flight, which defeats malloc's small per-size caches (profiled: ~10% of the run in
// malloc/free before the pool).
#pragma once

#include "sim/core/prefetch.hpp"
#include "sim/trace/trace.hpp"
#include "sim/wire/bytes.hpp"
#include "sim/wire/ethernet.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <new>
#include <utility>

namespace wirelab::stack {

namespace detail {
// What a Packet points to: bookkeeping, then `capacity` bytes of buffer.
struct PacketBlock {
    std::uint32_t capacity = 0; // bytes of buffer after this header
    std::uint32_t head = 0;     // first byte of the PDU
    std::uint32_t tail = 0;     // one past its last byte
    std::uint8_t span_count = 0;
    std::uint8_t size_class = 0; // PacketPool class, or PacketPool::unpooled
    bool fcs_sealed = false;     // see Packet::seal_fcs()
    std::array<trace::LayerSpan, 8> spans{};
    std::uint8_t* bytes() { return reinterpret_cast<std::uint8_t*>(this + 1); }
    const std::uint8_t* bytes() const { return reinterpret_cast<const std::uint8_t*>(this + 1); }
};

// Free lists of packet blocks for two block sizes (a small frame; a full 1,500-byte one),
// per thread: it is a memory cache like malloc's, so it never changes what a simulation
// does, and two worlds on two threads never share it. Trivially destructible, so reaching it
// costs no guard; at most max_free blocks per class are kept, the rest go back to the heap.
struct PacketPool {
    static constexpr std::uint8_t unpooled = 0xff;
    static constexpr std::size_t class_bytes[2] = {512, 2048};
    static constexpr std::size_t max_free = 4096;
    struct Free {
        Free* next;
    };
    Free* head[2] = {nullptr, nullptr};
    std::size_t count[2] = {0, 0};
};
inline thread_local constinit PacketPool packet_pool{};

inline PacketBlock* allocate_block(std::size_t capacity) {
    const std::size_t total = sizeof(PacketBlock) + capacity;
    std::uint8_t cls = PacketPool::unpooled;
    if (total <= PacketPool::class_bytes[0])
        cls = 0;
    else if (total <= PacketPool::class_bytes[1])
        cls = 1;
    void* mem;
    PacketPool& pool = packet_pool;
    if (cls != PacketPool::unpooled && pool.head[cls]) {
        mem = pool.head[cls];
        pool.head[cls] = pool.head[cls]->next;
        --pool.count[cls];
    } else {
        mem = ::operator new(cls == PacketPool::unpooled ? total : PacketPool::class_bytes[cls]);
    }
    auto* b = ::new (mem) PacketBlock;
    b->capacity = static_cast<std::uint32_t>(
        cls == PacketPool::unpooled ? capacity
                                    : PacketPool::class_bytes[cls] - sizeof(PacketBlock));
    b->size_class = cls;
    return b;
}

inline void free_block(PacketBlock* b) noexcept {
    const std::uint8_t cls = b->size_class;
    PacketPool& pool = packet_pool;
    if (cls != PacketPool::unpooled && pool.count[cls] < PacketPool::max_free) {
        auto* f = reinterpret_cast<PacketPool::Free*>(b);
        f->next = pool.head[cls];
        pool.head[cls] = f;
        ++pool.count[cls];
        return;
    }
    ::operator delete(b);
}
} // namespace detail

class Packet {
public:
    static constexpr std::size_t default_headroom = 64;
    // Room at the end for Ethernet padding and the FCS, so they are appended in place.
    static constexpr std::size_t default_tailroom = 64;

    Packet() = default;
    explicit Packet(wire::ByteView payload, std::size_t headroom = default_headroom) {
        b_ = detail::allocate_block(headroom + payload.size() + (headroom ? default_tailroom : 0));
        b_->head = static_cast<std::uint32_t>(headroom);
        b_->tail = static_cast<std::uint32_t>(headroom + payload.size());
        if (!payload.empty()) std::memcpy(b_->bytes() + headroom, payload.data(), payload.size());
    }
    // Takes a whole frame as received (nothing to pull yet).
    static Packet from_wire(wire::ByteView frame) { return Packet(frame, 0); }

    Packet(const Packet& o) : pdu(o.pdu) {
        if (!o.b_) return;
        b_ = detail::allocate_block(o.b_->capacity);
        copy_from(*o.b_);
    }
    Packet& operator=(const Packet& o) {
        if (this != &o) *this = Packet(o);
        return *this;
    }
    Packet(Packet&& o) noexcept : pdu(o.pdu), b_(std::exchange(o.b_, nullptr)) {}
    Packet& operator=(Packet&& o) noexcept {
        if (this != &o) {
            reset();
            b_ = std::exchange(o.b_, nullptr);
            pdu = o.pdu;
        }
        return *this;
    }
    ~Packet() { reset(); }

    // The Ethernet stage has just written the FCS over exactly these bytes. Until the bytes
    // or their range change (any non-const access below unseals), the FCS is known to check
    // out, so the switch and the receiver need not compute the CRC again to find that out.
    // A frame the link corrupts is unsealed by the write, and checked for real.
    void seal_fcs() {
        if (b_) b_->fcs_sealed = true;
    }
    bool fcs_sealed() const { return b_ && b_->fcs_sealed; }

    // Prepends n bytes for `layer`'s header; write it into the returned view.
    wire::MutableByteView push_header(std::size_t n, std::uint8_t layer) {
        unseal();
        if (!b_ || n > b_->head) grow_headroom(n);
        b_->head -= static_cast<std::uint32_t>(n);
        for (std::uint8_t i = 0; i < b_->span_count; ++i)
            b_->spans[i].offset += static_cast<std::uint32_t>(n);
        if (b_->span_count < b_->spans.size())
            b_->spans[b_->span_count++] = {layer, 0, static_cast<std::uint32_t>(n)};
        std::memset(b_->bytes() + b_->head, 0, n); // recycled memory: start from zeros
        return {b_->bytes() + b_->head, n};
    }
    // Appends n bytes at the end (Ethernet padding, the FCS), recorded as `layer`'s span.
    wire::MutableByteView push_trailer(std::size_t n, std::uint8_t layer) {
        unseal();
        if (!b_ || b_->capacity - b_->tail < n) grow_tailroom(n);
        const std::uint32_t old = b_->tail;
        b_->tail += static_cast<std::uint32_t>(n);
        if (b_->span_count < b_->spans.size())
            b_->spans[b_->span_count++] = {layer, old - b_->head, static_cast<std::uint32_t>(n)};
        std::memset(b_->bytes() + old, 0, n);
        return {b_->bytes() + old, n};
    }
    // Records the bytes currently held as `layer`'s (the application data, say).
    void mark_payload(std::uint8_t layer) {
        if (b_ && b_->span_count < b_->spans.size() && size() > 0)
            b_->spans[b_->span_count++] = {layer, 0, static_cast<std::uint32_t>(size())};
    }
    // Removes the first n bytes (the header the current layer consumed).
    void pull_header(std::size_t n) {
        unseal();
        if (b_) b_->head += static_cast<std::uint32_t>(n < size() ? n : size());
    }
    // Keeps only the first n bytes (drops padding or the FCS).
    void truncate(std::size_t n) {
        unseal();
        if (n < size()) b_->tail = b_->head + static_cast<std::uint32_t>(n);
    }

    wire::ByteView data() const {
        if (!b_) return {};
        return {b_->bytes() + b_->head, b_->tail - b_->head};
    }
    wire::MutableByteView data() {
        unseal();
        if (!b_) return {};
        return {b_->bytes() + b_->head, b_->tail - b_->head};
    }
    std::size_t size() const { return b_ ? b_->tail - b_->head : 0; }
    std::span<const trace::LayerSpan> spans() const {
        if (!b_) return {};
        return {b_->spans.data(), b_->span_count};
    }

    // Starts loading the block into cache (prefetch.hpp) without reading it: its bookkeeping
    // and the bytes of a small frame, which follow within the block's first five lines.
    void warm() const noexcept {
        if (b_) prefetch_lines(b_, 5 * cache_line);
    }

    // The trace PDU these bytes were recorded as, once they reach the wire.
    trace::PduId pdu = trace::no_pdu;

private:
    void reset() noexcept {
        if (b_) detail::free_block(std::exchange(b_, nullptr));
    }
    void unseal() {
        if (b_) b_->fcs_sealed = false;
    }
    // Copies o's bookkeeping and its bytes at the same offsets (capacity stays b_'s).
    void copy_from(const detail::PacketBlock& o) {
        b_->head = o.head;
        b_->tail = o.tail;
        b_->span_count = o.span_count;
        b_->spans = o.spans;
        b_->fcs_sealed = o.fcs_sealed;
        std::memcpy(b_->bytes() + o.head, o.bytes() + o.head, o.tail - o.head);
    }
    void grow_headroom(std::size_t n) {
        const std::size_t extra = n + default_headroom;
        const std::size_t used = size();
        const std::size_t room_after = b_ ? b_->capacity - b_->tail : default_tailroom;
        detail::PacketBlock* nb =
            detail::allocate_block(extra + (b_ ? b_->head : 0) + used + room_after);
        nb->head = static_cast<std::uint32_t>(extra + (b_ ? b_->head : 0));
        nb->tail = nb->head + static_cast<std::uint32_t>(used);
        if (b_) {
            nb->span_count = b_->span_count;
            nb->spans = b_->spans;
            std::memcpy(nb->bytes() + nb->head, b_->bytes() + b_->head, used);
            detail::free_block(b_);
        }
        b_ = nb;
    }
    void grow_tailroom(std::size_t n) {
        const std::size_t head = b_ ? b_->head : default_headroom;
        const std::size_t used = size();
        detail::PacketBlock* nb = detail::allocate_block(head + used + n + default_tailroom);
        nb->head = static_cast<std::uint32_t>(head);
        nb->tail = nb->head + static_cast<std::uint32_t>(used);
        if (b_) {
            nb->span_count = b_->span_count;
            nb->spans = b_->spans;
            std::memcpy(nb->bytes() + nb->head, b_->bytes() + b_->head, used);
            detail::free_block(b_);
        }
        b_ = nb;
    }

    detail::PacketBlock* b_ = nullptr;
};

// Whether an Ethernet frame's FCS checks out: known for a sealed frame, computed otherwise.
inline bool fcs_checks_out(const Packet& frame) {
    return frame.fcs_sealed() || wire::check_fcs(frame.data());
}

} // namespace wirelab::stack
