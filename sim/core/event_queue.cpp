// EventQueue: slot allocation, cancel, compaction — the paths the hold loop rarely takes.
// The per-event paths (push, pop, run_next) are inline in event_queue.hpp.
#include "sim/core/event_queue.hpp"

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>

namespace wirelab {

namespace {
constexpr std::align_val_t key_align{64};
}

void EventQueue::AlignedFree::operator()(Key* p) const {
    ::operator delete[](p, key_align);
}

void EventQueue::KeyBuffer::grow() {
    std::size_t cap = capacity_ == 0 ? 64 : capacity_ * 2;
    Key* fresh = static_cast<Key*>(::operator new[](cap * sizeof(Key), key_align));
    if (size_ != 0) std::memcpy(fresh, data_.get(), size_ * sizeof(Key));
    data_.reset(fresh);
    capacity_ = cap;
}

EventQueue::EventQueue() {
    for (std::size_t i = 0; i < first; ++i)
        heap_.push_back(Key{0, 0});
}

EventQueue::~EventQueue() = default;

std::uint32_t EventQueue::allocate_slot() {
    if (!free_.empty()) {
        std::uint32_t i = free_.back();
        free_.pop_back();
        return i;
    }
    if (slot_count_ > slot_mask)
        throw std::length_error("EventQueue: more than 2^24 pending events");
    if (next_seq_ >> (64 - slot_bits))
        throw std::length_error("EventQueue: more than 2^40 insertions");
    if ((slot_count_ & (chunk_size - 1)) == 0)
        chunks_.push_back(std::make_unique<Slot[]>(chunk_size));
    return slot_count_++;
}

bool EventQueue::is_pending(TimerId id) const {
    if (id.slot >= slot_count_) return false;
    const Slot& s = slot(id.slot);
    return s.state == State::pending && s.generation == id.generation;
}

bool EventQueue::cancel(TimerId id) {
    if (!is_pending(id)) return false;
    Slot& s = slot(id.slot);
    s.cb.reset();
    s.state = State::cancelled;
    ++s.generation;
    ++cancelled_;
    if (cancelled_ > 64 && cancelled_ * 2 > heap_.size() - first) compact();
    return true;
}

std::optional<Time> EventQueue::next_time() {
    if (cancelled_ != 0) skip_cancelled();
    if (heap_.size() == first) return std::nullopt;
    return key_time(heap_[first]);
}

// Drops every dead key and rebuilds the heap bottom-up (Floyd), O(n).
void EventQueue::compact() {
    std::size_t out = first;
    for (std::size_t in = first; in < heap_.size(); ++in) {
        std::uint32_t i = key_slot(heap_[in]);
        if (slot(i).state == State::cancelled)
            free_slot(i);
        else
            heap_[out++] = heap_[in];
    }
    heap_.resize_down(out);
    cancelled_ = 0;
    std::size_t n = heap_.size();
    if (n <= first + 1) return;
    for (std::size_t p = parent(n - 1) + 1; p-- > first;) {
        Key k = heap_[p];
        std::size_t pos = p;
        for (;;) {
            std::size_t c = first_child(pos);
            if (c >= n) break;
            std::size_t best = c;
            for (std::size_t j = c + 1; j < std::min(c + 4, n); ++j)
                if (less(heap_[j], heap_[best])) best = j;
            if (!less(heap_[best], k)) break;
            heap_[pos] = heap_[best];
            pos = best;
        }
        heap_[pos] = k;
    }
}

void EventQueue::clear() {
    for (std::size_t in = first; in < heap_.size(); ++in) {
        std::uint32_t i = key_slot(heap_[in]);
        Slot& s = slot(i);
        if (s.state == State::pending) {
            s.cb.reset();
            ++s.generation;
        }
        free_slot(i);
    }
    heap_.resize_down(first);
    cancelled_ = 0;
}

} // namespace wirelab
