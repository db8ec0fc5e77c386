// UTF-8 validation: a 32-byte-at-a-time ASCII fast path, and for everything else a
// shift-based DFA: each byte's table entry packs the next state of all nine states into
// 6-bit slots, so one step is `state = table[byte] >> state` (one load off the dependency
// chain, one shift on it). States are the shift amounts (multiples of 6).
#include "sim/proto/ws/utf8.hpp"

#include <array>
#include <cstring>

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
