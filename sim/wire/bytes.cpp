// Checksums and hex helpers for sim/wire.
#include "sim/wire/bytes.hpp"

#include <bit>
#include <cstring>

namespace wirelab::wire {

namespace {

constexpr bool little_endian = std::endian::native == std::endian::little;
static_assert(little_endian || std::endian::native == std::endian::big,
              "the Internet checksum's word-at-a-time sum needs a little- or big-endian machine");

template <class T> T load_native(const std::uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// Adds `w` to `acc` with the carry out of bit 63 folded back in (one's complement addition,
// RFC 1071 section 2(C)): 64-bit words sum to the same 16-bit result as 16-bit words do.
inline void add_carry(std::uint64_t& acc, std::uint64_t w) {
    acc += w;
    acc += acc < w ? 1 : 0;
}

// The one's complement sum of `data` read as machine-order words, folded to 16 bits.
// RFC 1071 section 2(B): summing in the machine's byte order gives the byte-swapped sum,
// swapped back once at the end. data[0] is the first byte of a 16-bit word; an odd last byte
// is padded with a zero byte, as the RFC says.
std::uint16_t native_sum16(const std::uint8_t* p, std::size_t n) {
    std::uint64_t acc = 0;
    for (; n >= 32; p += 32, n -= 32) {
        add_carry(acc, load_native<std::uint64_t>(p));
        add_carry(acc, load_native<std::uint64_t>(p + 8));
        add_carry(acc, load_native<std::uint64_t>(p + 16));
        add_carry(acc, load_native<std::uint64_t>(p + 24));
    }
    for (; n >= 8; p += 8, n -= 8)
        add_carry(acc, load_native<std::uint64_t>(p));
    // 0..7 bytes left, starting on a 16-bit word boundary: each 16-bit word weighs 1 modulo
    // 0xffff wherever it sits in the accumulator, so the pieces are added as they are.
    if (n & 4) {
        add_carry(acc, load_native<std::uint32_t>(p));
        p += 4;
    }
    if (n & 2) {
        add_carry(acc, load_native<std::uint16_t>(p));
        p += 2;
    }
    if (n & 1) add_carry(acc, little_endian ? p[0] : std::uint32_t{p[0]} << 8);
    // Fold 64 -> 16 bits, each carry added back in.
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffu) + (acc >> 16);
    acc = (acc & 0xffffu) + (acc >> 16);
    acc = (acc & 0xffffu) + (acc >> 16);
    return static_cast<std::uint16_t>(acc);
}

} // namespace

// data[0] is the high byte of a 16-bit word, so pieces chain when each but the last has an
// even length. The partial sum returned is congruent, modulo 0xffff, to `sum` plus the data's
// big-endian 16-bit words, and zero only when that sum is: checksum_fold() is the same.
std::uint32_t checksum_add(std::uint32_t sum, ByteView data) {
    std::uint32_t s = native_sum16(data.data(), data.size());
    if constexpr (little_endian) s = ((s & 0xff) << 8) | (s >> 8);
    const std::uint64_t total = std::uint64_t{sum} + s;
    return static_cast<std::uint32_t>((total & 0xffffffffu) + (total >> 32));
}

std::string to_hex(ByteView data) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(data.size() * 2);
    for (auto b : data) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 15]);
    }
    return out;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool from_hex(std::string_view hex, Bytes& out) {
    int high = -1;
    for (char c : hex) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
        int d = hex_digit(c);
        if (d < 0) return false;
        if (high < 0) {
            high = d;
        } else {
            out.push_back(static_cast<std::uint8_t>(high << 4 | d));
            high = -1;
        }
    }
    return high < 0;
}

} // namespace wirelab::wire
