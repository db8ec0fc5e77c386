// Virtual time of the simulation: a signed count of nanoseconds since the simulation
// started. Everything above sim/core (stack, trace, scenario, export) speaks this type;
// the sans-I/O engines below it take the same std::int64_t as their `now`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wirelab {

using Time = std::int64_t; // nanoseconds since the start of the simulation

constexpr Time ns(std::int64_t n) {
    return n;
}
constexpr Time us(std::int64_t n) {
    return n * 1'000;
}
constexpr Time ms(std::int64_t n) {
    return n * 1'000'000;
}
constexpr Time seconds(std::int64_t n) {
    return n * 1'000'000'000;
}

// Human-readable time for the ladder and the CLI. At or above one second: seconds with
// six decimals ("1.250000 s"), nine when the value is not a whole microsecond. Below one
// second: the largest of ms / us / ns that keeps the value >= 1, with the shortest exact
// decimal ("12.5 ms", "250 us", "40 ns"). The output is exact, so parse_duration reads it
// back to the same Time.
std::string format_time(Time t);

// Parses a non-negative duration: a decimal number, optional spaces, and a unit among
// ns, us (or µs), ms, s — "20ms", "1.5s", "250us", "2s", "1.250000 s". Returns nullopt for
// a sign, a missing or unknown unit, a fraction finer than one nanosecond, overflow, or
// anything else that is not exactly a duration.
std::optional<Time> parse_duration(std::string_view text);

} // namespace wirelab
