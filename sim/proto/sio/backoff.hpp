// Reconnection back-off of the reference Socket.IO client (socket.io-client 4's
// contrib/backo2.js, used by its Manager): the n-th delay is min * factor^n, moved by a
// random deviation of up to jitter * that, added or subtracted depending on the random
// number itself, then capped at max and truncated to a 32-bit integer as JavaScript's
// `| 0` does. The random source is injected, so a test can pin every delay.
//   socketio::Client (transport closed) -> Backoff::duration -> reconnect timer
#pragma once

#include <cstdint>
#include <functional>

namespace wirelab::sio::socketio {

// [0, 1), as Math.random().
using RandomSource = std::function<double()>;

class Backoff {
public:
    struct Options {
        double min_ms = 1000; // reconnectionDelay
        double max_ms = 5000; // reconnectionDelayMax
        double jitter = 0.5;  // randomizationFactor; outside (0, 1] means none
        double factor = 2;    // the Manager never changes it
    };
    explicit Backoff(Options options);

    // The next delay in milliseconds; counts one attempt. Calls `random` exactly once when
    // there is jitter (as the reference calls Math.random()), never otherwise.
    std::int64_t duration(const RandomSource& random);
    void reset() { attempts_ = 0; }
    std::uint32_t attempts() const { return attempts_; }

private:
    Options options_;
    std::uint32_t attempts_ = 0;
};

// JavaScript's ToInt32 (what `x | 0` computes): NaN and infinities give 0, others wrap.
std::int32_t js_to_int32(double x);

} // namespace wirelab::sio::socketio
