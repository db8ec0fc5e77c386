// BigVector: the contiguous, append-mostly array the Trace keeps its events, PDU records,
// spans and PDU bytes in. A full-stack run appends millions of 40-byte events; a
// std::vector doubling its way there copies every byte about once more and touches twice the
// memory, one fresh 4 KiB page fault at a time (profiled: a fifth of the run was the kernel
// zeroing and mapping pages). BigVector instead maps its storage straight from the kernel,
// grows it with mremap (page tables move, bytes are never copied), asks for transparent huge
// pages (one fault per 2 MiB) and grows by 1/8 at a time once large, so little is reserved
// beyond what is used. Elements are trivially copyable: no constructors run, growth is raw.
// A released mapping is kept for the next BigVector of the same element size (the next
// World's trace: a lesson reloaded, a benchmark's next iteration) rather than given back:
// its pages are already faulted in, where fresh ones cost the kernel a zeroing each (and in
// a virtual machine that hands freed memory back to its host, a new backing too).
//
// Trace (trace.hpp) -> BigVector<Event|Pdu|LayerSpan|uint8_t> -> big_map/big_remap/big_release
#pragma once

#include <cstddef>
#include <cstring>
#include <span>
#include <type_traits>
#include <utility>

namespace wirelab::trace {

namespace detail {
struct Mapping {
    void* data = nullptr;
    std::size_t bytes = 0;
};
// Page-granular anonymous memory. big_map gives at least `bytes`: a kept mapping released by
// a vector of the same element size when there is one (it may be larger: use all of it),
// else a new one. big_remap keeps the first old_bytes (possibly moving them). Both throw
// std::bad_alloc on failure, never return null for bytes > 0. big_release keeps the mapping
// for a later big_map while the kept ones stay within a bound, else unmaps it.
Mapping big_map(std::size_t bytes, std::size_t element_size);
void* big_remap(void* p, std::size_t old_bytes, std::size_t new_bytes);
void big_release(Mapping m, std::size_t element_size) noexcept;
// The byte capacity to grow to from `have` bytes when at least `need` are required.
std::size_t big_next_capacity(std::size_t have, std::size_t need) noexcept;
} // namespace detail

template <class T> class BigVector {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

public:
    BigVector() = default;
    ~BigVector() { release(); }
    BigVector(const BigVector& o) { append(o.data_, o.size_); }
    BigVector& operator=(const BigVector& o) {
        if (this != &o) {
            size_ = 0;
            append(o.data_, o.size_);
        }
        return *this;
    }
    BigVector(BigVector&& o) noexcept
        : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)),
          capacity_(std::exchange(o.capacity_, 0)), bytes_(std::exchange(o.bytes_, 0)) {}
    BigVector& operator=(BigVector&& o) noexcept {
        if (this != &o) {
            release();
            data_ = std::exchange(o.data_, nullptr);
            size_ = std::exchange(o.size_, 0);
            capacity_ = std::exchange(o.capacity_, 0);
            bytes_ = std::exchange(o.bytes_, 0);
        }
        return *this;
    }

    void push_back(const T& v) {
        if (size_ == capacity_) [[unlikely]]
            grow(size_ + 1);
        data_[size_++] = v;
    }
    // p may point into this vector (a PDU re-recorded with its own spans): growth may move
    // the storage, so such a source is found again by its index.
    void append(const T* p, std::size_t n) {
        if (n == 0) return;
        if (capacity_ - size_ < n) {
            const bool inside = data_ && p >= data_ && p < data_ + size_;
            const std::size_t at = inside ? static_cast<std::size_t>(p - data_) : 0;
            grow(size_ + n);
            if (inside) p = data_ + at;
        }
        std::memcpy(static_cast<void*>(data_ + size_), p, n * sizeof(T));
        size_ += n;
    }
    void reserve(std::size_t n) {
        if (n > capacity_) grow(n);
    }
    void clear() noexcept { size_ = 0; }

    std::size_t size() const { return size_; }
    std::size_t capacity() const { return capacity_; }
    bool empty() const { return size_ == 0; }
    T* data() { return data_; }
    const T* data() const { return data_; }
    T& operator[](std::size_t i) { return data_[i]; }
    const T& operator[](std::size_t i) const { return data_[i]; }
    T& back() { return data_[size_ - 1]; }
    const T& back() const { return data_[size_ - 1]; }
    const T* begin() const { return data_; }
    const T* end() const { return data_ + size_; }
    operator std::span<const T>() const { return {data_, size_}; } // NOLINT: a view, as vector

private:
    void grow(std::size_t need) {
        const std::size_t bytes = detail::big_next_capacity(bytes_, need * sizeof(T));
        if (data_) {
            data_ = static_cast<T*>(detail::big_remap(data_, bytes_, bytes));
            bytes_ = bytes;
        } else {
            const detail::Mapping m = detail::big_map(bytes, sizeof(T));
            data_ = static_cast<T*>(m.data);
            bytes_ = m.bytes;
        }
        capacity_ = bytes_ / sizeof(T);
    }
    void release() noexcept {
        if (data_) detail::big_release({data_, bytes_}, sizeof(T));
        data_ = nullptr;
        size_ = capacity_ = bytes_ = 0;
    }

    T* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
    std::size_t bytes_ = 0; // mapped
};

} // namespace wirelab::trace
