// FlatMap: a hash map from 64-bit integer keys to small values, for the lookups a frame pays
// on its way (the switch's MAC table, TCP's connection demultiplexing, the IP -> host index).
// Open addressing with linear probing in one array of (key, value) slots, so a lookup is
// usually one cache line, where std::unordered_map chases a pointer to a heap node (profiled
// at 10,000 connections: 5% of a full-stack run in unordered_map::find and operator[]).
// Erasure shifts the following entries back (no tombstones). Never iterated by the
// simulation, so its order cannot leak into a trace.
#pragma once

#include "sim/core/prefetch.hpp"

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

namespace wirelab {

template <class V> class FlatMap {
    static_assert(std::is_nothrow_move_constructible_v<V>);

public:
    FlatMap() = default;

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }

    V* find(std::uint64_t key) {
        if (size_ == 0) return nullptr;
        for (std::size_t i = home(key);; i = (i + 1) & mask_) {
            Slot& s = slots_[i];
            if (!s.used) return nullptr;
            if (s.key == key) return &s.value;
        }
    }
    const V* find(std::uint64_t key) const { return const_cast<FlatMap*>(this)->find(key); }
    // Starts loading the line where find(key) will look first (prefetch.hpp).
    void warm(std::uint64_t key) const {
        if (size_ != 0) prefetch(&slots_[home(key)]);
    }
    bool contains(std::uint64_t key) const { return find(key) != nullptr; }

    // The value for key, default-constructed first if absent.
    V& operator[](std::uint64_t key) {
        if ((size_ + 1) * 4 > slots_.size() * 3) grow(); // load factor <= 3/4
        std::size_t i = home(key);
        for (;; i = (i + 1) & mask_) {
            Slot& s = slots_[i];
            if (!s.used) break;
            if (s.key == key) return s.value;
        }
        Slot& s = slots_[i];
        s.used = true;
        s.key = key;
        s.value = V{};
        ++size_;
        return s.value;
    }

    // Removes key; false if it was absent.
    bool erase(std::uint64_t key) {
        if (size_ == 0) return false;
        std::size_t i = home(key);
        for (;; i = (i + 1) & mask_) {
            if (!slots_[i].used) return false;
            if (slots_[i].key == key) break;
        }
        // Backward-shift: move up every later entry of the run whose home is not between
        // the hole and it, so probing never meets a gap before its key.
        for (std::size_t j = (i + 1) & mask_; slots_[j].used; j = (j + 1) & mask_) {
            const std::size_t h = home(slots_[j].key);
            const bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
            if (stays) continue;
            slots_[i].key = slots_[j].key;
            slots_[i].value = std::move(slots_[j].value);
            i = j;
        }
        slots_[i].used = false;
        slots_[i].value = V{};
        --size_;
        return true;
    }

    void clear() {
        slots_.clear();
        mask_ = 0;
        size_ = 0;
    }

private:
    struct Slot {
        std::uint64_t key = 0;
        V value{};
        bool used = false;
    };

    std::size_t home(std::uint64_t key) const {
        // Fibonacci hashing: the high bits of key * 2^64/phi, well mixed for packed keys.
        return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 32) & mask_;
    }

    void grow() {
        std::vector<Slot> old = std::move(slots_);
        const std::size_t n = old.empty() ? 16 : old.size() * 2;
        slots_.assign(n, Slot{});
        mask_ = n - 1;
        for (Slot& s : old) {
            if (!s.used) continue;
            std::size_t i = home(s.key);
            while (slots_[i].used)
                i = (i + 1) & mask_;
            slots_[i] = std::move(s);
        }
    }

    std::vector<Slot> slots_;
    std::size_t mask_ = 0;
    std::size_t size_ = 0;
};

} // namespace wirelab
