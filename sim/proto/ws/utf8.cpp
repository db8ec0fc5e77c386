// UTF-8 validation: a 32-byte-at-a-time ASCII fast path, and for everything else a
// shift-based DFA: each byte's table entry packs the next state of all nine states into
// 6-bit slots, so one step is `state = table[byte] >> state` (one load off the dependency
// chain, one shift on it). States are the shift amounts (multiples of 6).
#include "sim/proto/ws/utf8.hpp"

#include <array>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define WIRELAB_UTF8_SSSE3 1
#endif

namespace wirelab::ws {
namespace {

// States, as slot indices; the state value used at run time is index * 6.
enum : int {
    s_accept = 0, // on a character boundary
    s_reject = 1, // invalid; absorbing
    s_cont1 = 2,  // one continuation byte (80-BF) left
    s_cont2 = 3,  // two left
    s_cont3 = 4,  // three left
    s_e0 = 5,     // after E0: A0-BF (no overlong 3-byte forms), then one
    s_ed = 6,     // after ED: 80-9F (no surrogates D800-DFFF), then one
    s_f0 = 7,     // after F0: 90-BF (no overlong 4-byte forms), then two
    s_f4 = 8,     // after F4: 80-8F (nothing above U+10FFFF), then two
};
static_assert(s_reject * 6 == Utf8Validator::reject_state);

constexpr int next_state(int state, int byte) {
    if (state == s_accept) {
        if (byte < 0x80) return s_accept;
        if (byte < 0xc2) return s_reject; // stray continuation, or C0/C1 (overlong)
        if (byte < 0xe0) return s_cont1;
        if (byte == 0xe0) return s_e0;
        if (byte == 0xed) return s_ed;
        if (byte < 0xf0) return s_cont2;
        if (byte == 0xf0) return s_f0;
        if (byte < 0xf4) return s_cont3;
        if (byte == 0xf4) return s_f4;
        return s_reject; // F5-FF
    }
    const bool cont = byte >= 0x80 && byte <= 0xbf;
    switch (state) {
    case s_cont1: return cont ? s_accept : s_reject;
    case s_cont2: return cont ? s_cont1 : s_reject;
    case s_cont3: return cont ? s_cont2 : s_reject;
    case s_e0: return byte >= 0xa0 && byte <= 0xbf ? s_cont1 : s_reject;
    case s_ed: return byte >= 0x80 && byte <= 0x9f ? s_cont1 : s_reject;
    case s_f0: return byte >= 0x90 && byte <= 0xbf ? s_cont2 : s_reject;
    case s_f4: return byte >= 0x80 && byte <= 0x8f ? s_cont2 : s_reject;
    default: return s_reject;
    }
}

constexpr std::array<std::uint64_t, 256> make_table() {
    std::array<std::uint64_t, 256> t{};
    for (int b = 0; b < 256; ++b) {
        std::uint64_t row = 0;
        for (int s = 0; s < 9; ++s)
            row |= static_cast<std::uint64_t>(next_state(s, b) * 6) << (s * 6);
        t[static_cast<std::size_t>(b)] = row;
    }
    return t;
}
constexpr std::array<std::uint64_t, 256> table = make_table();

constexpr std::uint64_t high_bits = 0x8080808080808080ull;

inline std::uint64_t load64(const std::uint8_t* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}

inline std::uint64_t step(std::uint64_t state, std::uint8_t byte) {
    return table[byte] >> (state & 63);
}

#if WIRELAB_UTF8_SSSE3
// Keiser & Lemire, "Validating UTF-8 In Less Than One Instruction Per Byte" (2021), the
// "lookup" algorithm, 16 bytes at a time with SSSE3: each byte is classified by three
// 16-entry nibble lookups on (previous byte high, previous byte low, this byte high); their
// AND is non-zero where a 2-byte pattern is invalid; 3- and 4-byte continuation positions are
// checked against the bytes two and three back. Returns how many bytes from `p` are known to
// be valid whole characters: the blocks before the first block with an error, minus a
// trailing character the blocks cut. The DFA takes over from there (to pinpoint an error,
// or to finish the tail), so this never has to report an offset itself.
__attribute__((target("ssse3"))) std::size_t simd_valid_prefix(const std::uint8_t* p,
                                                               std::size_t n) {
    constexpr std::uint8_t too_short = 1 << 0;
    constexpr std::uint8_t too_long = 1 << 1;
    constexpr std::uint8_t overlong_3 = 1 << 2;
    constexpr std::uint8_t too_large = 1 << 3;
    constexpr std::uint8_t surrogate = 1 << 4;
    constexpr std::uint8_t overlong_2 = 1 << 5;
    constexpr std::uint8_t too_large_1000 = 1 << 6;
    constexpr std::uint8_t overlong_4 = 1 << 6;
    constexpr std::uint8_t two_conts = 1 << 7;
    constexpr std::uint8_t carry = too_short | too_long | two_conts;
    const auto table = [](auto... v) {
        return _mm_setr_epi8(static_cast<char>(static_cast<std::uint8_t>(v))...);
    };
    const __m128i byte_1_high = table(
        too_long, too_long, too_long, too_long, too_long, too_long, too_long, too_long, two_conts,
        two_conts, two_conts, two_conts, too_short | overlong_2, too_short,
        too_short | overlong_3 | surrogate, too_short | too_large | too_large_1000 | overlong_4);
    const __m128i byte_1_low =
        table(carry | overlong_3 | overlong_2 | overlong_4, carry | overlong_2, carry, carry,
              carry | too_large, carry | too_large | too_large_1000,
              carry | too_large | too_large_1000, carry | too_large | too_large_1000,
              carry | too_large | too_large_1000, carry | too_large | too_large_1000,
              carry | too_large | too_large_1000, carry | too_large | too_large_1000,
              carry | too_large | too_large_1000, carry | too_large | too_large_1000 | surrogate,
              carry | too_large | too_large_1000, carry | too_large | too_large_1000);
    const __m128i byte_2_high = table(
        too_short, too_short, too_short, too_short, too_short, too_short, too_short, too_short,
        too_long | overlong_2 | two_conts | overlong_3 | too_large_1000 | overlong_4,
        too_long | overlong_2 | two_conts | overlong_3 | too_large,
        too_long | overlong_2 | two_conts | surrogate | too_large,
        too_long | overlong_2 | two_conts | surrogate | too_large, too_short, too_short, too_short,
        too_short);
    const __m128i nibble = _mm_set1_epi8(0x0f);
    const __m128i third_min = _mm_set1_epi8(static_cast<char>(0xe0 - 1));
    const __m128i fourth_min = _mm_set1_epi8(static_cast<char>(0xf0 - 1));
    const __m128i high_bit = _mm_set1_epi8(static_cast<char>(0x80));
    __m128i prev = _mm_setzero_si128(); // we start on a character boundary: as if ASCII
    std::size_t k = 0;
    for (; k + 16 <= n; k += 16) {
        const __m128i in = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + k));
        const __m128i prev1 = _mm_alignr_epi8(in, prev, 15);
        const __m128i sc = _mm_and_si128(
            _mm_and_si128(
                _mm_shuffle_epi8(byte_1_high, _mm_and_si128(_mm_srli_epi16(prev1, 4), nibble)),
                _mm_shuffle_epi8(byte_1_low, _mm_and_si128(prev1, nibble))),
            _mm_shuffle_epi8(byte_2_high, _mm_and_si128(_mm_srli_epi16(in, 4), nibble)));
        const __m128i prev2 = _mm_alignr_epi8(in, prev, 14);
        const __m128i prev3 = _mm_alignr_epi8(in, prev, 13);
        const __m128i must23 = _mm_cmpgt_epi8(
            _mm_or_si128(_mm_subs_epu8(prev2, third_min), _mm_subs_epu8(prev3, fourth_min)),
            _mm_setzero_si128());
        const __m128i error = _mm_xor_si128(_mm_and_si128(must23, high_bit), sc);
        if (_mm_movemask_epi8(_mm_cmpeq_epi8(error, _mm_setzero_si128())) != 0xffff) break;
        prev = in;
    }
    // Step back over a character that the last good block cut (its continuation bytes,
    // if any, are in the next block or beyond n).
    for (std::size_t back = 1; back <= 3 && back <= k; ++back) {
        const std::uint8_t b = p[k - back];
        if ((b & 0xc0) == 0x80) continue; // continuation: keep looking for its lead
        if (b < 0x80) break;              // ASCII: k is a boundary
        const std::size_t len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
        if (back < len) return k - back; // the character runs past k
        break;
    }
    return k;
}

