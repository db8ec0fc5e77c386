// ByteQueue: the FIFO of bytes behind a TCP connection's send buffer (unacknowledged and
// unsent data) and its receive buffer (in-order data the application has not read). Bytes
// go in at the back and leave from the front; the live bytes are always contiguous, so a
// segment's payload or a read is one memcpy. It keeps its capacity: a connection trading
// small messages allocates nothing in the steady state (std::deque<uint8_t>, used before,
// allocated a 512-byte node at construction and another each time the data crossed one,
// and a range insert into an empty deque allocated at the front). The storage is a plain
// array rather than a std::vector: an append is a bounds check and a memcpy, without
// vector::insert's generic range machinery or the zero-fill of a resize.
//
// Used by tcp::Connection (connection.hpp) only.
#pragma once

#include "sim/wire/bytes.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <utility>

namespace wirelab::tcp {

class ByteQueue {
public:
    ByteQueue() = default;
    ByteQueue(const ByteQueue& o) { append(o.view()); }
    ByteQueue& operator=(const ByteQueue& o) {
        if (this != &o) {
            clear();
            append(o.view());
        }
        return *this;
    }
    ByteQueue(ByteQueue&& o) noexcept
        : buf_(std::move(o.buf_)), cap_(std::exchange(o.cap_, 0)), head_(std::exchange(o.head_, 0)),
          tail_(std::exchange(o.tail_, 0)) {}
    ByteQueue& operator=(ByteQueue&& o) noexcept {
        if (this != &o) {
            buf_ = std::move(o.buf_);
            cap_ = std::exchange(o.cap_, 0);
            head_ = std::exchange(o.head_, 0);
            tail_ = std::exchange(o.tail_, 0);
        }
        return *this;
    }

    std::size_t size() const { return tail_ - head_; }
    bool empty() const { return head_ == tail_; }
    // The live bytes, front first; valid until the next append or erase_front.
    const std::uint8_t* data() const { return buf_.get() + head_; }
    wire::ByteView view() const { return {data(), size()}; }
    // Where the next append writes (null before the first): for a caller that wants it
    // loaded ahead; appending may still move the bytes.
    const std::uint8_t* back_address() const { return buf_ ? buf_.get() + tail_ : nullptr; }

    void append(wire::ByteView bytes) {
        if (bytes.empty()) return;
        if (bytes.size() > cap_ - tail_) make_room(bytes.size());
        std::memcpy(buf_.get() + tail_, bytes.data(), bytes.size());
        tail_ += static_cast<std::uint32_t>(bytes.size());
    }
    // Drops the first n bytes (n <= size()).
    void erase_front(std::size_t n) {
        head_ += static_cast<std::uint32_t>(n);
        if (head_ == tail_) {
            clear();
        } else if (head_ >= compact_at && head_ >= tail_ / 2) {
            compact();
        }
    }
    void clear() { head_ = tail_ = 0; }

private:
    // Past this many dead bytes at the front (and half the buffer), the rest is moved down.
    static constexpr std::size_t compact_at = 4096;
    void compact() {
        if (head_ != tail_) std::memmove(buf_.get(), buf_.get() + head_, tail_ - head_);
        tail_ -= head_;
        head_ = 0;
    }
    // Room for n more bytes at the back: move the live bytes down when that makes enough
    // room, else reallocate to at least twice the capacity.
    void make_room(std::size_t n) {
        if (head_ != 0) {
            compact();
            if (n <= cap_ - tail_) return;
        }
        std::size_t cap = std::max({std::size_t{cap_} * 2, tail_ + n, std::size_t{64}});
        if (cap > max_capacity) cap = std::max<std::size_t>(max_capacity, tail_ + n);
        if (cap > max_capacity) throw std::length_error("tcp::ByteQueue: over 4 GiB");
        auto bigger = std::make_unique_for_overwrite<std::uint8_t[]>(cap);
        if (tail_ != 0) std::memcpy(bigger.get(), buf_.get(), tail_);
        buf_ = std::move(bigger);
        cap_ = static_cast<std::uint32_t>(cap);
    }
    // 32-bit offsets (a connection's buffers are bounded by its 32-bit window and send
    // buffer sizes): 24 bytes, so both queues and a borrowed view share one cache line of
    // the connection.
    static constexpr std::size_t max_capacity = 0xffffffffu;
    std::unique_ptr<std::uint8_t[]> buf_;
    std::uint32_t cap_ = 0;
    std::uint32_t head_ = 0; // bytes before it were consumed
    std::uint32_t tail_ = 0; // end of the live bytes
};

} // namespace wirelab::tcp
