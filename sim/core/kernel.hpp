// Kernel: virtual clock + event queue + seeded random generator — the whole simulation
// engine. No globals: two Kernels in one process never see each other. World (sim/stack)
// owns one and schedules link deliveries, protocol timers and user inputs on it.
//
//   Kernel k{seed};
//   k.schedule_in(ms(20), [&] { ... k.now() ... });
//   k.run_until(seconds(2));
#pragma once

#include "sim/core/callback.hpp"
#include "sim/core/event_queue.hpp"
#include "sim/core/random.hpp"
#include "sim/core/time.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

namespace wirelab {

class Kernel {
public:
    explicit Kernel(std::uint64_t seed);
    Kernel(const Kernel&) = delete; // callbacks capture the kernel by reference
    Kernel& operator=(const Kernel&) = delete;

    Time now() const { return now_; }

    // Schedules cb at absolute time t >= now() (std::invalid_argument otherwise).
    // Events at equal times run in the order they were scheduled.
    // cb: a Callback or any callable `void()` (constructed in place, no extra move).
    template <class F> TimerId schedule_at(Time t, F&& cb);
    // Schedules cb at now() + dt, dt >= 0.
    template <class F> TimerId schedule_in(Time dt, F&& cb) {
        return schedule_at(now_ + dt, std::forward<F>(cb));
    }
    // Cancels a pending event; false if it already ran, is running or was cancelled.
    bool cancel(TimerId id) { return queue_.cancel(id); }
    bool is_pending(TimerId id) const { return queue_.is_pending(id); }
    // Starts loading what cancel(id) will read: only a hint (prefetch.hpp).
    void warm(TimerId id) const { queue_.warm(id); }

    // Runs the earliest event (the clock jumps to its time); false if none is pending.
    bool step() { return run_events(std::numeric_limits<Time>::max(), 1) == 1; }
    // Runs every event with time <= end, in order (including those they schedule up to
    // end), then sets the clock to end. If end < now(), runs nothing and keeps the clock.
    void run_until(Time end);
    // Runs until no event is pending.
    void run();

    std::size_t pending() const { return queue_.size(); }
    std::uint64_t executed() const { return executed_; }
    // Number of the event being run: 1 for the first event executed, 2 for the second...
    // 0 outside any event (setup code, user input between steps). Trace records use it as
    // the cause id, as OMNeT++'s event log uses its event numbers.
    std::uint64_t current_event() const { return current_; }
    // Time of the next pending event, if any.
    std::optional<Time> next_time() { return queue_.next_time(); }

    Random& random() { return random_; }

private:
    // Runs events with time <= limit, at most max_events of them; returns how many ran.
    std::uint64_t run_events(Time limit, std::uint64_t max_events);
    [[noreturn]] void throw_past(Time t) const;
    [[noreturn]] static void throw_reentrant();

    EventQueue queue_;
    Random random_;
    Time now_ = 0;
    std::uint64_t executed_ = 0;
    std::uint64_t current_ = 0;
    bool running_ = false;
};

template <class F> TimerId Kernel::schedule_at(Time t, F&& cb) {
    if (t < now_) [[unlikely]]
        throw_past(t);
    return queue_.push(t, std::forward<F>(cb));
}

inline std::uint64_t Kernel::run_events(Time limit, std::uint64_t max_events) {
    if (running_) [[unlikely]]
        throw_reentrant();
    running_ = true;
    struct Done {
        Kernel& k;
        ~Done() {
            k.running_ = false;
            k.current_ = 0;
        }
    } done{*this};
    std::uint64_t n = 0;
    while (n < max_events && queue_.run_next(limit, [this](Time t) {
        now_ = t;
        current_ = ++executed_;
    }))
        ++n;
    return n;
}

} // namespace wirelab
