// BigVector's memory: anonymous mappings grown with mremap, advised for huge pages, and
// kept when released for the next vector of the same element size (Linux).
#include "sim/trace/big_vector.hpp"

#include <array>
#include <mutex>
#include <new>
#include <sys/mman.h>

namespace wirelab::trace::detail {

namespace {
constexpr std::size_t page = 4096;
constexpr std::size_t huge_page = std::size_t{2} << 20;
constexpr std::size_t first_bytes = 64 * 1024;

std::size_t round_up(std::size_t n, std::size_t to) {
    return (n + to - 1) / to * to;
}

void advise(void* p, std::size_t bytes) {
    // Only a hint: without transparent huge pages the kernel ignores it.
    if (bytes >= huge_page) madvise(p, bytes, MADV_HUGEPAGE);
}

// Released mappings waiting for reuse: a few, within a byte bound, so that a process that
// ran one big simulation holds at most that much more than it uses. Shared by every thread
// (the studio plays on one, loads on another), hence the lock; taken only when a vector
// first allocates or is released, never on its growth.
class Keep {
public:
    bool take(std::size_t bytes, std::size_t element_size, Mapping& out) {
        const std::lock_guard lock(mutex_);
        // The largest kept mapping of this element size: the vector it came from grew that far.
        Kept* best = nullptr;
        for (std::size_t i = 0; i < count_; ++i)
            if (kept_[i].element_size == element_size && kept_[i].m.bytes >= bytes &&
                (!best || kept_[i].m.bytes > best->m.bytes))
                best = &kept_[i];
        if (!best) return false;
        out = best->m;
        total_ -= out.bytes;
        *best = kept_[--count_];
        return true;
    }
    bool put(Mapping m, std::size_t element_size) noexcept {
        const std::lock_guard lock(mutex_);
        if (count_ == kept_.size() || total_ + m.bytes > max_bytes) return false;
        kept_[count_++] = {m, element_size};
        total_ += m.bytes;
        return true;
    }

private:
    static constexpr std::size_t max_bytes = std::size_t{1} << 30;
    struct Kept {
        Mapping m;
        std::size_t element_size = 0;
    };
    std::mutex mutex_;
    std::array<Kept, 8> kept_{};
    std::size_t count_ = 0;
    std::size_t total_ = 0;
};

// Never destroyed: a vector released during static destruction still finds it.
Keep& keep() {
    static Keep& k = *new Keep;
    return k;
}
} // namespace

std::size_t big_next_capacity(std::size_t have, std::size_t need) noexcept {
    std::size_t next = have == 0 ? first_bytes : have < huge_page ? 2 * have : have + have / 8;
    if (next < need) next = need;
    // Past one huge page, whole huge pages; below it, whole pages.
    return next >= huge_page ? round_up(next, huge_page) : round_up(next, page);
}

Mapping big_map(std::size_t bytes, std::size_t element_size) {
    Mapping m;
    if (keep().take(bytes, element_size, m)) return m;
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    advise(p, bytes);
    return {p, bytes};
}

void* big_remap(void* p, std::size_t old_bytes, std::size_t new_bytes) {
    void* q = mremap(p, old_bytes, new_bytes, MREMAP_MAYMOVE);
    if (q == MAP_FAILED) throw std::bad_alloc();
    advise(q, new_bytes);
    return q;
}

void big_release(Mapping m, std::size_t element_size) noexcept {
    if (!keep().put(m, element_size)) munmap(m.data, m.bytes);
}

} // namespace wirelab::trace::detail
