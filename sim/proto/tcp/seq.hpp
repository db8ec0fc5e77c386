// Sequence-number arithmetic modulo 2^32 (RFC 9293 3.4, RFC 1982): a < b when the signed
// 32-bit distance from a to b is positive. Every comparison of seq/ack in the engine goes
// through these, so an ISN near 2^32 wraps without special cases.
#pragma once

#include <cstdint>

namespace wirelab::tcp {

inline bool seq_lt(std::uint32_t a, std::uint32_t b) {
    return static_cast<std::int32_t>(a - b) < 0;
}
inline bool seq_le(std::uint32_t a, std::uint32_t b) {
    return static_cast<std::int32_t>(a - b) <= 0;
}
inline bool seq_gt(std::uint32_t a, std::uint32_t b) {
    return seq_lt(b, a);
}
inline bool seq_ge(std::uint32_t a, std::uint32_t b) {
    return seq_le(b, a);
}
// lo <= x < hi, in sequence space.
inline bool seq_in(std::uint32_t x, std::uint32_t lo, std::uint32_t hi) {
    return seq_le(lo, x) && seq_lt(x, hi);
}

} // namespace wirelab::tcp
