// A growable byte buffer for the WebSocket engine's output queue and message arena: it never
// zero-fills on growth (std::vector<uint8_t>::resize would memset) and keeps its capacity, so
// the steady state allocates nothing.
#pragma once

#include "sim/wire/bytes.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>

namespace wirelab::ws {

// A growable byte buffer that never zero-fills and keeps its capacity: the output queue and
// the message arena of the connection (std::vector<uint8_t>::resize would memset).
class ByteBuffer {
public:
    ByteBuffer() = default;
    ByteBuffer(const ByteBuffer&) = delete;
    ByteBuffer& operator=(const ByteBuffer&) = delete;
    ByteBuffer(ByteBuffer&& o) noexcept
        : data_(std::move(o.data_)), size_(std::exchange(o.size_, 0)),
          capacity_(std::exchange(o.capacity_, 0)) {}
    ByteBuffer& operator=(ByteBuffer&& o) noexcept {
        data_ = std::move(o.data_);
        size_ = std::exchange(o.size_, 0);
        capacity_ = std::exchange(o.capacity_, 0);
        return *this;
    }

    std::uint8_t* data() { return data_.get(); }
    const std::uint8_t* data() const { return data_.get(); }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    wire::ByteView view() const { return {data_.get(), size_}; }
    // Grows by n bytes (uninitialised) and returns a pointer to them.
    std::uint8_t* extend(std::size_t n) {
        if (size_ + n > capacity_) grow(size_ + n);
        std::uint8_t* p = data_.get() + size_;
        size_ += n;
        return p;
    }
    void append(const std::uint8_t* p, std::size_t n) {
        if (n) std::memcpy(extend(n), p, n);
    }
    void shrink_to(std::size_t n) { size_ = n < size_ ? n : size_; }
    // Drops the first n bytes, moving the rest to the front.
    void erase_front(std::size_t n);
    void clear() { size_ = 0; }

private:
    void grow(std::size_t need);
    std::unique_ptr<std::uint8_t[]> data_;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

} // namespace wirelab::ws
