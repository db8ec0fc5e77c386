// ReceivedEvents: the events one Socket.IO client received, in order, as (name, args) pairs
// (what SioStage::client_received gives). Kept in blocks of `block` events that never
// move: the list grows without copying what it holds (a vector's doubling moves every event
// again, each a few cache lines that are cold with 10,000 clients), and an event is built
// once, where it stays.
//   SioStage::on_message -> emplace_back() -> Client::receive_plain_event fills it in
#pragma once

#include "sim/proto/sio/event_args.hpp"

#include <cstddef>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace wirelab::sio {

class ReceivedEvents {
public:
    using value_type = std::pair<std::string, EventArgs>;
    static constexpr std::size_t block = 8;

    ReceivedEvents() = default;
    ReceivedEvents(const ReceivedEvents& o);
    ReceivedEvents(ReceivedEvents&& o) noexcept;
    ReceivedEvents& operator=(ReceivedEvents o) noexcept;
    ~ReceivedEvents();

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    const value_type& operator[](std::size_t i) const { return blocks_[i / block][i % block]; }
    value_type& operator[](std::size_t i) { return blocks_[i / block][i % block]; }
    const value_type& at(std::size_t i) const; // std::out_of_range past the end
    const value_type& back() const { return (*this)[size_ - 1]; }

    // A new event at the end: an empty name, null args.
    value_type& emplace_back() {
        const std::size_t slot = size_ % block;
        if (slot == 0) next_block();
        value_type* p = ::new (static_cast<void*>(tail_ + slot)) value_type();
        ++size_;
        return *p;
    }
    // Where the next emplace_back() builds its event, if that block exists already (null
    // otherwise): so that a caller can start loading the memory early. Nothing is built.
    const void* next_address() const {
        const std::size_t slot = size_ % block;
        return slot == 0 ? nullptr : static_cast<const void*>(tail_ + slot);
    }
    void pop_back(); // not on an empty list
    void clear();

    class const_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = ReceivedEvents::value_type;
        using difference_type = std::ptrdiff_t;
        using pointer = const value_type*;
        using reference = const value_type&;
        const_iterator() = default;
        reference operator*() const { return (*list_)[i_]; }
        pointer operator->() const { return &(*list_)[i_]; }
        const_iterator& operator++() {
            ++i_;
            return *this;
        }
        const_iterator operator++(int) {
            const_iterator old = *this;
            ++i_;
            return old;
        }
        bool operator==(const const_iterator& o) const { return i_ == o.i_; }

    private:
        friend class ReceivedEvents;
        const_iterator(const ReceivedEvents* list, std::size_t i) : list_(list), i_(i) {}
        const ReceivedEvents* list_ = nullptr;
        std::size_t i_ = 0;
    };
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, size_}; }

private:
    void next_block(); // tail_ = the block of event size_ (allocated if new)

    std::vector<value_type*> blocks_; // each `block` slots; the first size_ events are built
    value_type* tail_ = nullptr;      // the block event size_ goes to, when size_ % block != 0
    std::size_t size_ = 0;
};

} // namespace wirelab::sio
