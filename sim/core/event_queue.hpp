// EventQueue: the pending events of one simulation, ordered by (time, insertion sequence)
// so that events at equal times run first-in first-out — the same rule as ns-3's
// (timestamp, uid), and what makes a run reproducible. Kernel (kernel.hpp) drives it;
// World builds on Kernel.
//
// Layout, chosen by the hold-model benchmark (tests/bench/bench_hold.cpp):
//  - the heap is an implicit 4-ary min-heap of 16-byte keys (time, then sequence << 24 |
//    slot), so a sift moves only keys and one 128-bit compare orders two events; the 4
//    children of a node share one 64-byte cache line;
//  - callbacks live in a slot array of fixed 1024-slot chunks (stable addresses, so an
//    event may schedule others while its own callback runs in place);
//  - cancel is lazy: it destroys the callback and bumps the slot's generation, and the
//    dead key is skipped when it reaches the top. When dead keys outnumber live ones the
//    heap is rebuilt, so cancelled far-future timers cannot pile up.
// Limits: 2^24 events pending at once, 2^40 insertions per queue (std::length_error).
#pragma once

#include "sim/core/callback.hpp"
#include "sim/core/time.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

namespace wirelab {

// Handle to a scheduled event. Cancelling through a handle whose event already ran or was
// cancelled is harmless, even after its slot was reused by a newer event (the generation
// no longer matches). A default-constructed TimerId refers to nothing.
struct TimerId {
    static constexpr std::uint32_t invalid_slot = 0xffff'ffff;
    std::uint32_t slot = invalid_slot;
    std::uint32_t generation = 0;
    friend bool operator==(TimerId, TimerId) = default;
};

class EventQueue {
public:
    EventQueue();
    ~EventQueue();
    EventQueue(const EventQueue&) = delete;
    EventQueue& operator=(const EventQueue&) = delete;

    // Adds an event at time t; among equal times, events run in the order they were pushed.
    // cb must not be empty (std::invalid_argument).
    TimerId push(Time t, Callback cb);
    // Removes a pending event; false if the handle's event already ran, is running or was
    // cancelled.
    bool cancel(TimerId id);
    // True while the handle's event is waiting in the queue.
    bool is_pending(TimerId id) const;

    std::size_t size() const { return heap_.size() - first - cancelled_; }
    bool empty() const { return size() == 0; }
    // Time of the earliest pending event, or nullopt when empty.
    std::optional<Time> next_time();

    // If the earliest pending event has time <= limit: removes it, calls before(time), then
    // runs its callback in place (it may push and cancel freely) and frees its slot, even
    // if the callback throws. Returns false, doing nothing, otherwise.
    template <class Before> bool run_next(Time limit, Before&& before);

    // Drops every pending event (their callbacks are destroyed, their handles go stale).
    void clear();

private:
    enum class State : std::uint8_t { free, pending, cancelled, running };
    struct Slot {
        Callback cb;
        std::uint32_t generation = 0;
        State state = State::free;
    };
    static constexpr std::uint32_t chunk_bits = 10;
    static constexpr std::uint32_t chunk_size = 1u << chunk_bits;
    static constexpr unsigned slot_bits = 24;
    static constexpr std::uint64_t slot_mask = (std::uint64_t{1} << slot_bits) - 1;

    // hi: the time with its sign bit flipped (so unsigned order is signed order);
    // lo: sequence << 24 | slot. Sequences are unique, so (hi, lo) decides the order.
    struct Key {
        std::uint64_t lo;
        std::uint64_t hi;
    };
    __extension__ typedef unsigned __int128 u128;
    static bool less(const Key& a, const Key& b) {
        return ((u128(a.hi) << 64) | a.lo) < ((u128(b.hi) << 64) | b.lo);
    }
    static Time key_time(const Key& k) {
        return static_cast<Time>(k.hi ^ (std::uint64_t{1} << 63));
    }
    static std::uint32_t key_slot(const Key& k) {
        return static_cast<std::uint32_t>(k.lo & slot_mask);
    }

    // Physical layout: the root is heap_[first]; the children of node p are 4p-8 .. 4p-5,
    // which start on a multiple of 4 keys (64 bytes) — hence the three unused leading keys.
    static constexpr std::size_t first = 3;
    static std::size_t parent(std::size_t p) { return p / 4 + 2; }
    static std::size_t first_child(std::size_t p) { return 4 * p - 8; }

