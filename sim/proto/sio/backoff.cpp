// Backoff: a line-by-line port of backo2's duration(), in doubles like JavaScript, so
// that even the overflow cases (factor^attempts = Infinity) give the reference's answer.
#include "sim/proto/sio/backoff.hpp"

#include <cmath>
#include <limits>

namespace wirelab::sio::socketio {

Backoff::Backoff(Options options) : options_(options) {
    // backo2's constructor: `opts.min || 100`, `opts.max || 10000`, `opts.factor || 2`,
    // jitter kept only when 0 < jitter <= 1.
    if (!(options_.min_ms != 0) || std::isnan(options_.min_ms)) options_.min_ms = 100;
    if (!(options_.max_ms != 0) || std::isnan(options_.max_ms)) options_.max_ms = 10000;
    if (!(options_.factor != 0) || std::isnan(options_.factor)) options_.factor = 2;
    if (!(options_.jitter > 0 && options_.jitter <= 1)) options_.jitter = 0;
}

std::int64_t Backoff::duration(const RandomSource& random) {
    double ms = options_.min_ms * std::pow(options_.factor, static_cast<double>(attempts_++));
    if (options_.jitter != 0) {
        const double rand = random();
        const double deviation = std::floor(rand * options_.jitter * ms);
        ms = (js_to_int32(std::floor(rand * 10)) & 1) == 0 ? ms - deviation : ms + deviation;
    }
    // Math.min propagates NaN (Infinity - Infinity), which `| 0` then turns into 0.
    const double capped = std::isnan(ms) ? ms : std::min(ms, options_.max_ms);
    return js_to_int32(capped);
}

std::int32_t js_to_int32(double x) {
    if (!std::isfinite(x)) return 0;
    const double t = std::trunc(x);
    const double two32 = 4294967296.0;
    double m = std::fmod(t, two32);
    if (m < 0) m += two32;
    const auto u = static_cast<std::uint32_t>(m);
    return static_cast<std::int32_t>(u); // two's complement wrap, defined since C++20
}

} // namespace wirelab::sio::socketio
