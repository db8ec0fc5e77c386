// BigVector's memory: anonymous mappings grown with mremap, advised for huge pages (Linux).
#include "sim/trace/big_vector.hpp"

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
} // namespace

std::size_t big_next_capacity(std::size_t have, std::size_t need) noexcept {
    std::size_t next = have == 0 ? first_bytes : have < huge_page ? 2 * have : have + have / 8;
    if (next < need) next = need;
    // Past one huge page, whole huge pages; below it, whole pages.
    return next >= huge_page ? round_up(next, huge_page) : round_up(next, page);
}

void* big_map(std::size_t bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    advise(p, bytes);
    return p;
}

void* big_remap(void* p, std::size_t old_bytes, std::size_t new_bytes) {
    void* q = mremap(p, old_bytes, new_bytes, MREMAP_MAYMOVE);
    if (q == MAP_FAILED) throw std::bad_alloc();
    advise(q, new_bytes);
    return q;
}

void big_unmap(void* p, std::size_t bytes) noexcept {
    munmap(p, bytes);
}

} // namespace wirelab::trace::detail
