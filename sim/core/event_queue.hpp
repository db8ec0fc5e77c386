// EventQueue: the pending events of one simulation, run in (time, insertion) order so
// that events at equal times run first-in first-out — ns-3's (timestamp, uid) rule, and
// what makes a run reproducible. Kernel (kernel.hpp) drives it; World builds on Kernel.
//
// Structure: a radix heap (Ahuja, Mehlhorn, Orlin & Tarjan, 1990) with 8-bit digits. A
// simulation's event set is monotone — nothing is scheduled before the event being run —
// so an event can be filed by where its time first differs from the last time run: bucket
// 0 holds the events at exactly that time; bucket (L, d) those whose highest differing
// 8-bit digit is digit L, with value d there. Every event in (L, d) is earlier than every
// event in a bucket after it, so the earliest event sits in the first non-empty bucket
// (a two-level bitmap finds it). Inserting is one append. Running takes bucket 0's front,
// or, when bucket 0 is empty, finds the smallest time in the first non-empty bucket, makes
// it the new last time and redistributes that bucket, whose events all land in lower
// buckets. An event moves at most 8 times, in practice 2 or 3, always by sequential
// appends — which is why this beats a binary or 4-ary heap, whose sifts miss the cache at
// 100,000 pending events (hold model, keys alone, no callbacks: a 4-ary heap of 16-byte
// keys measured 0.7x std::priority_queue, a 1-bit radix heap 2.7x, 8-bit digits 4.5x;
// the whole EventQueue with its callbacks, tests/bench/bench_hold.cpp, ~2.4x).
//
// FIFO on ties without a sequence number: events with the same time always share a bucket
// (the bucket depends only on the time and the last time), appends keep insertion order,
// and redistribution is stable — so bucket 0 holds equal-time events in insertion order.
//
// Callbacks live in slots (1024-slot chunks: stable addresses, so an event may schedule
// and cancel others while its own callback runs in place); bucket entries are 16 bytes
// (time, slot, generation). Cancel frees the slot at once and bumps its generation; the
// entry left in its bucket is dead and dropped when it is next looked at, and all dead
// entries are swept when they outnumber the live ones.
//
// Telling a dead entry from a live one must not load the entry's slot: finding the dead
// among a bucket's entries (a TCP retransmission timer is cancelled by nearly every ACK)
// would then miss the cache once per entry. A slot's generations only grow, and an entry
// that ran was consumed, so an entry still in a bucket is dead exactly when its slot's
// latest cancelled generation is at least the entry's (while an entry is pending its slot
// is not reused, so every cancel on that slot so far was of an older generation). That
// latest cancelled generation is kept per slot in a dense array, 16 to a cache line,
// stored to by cancel alone: pushing and running an event never touch it. The comparison
// is of 32-bit differences, so every 2^30 generations of a slot (renew_generations) its
// dead entries are swept and its latest cancelled generation moved up, keeping everything
// compared within 2^31 of each other however long the run.
#pragma once

