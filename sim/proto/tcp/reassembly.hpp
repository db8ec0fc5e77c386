// The receive queue for out-of-order data: segments that arrived beyond RCV.NXT wait here
// until the hole before them is filled. Keyed by sequence number relative to RCV.NXT, so
// wraparound of the 32-bit space never matters. Overlaps are trimmed; duplicates dropped.
#pragma once

#include "sim/wire/bytes.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>

namespace wirelab::tcp {

class Reassembly {
public:
    // Stores `data` that starts `offset` bytes past RCV.NXT (offset > 0). Bytes already held
    // are kept, not replaced. Returns how many new bytes were stored.
    std::size_t insert(std::uint32_t offset, wire::ByteView data);
    // RCV.NXT advanced by `n`: drops what is now behind it and returns the bytes that have
    // become contiguous at the new RCV.NXT (which the caller then appends and advances past).
    wire::Bytes advance(std::uint32_t n);
    std::size_t buffered() const;
    bool empty() const { return !blocks_ || blocks_->empty(); }
    void clear() { blocks_.reset(); }

    Reassembly() = default;
    Reassembly(const Reassembly& o)
        : blocks_(o.blocks_ ? std::make_unique<Blocks>(*o.blocks_) : nullptr) {}
    Reassembly& operator=(const Reassembly& o) {
        if (this != &o) blocks_ = o.blocks_ ? std::make_unique<Blocks>(*o.blocks_) : nullptr;
        return *this;
    }
    Reassembly(Reassembly&&) noexcept = default;
    Reassembly& operator=(Reassembly&&) noexcept = default;

private:
    using Blocks = std::map<std::uint32_t, wire::Bytes>; // offset from RCV.NXT -> bytes, disjoint
    // Made on the first out-of-order segment: most connections never see one, and their
    // segments' empty() test then reads one pointer (kept on a hot line of the connection)
    // rather than a map header's count.
    std::unique_ptr<Blocks> blocks_;
};

} // namespace wirelab::tcp
