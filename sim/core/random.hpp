// Random: the simulation's seeded generator. The algorithm is fixed and written out here
// (xoshiro256** 1.0 by Blackman and Vigna, its state filled by SplitMix64 from the seed),
// and so are the derived distributions, so the same seed yields the same numbers on every
// platform, compiler and standard library — unlike std::mt19937 with std:: distributions,
// whose outputs the standard leaves to the implementation.
#pragma once

#include <array>
#include <cstdint>

namespace wirelab {

class Random {
public:
    explicit Random(std::uint64_t seed);

    // The next raw output of xoshiro256**.
    std::uint64_t next_u64();
    // The upper 32 bits of next_u64() (the better bits of the generator).
    std::uint32_t next_u32();
    // Uniform in [0, 1): the top 53 bits of next_u64() times 2^-53.
    double uniform01();
    // True with probability p (p <= 0 never, p >= 1 always); consumes one output.
    bool chance(double p);
    // Uniform integer in [0, n), without modulo bias (Lemire's multiply-and-reject);
    // n == 0 returns 0 without consuming output.
    std::uint64_t below(std::uint64_t n);
    // Exponentially distributed with the given mean: -mean * ln(1 - uniform01()).
    double exponential(double mean);

private:
    std::array<std::uint64_t, 4> s_;
};

} // namespace wirelab
