// Out-of-order receive queue: disjoint blocks keyed by their offset from RCV.NXT.
#include "sim/proto/tcp/reassembly.hpp"

#include <algorithm>
#include <iterator>

namespace wirelab::tcp {

std::size_t Reassembly::insert(std::uint32_t offset, wire::ByteView data) {
    // Walk the gaps of [offset, offset + size) not covered by existing blocks, storing each.
    std::size_t stored = 0;
    std::uint64_t pos = offset;
    const std::uint64_t end = std::uint64_t{offset} + data.size();
    auto it = blocks_.upper_bound(offset);
    if (it != blocks_.begin()) {
        auto prev = std::prev(it);
        pos = std::max<std::uint64_t>(pos, prev->first + prev->second.size());
    }
    while (pos < end) {
        std::uint64_t gap_end = end;
        if (it != blocks_.end()) gap_end = std::min<std::uint64_t>(end, it->first);
        if (pos < gap_end) {
            auto from = data.begin() + static_cast<std::ptrdiff_t>(pos - offset);
            auto to = data.begin() + static_cast<std::ptrdiff_t>(gap_end - offset);
            blocks_.emplace(static_cast<std::uint32_t>(pos), wire::Bytes(from, to));
            stored += static_cast<std::size_t>(gap_end - pos);
        }
        if (it == blocks_.end()) break;
        pos = std::max<std::uint64_t>(pos, it->first + it->second.size());
        ++it;
    }
    return stored;
}

wire::Bytes Reassembly::advance(std::uint32_t n) {
    // Re-key every block by the new RCV.NXT, dropping bytes that fell behind it.
    std::map<std::uint32_t, wire::Bytes> rekeyed;
    for (auto& [off, bytes] : blocks_) {
        if (off + bytes.size() <= n) continue;
        if (off < n) {
            bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n - off));
            rekeyed.emplace(0, std::move(bytes));
        } else {
            rekeyed.emplace(off - n, std::move(bytes));
        }
    }
    blocks_ = std::move(rekeyed);
    wire::Bytes ready;
    while (!blocks_.empty() && blocks_.begin()->first == ready.size()) {
        auto node = blocks_.extract(blocks_.begin());
        ready.insert(ready.end(), node.mapped().begin(), node.mapped().end());
    }
    if (!ready.empty()) {
        std::map<std::uint32_t, wire::Bytes> rest;
        const auto taken = static_cast<std::uint32_t>(ready.size());
        for (auto& [off, bytes] : blocks_)
            rest.emplace(off - taken, std::move(bytes));
        blocks_ = std::move(rest);
    }
    return ready;
}

std::size_t Reassembly::buffered() const {
    std::size_t n = 0;
    for (const auto& [off, bytes] : blocks_)
        n += bytes.size();
    return n;
}

} // namespace wirelab::tcp
