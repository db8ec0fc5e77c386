// Out-of-order receive queue: disjoint blocks keyed by their offset from RCV.NXT.
#include "sim/proto/tcp/reassembly.hpp"

#include <algorithm>
#include <iterator>

namespace wirelab::tcp {

std::size_t Reassembly::insert(std::uint32_t offset, wire::ByteView data) {
    // Walk the gaps of [offset, offset + size) not covered by existing blocks, storing each.
    if (!blocks_) blocks_ = std::make_unique<Blocks>();
    Blocks& blocks = *blocks_;
    std::size_t stored = 0;
    std::uint64_t pos = offset;
    const std::uint64_t end = std::uint64_t{offset} + data.size();
    auto it = blocks.upper_bound(offset);
    if (it != blocks.begin()) {
        auto prev = std::prev(it);
        pos = std::max<std::uint64_t>(pos, prev->first + prev->second.size());
    }
    while (pos < end) {
        std::uint64_t gap_end = end;
        if (it != blocks.end()) gap_end = std::min<std::uint64_t>(end, it->first);
        if (pos < gap_end) {
            auto from = data.begin() + static_cast<std::ptrdiff_t>(pos - offset);
            auto to = data.begin() + static_cast<std::ptrdiff_t>(gap_end - offset);
            blocks.emplace(static_cast<std::uint32_t>(pos), wire::Bytes(from, to));
            stored += static_cast<std::size_t>(gap_end - pos);
        }
        if (it == blocks.end()) break;
        pos = std::max<std::uint64_t>(pos, it->first + it->second.size());
        ++it;
    }
    return stored;
}

wire::Bytes Reassembly::advance(std::uint32_t n) {
    if (!blocks_) return {};
    Blocks& blocks = *blocks_;
    // Re-key every block by the new RCV.NXT, dropping bytes that fell behind it.
    Blocks rekeyed;
    for (auto& [off, bytes] : blocks) {
        if (off + bytes.size() <= n) continue;
        if (off < n) {
            bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n - off));
            rekeyed.emplace(0, std::move(bytes));
        } else {
            rekeyed.emplace(off - n, std::move(bytes));
        }
    }
    blocks = std::move(rekeyed);
    wire::Bytes ready;
    while (!blocks.empty() && blocks.begin()->first == ready.size()) {
        auto node = blocks.extract(blocks.begin());
        ready.insert(ready.end(), node.mapped().begin(), node.mapped().end());
    }
    if (!ready.empty()) {
        Blocks rest;
        const auto taken = static_cast<std::uint32_t>(ready.size());
        for (auto& [off, bytes] : blocks)
            rest.emplace(off - taken, std::move(bytes));
        blocks = std::move(rest);
    }
    return ready;
}

std::size_t Reassembly::buffered() const {
    std::size_t n = 0;
    if (!blocks_) return n;
    for (const auto& [off, bytes] : *blocks_)
        n += bytes.size();
    return n;
}

} // namespace wirelab::tcp