    Slot& slot(std::uint32_t i) { return chunks_[i >> chunk_bits][i & (chunk_size - 1)]; }
    const Slot& slot(std::uint32_t i) const {
        return chunks_[i >> chunk_bits][i & (chunk_size - 1)];
    }
    std::uint32_t allocate_slot();
    void free_slot(std::uint32_t i) {
        Slot& s = slot(i);
        s.state = State::free;
        free_.push_back(i);
    }
    void sift_up(std::size_t pos, Key k);
    void pop_top();
    void skip_cancelled();
    void compact();

    struct AlignedFree {
        void operator()(Key* p) const;
    };
    // The heap: a vector-like buffer aligned to 64 bytes (std::vector only promises 16).
    class KeyBuffer {
    public:
        std::size_t size() const { return size_; }
        Key& operator[](std::size_t i) { return data_[i]; }
        const Key& operator[](std::size_t i) const { return data_[i]; }
        void push_back(const Key& k) {
            if (size_ == capacity_) grow();
            data_[size_++] = k;
        }
        void pop_back() { --size_; }
        void resize_down(std::size_t n) { size_ = n; }
        Key* data() { return data_.get(); }

    private:
        void grow();
        std::unique_ptr<Key[], AlignedFree> data_;
        std::size_t size_ = 0;
        std::size_t capacity_ = 0;
    };

    KeyBuffer heap_;
    std::vector<std::unique_ptr<Slot[]>> chunks_;
    std::vector<std::uint32_t> free_;
    std::uint32_t slot_count_ = 0;
    std::size_t cancelled_ = 0; // dead keys still in heap_
    std::uint64_t next_seq_ = 0;
};

// ---- hot paths, inline -------------------------------------------------------------------

inline TimerId EventQueue::push(Time t, Callback cb) {
    std::uint32_t i = allocate_slot();
    Slot& s = slot(i);
    s.cb = std::move(cb);
    s.state = State::pending;
    Key k{(next_seq_++ << slot_bits) | i, static_cast<std::uint64_t>(t) ^ (std::uint64_t{1} << 63)};
    heap_.push_back(k);
    sift_up(heap_.size() - 1, k);
    return TimerId{i, s.generation};
}

inline void EventQueue::sift_up(std::size_t pos, Key k) {
    while (pos > first) {
        std::size_t up = parent(pos);
        if (!less(k, heap_[up])) break;
        heap_[pos] = heap_[up];
        pos = up;
    }
    heap_[pos] = k;
}

// Removes heap_[first]: the last key drops into the hole left at the root.
inline void EventQueue::pop_top() {
    std::size_t end = heap_.size() - 1;
    Key last = heap_[end];
    heap_.pop_back();
    if (end == first) return;
    std::size_t pos = first;
    for (;;) {
        std::size_t c = first_child(pos);
        if (c >= end) break;
        std::size_t best = c;
        if (c + 3 < end) {
            std::size_t a = less(heap_[c + 1], heap_[c]) ? c + 1 : c;
            std::size_t b = less(heap_[c + 3], heap_[c + 2]) ? c + 3 : c + 2;
            best = less(heap_[b], heap_[a]) ? b : a;
        } else {
            for (std::size_t j = c + 1; j < end; ++j)
                if (less(heap_[j], heap_[best])) best = j;
        }
        if (!less(heap_[best], last)) break;
        heap_[pos] = heap_[best];
        pos = best;
    }
    heap_[pos] = last;
}

inline void EventQueue::skip_cancelled() {
    while (heap_.size() > first) {
        std::uint32_t i = key_slot(heap_[first]);
        if (slot(i).state != State::cancelled) return;
        pop_top();
        --cancelled_;
        free_slot(i);
    }
}

template <class Before> bool EventQueue::run_next(Time limit, Before&& before) {
    if (cancelled_ != 0) skip_cancelled();
    if (heap_.size() == first) return false;
    const Key top = heap_[first];
    const Time t = key_time(top);
    if (t > limit) return false;
    const std::uint32_t i = key_slot(top);
    pop_top();
    Slot& s = slot(i);
    s.state = State::running;
    ++s.generation;
    struct Release {
        EventQueue& q;
        std::uint32_t i;
        Slot& s;
        ~Release() {
            s.cb.reset();
            q.free_slot(i);
        }
    } release{*this, i, s};
    before(t);
    s.cb();
    return true;
}

} // namespace wirelab
