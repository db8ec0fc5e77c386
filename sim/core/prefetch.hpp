// prefetch: a hint that the cache line holding an address will soon be read, so that the
// memory system starts loading it while the program does other work. Only a hint: it never
// faults (any address will do, even one past an object) and never changes what a program
// computes. Standard C++ has no way to say this; GCC and Clang have a builtin, and
// elsewhere the hint is nothing.
//
// The simulator uses it where it knows what comes next: the event queue warms the events it
// is about to run (EventQueue::warm_next, Callback::warm), and they warm the objects they
// will touch.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wirelab {

// The cache line size the layouts in this project are planned for (x86-64, most ARM cores).
inline constexpr std::size_t cache_line = 64;

inline void prefetch(const void* p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p, 0, 3);
#else
    static_cast<void>(p);
#endif
}

// soon: wanted in every level of cache; !soon: needed later, a far level will do.
inline void prefetch_for_write(const void* p, bool soon = true) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    if (soon)
        __builtin_prefetch(p, 1, 3);
    else
        __builtin_prefetch(p, 1, 2);
#else
    static_cast<void>(p);
    static_cast<void>(soon);
#endif
}

// Each cache line of [p, p + bytes), for reading or (for_write) to be written.
inline void prefetch_lines(const void* p, std::size_t bytes, bool for_write = false) noexcept {
    constexpr std::uintptr_t line = cache_line;
    const auto first = reinterpret_cast<std::uintptr_t>(p) & ~(line - 1);
    const auto end = reinterpret_cast<std::uintptr_t>(p) + bytes;
    for (std::uintptr_t a = first; a < end; a += line) {
        if (for_write)
            prefetch_for_write(reinterpret_cast<const void*>(a));
        else
            prefetch(reinterpret_cast<const void*>(a));
    }
}

} // namespace wirelab
