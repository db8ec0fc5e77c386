// ByteQueue: the FIFO of bytes behind a TCP connection's send buffer (unacknowledged and
// unsent data) and its receive buffer (in-order data the application has not read). Bytes
// go in at the back and leave from the front; the live bytes are always contiguous, so a
// segment's payload or a read is one memcpy. It keeps its capacity: a connection trading
// small messages allocates nothing in the steady state (std::deque<uint8_t>, used before,
// allocated a 512-byte node at construction and another each time the data crossed one,
// and a range insert into an empty deque allocated at the front).
//
// Used by tcp::Connection (connection.hpp) only.
#pragma once

#include "sim/wire/bytes.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace wirelab::tcp {

class ByteQueue {
public:
    std::size_t size() const { return buf_.size() - head_; }
    bool empty() const { return head_ == buf_.size(); }
    // The live bytes, front first; valid until the next append or erase_front.
    const std::uint8_t* data() const { return buf_.data() + head_; }
    wire::ByteView view() const { return {data(), size()}; }

    void append(wire::ByteView bytes) {
        if (bytes.empty()) return;
        if (head_ != 0 && buf_.size() + bytes.size() > buf_.capacity()) compact();
        buf_.insert(buf_.end(), bytes.begin(), bytes.end());
    }
    // Drops the first n bytes (n <= size()).
    void erase_front(std::size_t n) {
        head_ += n;
        if (head_ == buf_.size()) {
            clear();
        } else if (head_ >= compact_at && head_ >= buf_.size() / 2) {
            compact();
        }
    }
    void clear() {
        buf_.clear();
        head_ = 0;
    }

private:
    // Past this many dead bytes at the front (and half the buffer), the rest is moved down.
    static constexpr std::size_t compact_at = 4096;
    void compact() {
        buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
    }
    std::vector<std::uint8_t> buf_;
    std::size_t head_ = 0; // bytes before it were consumed
};

} // namespace wirelab::tcp