#include "sim/core/callback.hpp"
#include "sim/core/prefetch.hpp"
#include "sim/core/time.hpp"

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
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
    // generation_epoch: generations of a slot between renewals (a power of two in [2, 2^30];
    // tests lower it to exercise renewal).
    explicit EventQueue(std::uint32_t generation_epoch = 1u << 30);
    ~EventQueue();
    EventQueue(const EventQueue&) = delete;
    EventQueue& operator=(const EventQueue&) = delete;

    // Adds an event at time t; among equal times, events run in the order they were pushed.
    // t must not be earlier than the last event run (std::invalid_argument), and cb must
    // not be empty (std::invalid_argument).
    // F: any callable `void()` — a Callback, or a lambda constructed straight in its slot.
    template <class F> TimerId push(Time t, F&& f);
    // Removes a pending event; false if the handle's event already ran, is running or was
    // cancelled.
    bool cancel(TimerId id);
    // True while the handle's event is waiting in the queue.
    bool is_pending(TimerId id) const;
    // Starts loading what cancel(id) will read (prefetch.hpp): only a hint.
    void warm(TimerId id) const {
        if (id.slot >= slot_count_) return;
        prefetch(&slot(id.slot));
        prefetch(&cancelled_[id.slot]);
    }

    std::size_t size() const { return live_; }
    bool empty() const { return live_ == 0; }
    // Time of the earliest pending event, or nullopt when empty. Does not advance the
    // queue: pushing at any time >= the last event run stays allowed.
    std::optional<Time> next_time();

    // If the earliest pending event has time <= limit: removes it, calls before(time), then
    // runs its callback in place (it may push and cancel freely) and frees its slot, even
    // if the callback throws. Returns false, doing nothing, otherwise.
    template <class Before> bool run_next(Time limit, Before&& before);

    // Drops every pending event (their callbacks are destroyed, their handles go stale).
    void clear();

    // How many of the next events run_next warms before it runs one (Callback::warm): each
    // of them gets its next level, so an event is warmed at levels 0, 1, ... as it comes
    // nearer — one hop of what it will read per event run — and, once it has been among the
    // next warm_depth events that long, its whole chain is in cache by its turn. An event
    // scheduled close ahead starts at level 0 all the same: the first hops first. Levels are
    // hints: a callable that skips one, or an event never warmed, only waits for memory.
    // Only while an event with a warm() is pending: plain callbacks never look ahead.
    static constexpr unsigned warm_depth = 6;

