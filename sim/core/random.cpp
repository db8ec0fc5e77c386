// Random: xoshiro256** 1.0 (Blackman & Vigna, 2018, public-domain reference algorithm,
// re-implemented here) seeded through SplitMix64, plus the derived distributions.
#include "sim/core/random.hpp"

#include <cmath>

namespace wirelab {

namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

constexpr std::uint64_t rotl(std::uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

} // namespace

Random::Random(std::uint64_t seed) {
    // SplitMix64 never yields four zero words in a row, so the state is never all-zero.
    for (auto& word : s_)
        word = splitmix64(seed);
}

std::uint64_t Random::next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

std::uint32_t Random::next_u32() {
    return static_cast<std::uint32_t>(next_u64() >> 32);
}

double Random::uniform01() {
    return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

bool Random::chance(double p) {
    return uniform01() < p;
}

// Lemire, "Fast Random Integer Generation in an Interval" (2019): the high half of a
// 64x64-bit product, rejecting the few low halves that would make some results likelier.
std::uint64_t Random::below(std::uint64_t n) {
    if (n == 0) return 0;
    __extension__ typedef unsigned __int128 u128;
    u128 m = u128(next_u64()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
        const std::uint64_t threshold = (0 - n) % n; // 2^64 mod n
        while (low < threshold) {
            m = u128(next_u64()) * n;
            low = static_cast<std::uint64_t>(m);
        }
    }
    return static_cast<std::uint64_t>(m >> 64);
}

double Random::exponential(double mean) {
    return -mean * std::log(1.0 - uniform01());
}

} // namespace wirelab