bool have_ssse3() {
    static const bool yes = __builtin_cpu_supports("ssse3");
    return yes;
}
#endif

} // namespace

std::size_t Utf8Validator::feed(wire::ByteView piece) {
    if (state_ == reject_state) return 0;
    const std::uint8_t* p = piece.data();
    const std::size_t n = piece.size();
    std::uint64_t state = state_;
    std::size_t i = 0;
    while (i < n) {
        if ((state & 63) == 0) {
            while (i + 32 <= n &&
                   ((load64(p + i) | load64(p + i + 8) | load64(p + i + 16) | load64(p + i + 24)) &
                    high_bits) == 0)
                i += 32;
            while (i + 8 <= n && (load64(p + i) & high_bits) == 0)
                i += 8;
#if WIRELAB_UTF8_SSSE3
            if (n - i >= 64 && have_ssse3()) {
                i += simd_valid_prefix(p + i, n - i);
                if (i == n) break;
            }
#endif
        }
        // A block through the DFA, checked for rejection once at its end.
        const std::size_t block_end = n - i < 16 ? n : i + 16;
        const std::uint64_t block_state = state;
        const std::size_t block_start = i;
        for (; i < block_end; ++i)
            state = step(state, p[i]);
        if ((state & 63) == reject_state) {
            // Find the byte that failed (reject is absorbing, so the first hit is it).
            state = block_state;
            for (i = block_start;; ++i) {
                state = step(state, p[i]);
                if ((state & 63) == reject_state) break;
            }
            state_ = reject_state;
            position_ += i;
            return i;
        }
    }
    state_ = static_cast<std::uint32_t>(state & 63);
    position_ += n;
    return npos;
}

bool is_valid_utf8(wire::ByteView data) {
    Utf8Validator v;
    return v.feed(data) == Utf8Validator::npos && v.complete();
}

} // namespace wirelab::ws