private:
    enum class State : std::uint8_t { free, pending, running };
    struct alignas(64) Slot { // one cache line: the callback and its bookkeeping
        Callback cb;
        std::uint32_t generation = 0;
        State state = State::free;
        std::uint8_t warmed = 0; // levels of warm() called so far (warm_next)
    };
    static constexpr std::uint32_t chunk_bits = 10;
    static constexpr std::uint32_t chunk_size = 1u << chunk_bits;
    static constexpr std::size_t prefetch_max = 1024;
    static constexpr std::size_t prefetch_l2_max = 8192;

    // key: the time with its sign bit flipped, so unsigned order is signed order.
    struct Entry {
        std::uint64_t key;
        std::uint32_t slot;
        std::uint32_t generation;
    };
    static std::uint64_t to_key(Time t) {
        return static_cast<std::uint64_t>(t) ^ (std::uint64_t{1} << 63);
    }
    static Time to_time(std::uint64_t key) {
        return static_cast<Time>(key ^ (std::uint64_t{1} << 63));
    }
    // Bucket 0: key == last. Otherwise 1 + 256 L + d, L the highest digit where key and
    // last differ, d key's digit there.
    static constexpr unsigned digit_bits = 8;
    static constexpr unsigned bucket_count = 1 + (64 / digit_bits << digit_bits);
    // The last bucket of digit level L (level L holds buckets 1 + 256 L ... 256 (L + 1)).
    static constexpr unsigned level_bucket_end(unsigned level) { return (level + 1) << digit_bits; }
    static unsigned bucket_of(std::uint64_t key, std::uint64_t last) {
        const std::uint64_t diff = key ^ last;
        if (diff == 0) return 0;
        const unsigned level = static_cast<unsigned>(63 - std::countl_zero(diff)) / digit_bits;
        const unsigned digit = static_cast<unsigned>(key >> (level * digit_bits)) & 0xff;
        return 1 + (level << digit_bits) + digit;
    }

    // Which buckets (>= 1) may hold entries: a bit per bucket, and a bit per word of those.
    class BucketBitmap {
    public:
        void set(unsigned b) {
            words_[b >> 6] |= std::uint64_t{1} << (b & 63);
            summary_ |= std::uint64_t{1} << (b >> 6);
        }
        void reset(unsigned b) {
            std::uint64_t& w = words_[b >> 6];
            w &= ~(std::uint64_t{1} << (b & 63));
            if (w == 0) summary_ &= ~(std::uint64_t{1} << (b >> 6));
        }
        bool empty() const { return summary_ == 0; }
        unsigned first() const { // requires !empty()
            const auto w = static_cast<unsigned>(std::countr_zero(summary_));
            return w * 64 + static_cast<unsigned>(std::countr_zero(words_[w]));
        }
        // The first bucket after b that may hold entries, if it is at most `last`; else 0.
        unsigned next(unsigned b, unsigned last) const {
            unsigned w = (b + 1) >> 6;
            std::uint64_t bits = words_[w] & (~std::uint64_t{0} << ((b + 1) & 63));
            while (bits == 0) {
                if (++w > (last >> 6)) return 0;
                bits = words_[w];
            }
            const unsigned found = w * 64 + static_cast<unsigned>(std::countr_zero(bits));
            return found <= last ? found : 0;
        }
        void clear() { *this = BucketBitmap{}; }

    private:
        static_assert((bucket_count + 63) / 64 <= 64);
        std::array<std::uint64_t, (bucket_count + 63) / 64> words_{};
        std::uint64_t summary_ = 0;
    };

    Slot& slot(std::uint32_t i) { return chunks_[i >> chunk_bits][i & (chunk_size - 1)]; }
    const Slot& slot(std::uint32_t i) const {
        return chunks_[i >> chunk_bits][i & (chunk_size - 1)];
    }
    bool is_live(const Entry& e) const { // differences, so a wrapped generation still works
        return static_cast<std::int32_t>(cancelled_[e.slot] - e.generation) < 0;
    }
    // The slot's generation just became g (its event ran or was cancelled): at each epoch's
    // start, sweep the dead entries and move the slot's latest cancelled generation up.
    void on_new_generation(std::uint32_t i, std::uint32_t g) {
        if ((g & generation_mask_) == 0) [[unlikely]]
            renew_generations(i, g);
    }
    void renew_generations(std::uint32_t i, std::uint32_t g);
    std::uint32_t allocate_slot();
    void free_slot(std::uint32_t i) {
        slot(i).state = State::free;
        free_.push_back(i);
    }
    // Makes front() the earliest live entry if its time is <= limit (redistributing a
    // bucket when commit is set); returns it, or nullptr. Without commit, only looks.
    const Entry* find_min(std::uint64_t limit_key, bool commit);
    // Warms the events after the one at bucket 0's head_ (see warm_depth), in run order as
    // far as it is known without sorting: the rest of bucket 0, then the buckets of digit
    // levels 0 and 1, bucket by bucket (each such bucket is earlier than the next; within one
    // the order is not looked for). Later buckets are left alone.
    void warm_next();
    void drop_dead(std::vector<Entry>& bucket);
    void sweep();
    [[noreturn]] void throw_push(Time t) const;

    std::unique_ptr<std::vector<Entry>[]> buckets_;
    std::size_t head_ = 0; // bucket 0 is consumed from here (a FIFO)
    BucketBitmap nonempty_;
    std::uint64_t last_ = 0; // key of the last event run: the floor for pushes
    std::vector<std::unique_ptr<Slot[]>> chunks_;
    // By slot: the generation of its latest cancelled event (initially one before the first).
    std::vector<std::uint32_t> cancelled_;
    std::uint32_t generation_mask_;
    std::vector<std::uint32_t> free_;
    std::uint32_t slot_count_ = 0;
    std::size_t live_ = 0;
    std::size_t dead_ = 0;     // cancelled entries still in buckets
    std::size_t warmable_ = 0; // pending events whose callable has warm(): else no warm_next
};

// ---- hot paths, inline -------------------------------------------------------------------

template <class F> TimerId EventQueue::push(Time t, F&& f) {
    const std::uint64_t key = to_key(t);
    if constexpr (std::is_same_v<std::decay_t<F>, Callback>) {
        static_assert(!std::is_lvalue_reference_v<F>, "Callback is move-only: std::move it in");
        if (key < last_ || !f) [[unlikely]]
            throw_push(t);
    } else {
        if (key < last_) [[unlikely]]
            throw_push(t);
    }
    const std::uint32_t i = allocate_slot();
    Slot& s = slot(i);
    const unsigned b = bucket_of(key, last_);
    std::vector<Entry>& bucket = buckets_[b];
    try { // a throwing constructor or a failed allocation leaves the queue as it was
        if constexpr (std::is_same_v<std::decay_t<F>, Callback>)
            s.cb = std::move(f);
        else
            s.cb.emplace(std::forward<F>(f));
        bucket.push_back(Entry{key, i, s.generation});
    } catch (...) {
        s.cb.reset();
        free_slot(i);
        throw;
    }
    s.state = State::pending;
    s.warmed = 0;
    if (s.cb.has_warm()) ++warmable_;
    // Appends walk a bucket's buffer, cold since its last use: fetch the next line early.
    // (Integer arithmetic: the address may lie past the buffer; a prefetch never faults.)
    const auto end = reinterpret_cast<std::uintptr_t>(bucket.data() + bucket.size());
    prefetch_for_write(reinterpret_cast<const void*>(end + 64));
    if (b != 0) nonempty_.set(b); // bucket 0 goes by head_ instead
    ++live_;
    return TimerId{i, s.generation};
}

