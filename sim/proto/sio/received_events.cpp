// ReceivedEvents: a client's received events in blocks that never move (received_events.hpp).
#include "sim/proto/sio/received_events.hpp"

#include <memory>
#include <stdexcept>

namespace wirelab::sio {

namespace {
using Alloc = std::allocator<ReceivedEvents::value_type>;
constexpr std::size_t first_blocks = 4;
} // namespace

ReceivedEvents::ReceivedEvents(const ReceivedEvents& o) {
    for (const value_type& e : o) {
        value_type& copy = emplace_back();
        copy = e;
    }
}

ReceivedEvents::ReceivedEvents(ReceivedEvents&& o) noexcept
    : blocks_(std::move(o.blocks_)), tail_(std::exchange(o.tail_, nullptr)),
      size_(std::exchange(o.size_, 0)) {
    o.blocks_.clear();
}

ReceivedEvents& ReceivedEvents::operator=(ReceivedEvents o) noexcept {
    std::swap(blocks_, o.blocks_);
    std::swap(tail_, o.tail_);
    std::swap(size_, o.size_);
    return *this;
}

ReceivedEvents::~ReceivedEvents() {
    clear();
    for (value_type* b : blocks_)
        Alloc().deallocate(b, block);
}

const ReceivedEvents::value_type& ReceivedEvents::at(std::size_t i) const {
    if (i >= size_) throw std::out_of_range("ReceivedEvents::at");
    return (*this)[i];
}

void ReceivedEvents::next_block() {
    const std::size_t b = size_ / block;
    if (b == blocks_.size()) {
        // Room for four blocks' pointers at once: a client's first 32 events allocate the
        // list once, not at 1, 2 and 4 blocks.
        if (blocks_.empty()) blocks_.reserve(first_blocks);
        blocks_.push_back(nullptr);
        try {
            blocks_.back() = Alloc().allocate(block);
        } catch (...) {
            blocks_.pop_back();
            throw;
        }
    }
    tail_ = blocks_[b];
}

// The block stays for the next event (emplace_back finds it again through next_block, or
// in tail_ when the event was not the first of its block).
void ReceivedEvents::pop_back() {
    --size_;
    std::destroy_at(&(*this)[size_]);
}

void ReceivedEvents::clear() {
    while (size_ > 0)
        pop_back();
}

} // namespace wirelab::sio
