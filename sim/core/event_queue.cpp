// EventQueue: slot allocation, cancel, sweeping dead entries — the paths the hold loop
// rarely takes. The per-event paths (push, find_min, run_next) are inline in the header.
#include "sim/core/event_queue.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>

namespace wirelab {

EventQueue::EventQueue(std::uint32_t generation_epoch)
    : buckets_(std::make_unique<std::vector<Entry>[]>(bucket_count)),
      generation_mask_(generation_epoch - 1) {
    if (generation_epoch < 2 || generation_epoch > (1u << 30) ||
        !std::has_single_bit(generation_epoch))
        throw std::invalid_argument(
            "EventQueue: generation_epoch must be a power of two in [2, 2^30]");
}
EventQueue::~EventQueue() = default;

std::uint32_t EventQueue::allocate_slot() {
    if (!free_.empty()) {
        const std::uint32_t i = free_.back();
        free_.pop_back();
        return i;
    }
    if (slot_count_ == TimerId::invalid_slot)
        throw std::length_error("EventQueue: too many pending events");
    if ((slot_count_ & (chunk_size - 1)) == 0) {
        chunks_.push_back(std::make_unique<Slot[]>(chunk_size));
        cancelled_.resize(std::size_t{slot_count_} + chunk_size, ~std::uint32_t{0});
    }
    return slot_count_++;
}

void EventQueue::throw_push(Time t) const {
    if (to_key(t) < last_)
        throw std::invalid_argument("EventQueue::push: time " + format_time(t) +
                                    " is before the last event run (" +
                                    format_time(to_time(last_)) + ")");
    throw std::invalid_argument("EventQueue::push: empty callback");
}

bool EventQueue::is_pending(TimerId id) const {
    if (id.slot >= slot_count_) return false;
    const Slot& s = slot(id.slot);
    return s.state == State::pending && s.generation == id.generation;
}

bool EventQueue::cancel(TimerId id) {
    if (!is_pending(id)) return false;
    Slot& s = slot(id.slot);
    if (s.cb.has_warm()) --warmable_;
    s.cb.reset();
    cancelled_[id.slot] = s.generation++;
    free_slot(id.slot);
    --live_;
    ++dead_;
    on_new_generation(id.slot, s.generation);
    // Cancelled far-future timers (a TCP retransmission timer re-armed on every ACK) would
    // otherwise sit in the high buckets until their time comes.
    if (dead_ > 64 && dead_ > live_) sweep();
    return true;
}

std::optional<Time> EventQueue::next_time() {
    const Entry* e = find_min(~std::uint64_t{0}, false);
    if (e == nullptr) return std::nullopt;
    return to_time(e->key);
}

void EventQueue::drop_dead(std::vector<Entry>& bucket) {
    const auto dead = std::remove_if(bucket.begin(), bucket.end(),
                                     [this](const Entry& e) { return !is_live(e); });
    dead_ -= static_cast<std::size_t>(bucket.end() - dead);
    bucket.erase(dead, bucket.end());
}

void EventQueue::renew_generations(std::uint32_t i, std::uint32_t g) {
    // Slot i holds no pending event now (it is running or free), so every entry of it still
    // in a bucket is dead: once they are swept, all its generations before g are done with.
    sweep();
    cancelled_[i] = g - 1;
}

void EventQueue::sweep() {
    std::vector<Entry>& b0 = buckets_[0];
    b0.erase(b0.begin(), b0.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
    for (unsigned b = 0; b < bucket_count; ++b) {
        drop_dead(buckets_[b]);
        if (b != 0 && buckets_[b].empty()) nonempty_.reset(b);
    }
}

void EventQueue::clear() {
    for (std::uint32_t i = 0; i < slot_count_; ++i) {
        Slot& s = slot(i);
        if (s.state != State::pending) continue;
        s.cb.reset();
        ++s.generation;
        free_slot(i);
    }
    for (unsigned b = 0; b < bucket_count; ++b)
        buckets_[b].clear();
    for (std::uint32_t i = 0; i < slot_count_; ++i) // no entry left: every window starts anew
        cancelled_[i] = slot(i).generation - 1;
    head_ = 0;
    nonempty_.clear();
    live_ = 0;
    dead_ = 0;
    warmable_ = 0;
}

} // namespace wirelab