inline const EventQueue::Entry* EventQueue::find_min(std::uint64_t limit_key, bool commit) {
    for (;;) {
        std::vector<Entry>& b0 = buckets_[0];
        while (head_ < b0.size()) {
            const Entry& e = b0[head_];
            if (dead_ != 0 && !is_live(e)) {
                ++head_;
                --dead_;
                continue;
            }
            return e.key <= limit_key ? &e : nullptr;
        }
        b0.clear();
        head_ = 0;
        if (nonempty_.empty()) return nullptr;
        const unsigned bi = nonempty_.first();
        std::vector<Entry>& bucket = buckets_[bi];
        if (dead_ != 0) drop_dead(bucket);
        if (bucket.empty()) {
            nonempty_.reset(bi);
            continue;
        }
        std::uint64_t min = bucket[0].key;
        for (const Entry& e : bucket)
            min = e.key < min ? e.key : min;
        if (min > limit_key) return nullptr;
        if (!commit) {
            for (const Entry& e : bucket)
                if (e.key == min) return &e; // the first one: FIFO
        }
        // Redistribute: every entry now differs from min in a lower digit than before.
        // This bucket holds exactly the next events to run, so unless it is huge, start
        // loading their slots now (cold in a large queue: this hides most of that miss).
        last_ = min;
        if (bi <= level_bucket_end(1)) {
            if (bucket.size() <= prefetch_max)
                for (const Entry& e : bucket)
                    prefetch_for_write(&slot(e.slot));
        } else if (bi <= level_bucket_end(2) && bucket.size() <= prefetch_l2_max) {
            for (const Entry& e : bucket)
                prefetch_for_write(&slot(e.slot), false);
        }
        for (const Entry& e : bucket) {
            const unsigned to = bucket_of(e.key, min);
            buckets_[to].push_back(e);
            if (to != 0) nonempty_.set(to);
        }
        bucket.clear();
        nonempty_.reset(bi);
    }
}

inline void EventQueue::warm_next() {
    unsigned n = 0;
    const auto visit = [&](const Entry& e) {
        if (dead_ != 0 && !is_live(e)) return true;
        Slot& s = slot(e.slot);
        if (s.warmed < warm_depth) // a warm() with nothing deeper to load is not asked again
            s.warmed = s.cb.warm(s.warmed) ? static_cast<std::uint8_t>(s.warmed + 1) : warm_depth;
        return ++n < warm_depth;
    };
    const std::vector<Entry>& b0 = buckets_[0];
    for (std::size_t i = head_; i < b0.size(); ++i)
        if (!visit(b0[i])) return;
    constexpr unsigned last = level_bucket_end(1);
    for (unsigned b = nonempty_.next(0, last); b != 0; b = nonempty_.next(b, last))
        for (const Entry& e : buckets_[b])
            if (!visit(e)) return;
}

template <class Before> bool EventQueue::run_next(Time limit, Before&& before) {
    const Entry* e = find_min(to_key(limit), true);
    if (e == nullptr) return false;
    const Time t = to_time(e->key);
    const std::uint32_t i = e->slot;
    ++head_;
    --live_;
    Slot& s = slot(i);
    s.state = State::running;
    on_new_generation(i, ++s.generation);
    struct Release {
        EventQueue& q;
        std::uint32_t i;
        Slot& s;
        ~Release() {
            s.cb.reset();
            q.free_slot(i);
        }
    } release{*this, i, s};
    if (s.cb.has_warm()) --warmable_;
    if (warmable_ != 0) warm_next();
    before(t);
    s.cb();
    return true;
}

} // namespace wirelab
