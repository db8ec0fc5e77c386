// Kernel: the cold paths (errors, run loops); the hot ones are inline in kernel.hpp.
#include "sim/core/kernel.hpp"

#include <stdexcept>
#include <string>

namespace wirelab {

Kernel::Kernel(std::uint64_t seed) : random_(seed) {}

void Kernel::run_until(Time end) {
    if (end < now_) return;
    run_events(end, std::numeric_limits<std::uint64_t>::max());
    now_ = end;
}

void Kernel::run() {
    run_events(std::numeric_limits<Time>::max(), std::numeric_limits<std::uint64_t>::max());
}

void Kernel::throw_past(Time t) const {
    throw std::invalid_argument("Kernel::schedule_at: time " + format_time(t) + " is before now (" +
                                format_time(now_) + ")");
}

void Kernel::throw_reentrant() {
    throw std::logic_error("Kernel: step/run/run_until called from inside an event");
}

} // namespace wirelab
