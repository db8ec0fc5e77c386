// The hold model (Jones, 1986), the classic event-set benchmark: keep N events pending;
// each iteration removes the earliest and inserts one at its time + an exponential delay.
// Side by side, on the same precomputed delays:
//   Wirelab/Kernel      the real path: step() runs a callback that reschedules itself;
//   Wirelab/EventQueue  push + run_next on the queue alone (a callback is still invoked);
//   std/priority_queue  a bare std::priority_queue<pair<Time, seq>>, the textbook baseline;
//   ns3/<Scheduler>     ns-3's event sets, driven directly through Scheduler::Insert and
//                       Scheduler::RemoveNext with Scheduler::Event{impl, {m_ts, m_uid,
//                       m_context}} — the scheduler object alone, without Simulator's event
//                       allocation and dispatch (so ns-3 is measured at its cheapest).
//   Wirelab/Kernel+cancel  as Wirelab/Kernel, plus a timer armed and cancelled per event.
// Report: events/s (one event = one remove + one insert), N = 1,000 and 100,000.
//   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DWIRELAB_BUILD_BENCH=ON
//         -DWIRELAB_BUILD_TESTS=OFF -DWIRELAB_BUILD_UI=OFF
//   cmake --build build-bench --target bench_hold
//   build-bench/tests/bench/bench_hold --benchmark_repetitions=5
//         --benchmark_report_aggregates_only=true
// Medians measured 2026-11-25 (2 shared cores, load ~7, Debian 12, g++ 12, ns-3.37), M/s,
// after the two-stage slot prefetch (event_queue.hpp):
//                      N=1,000   N=100,000
//   Wirelab/Kernel        30.8       23.1
//   Wirelab/EventQueue    38.0       29.1
//   std/priority_queue    18.5        8.1
//   ns3 PriorityQueue     14.4        6.1   (ns-3's fastest here)
//   ns3 Map (default)      8.6        0.9
#include "sim/core/event_queue.hpp"
#include "sim/core/kernel.hpp"
#include "sim/core/random.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

#if WIRELAB_HAVE_NS3
#include <ns3/calendar-scheduler.h>
#include <ns3/event-impl.h>
#include <ns3/heap-scheduler.h>
#include <ns3/map-scheduler.h>
#include <ns3/priority-queue-scheduler.h>
#include <ns3/ptr.h>
#include <ns3/scheduler.h>
#endif

namespace {

using wirelab::Time;

constexpr double mean_delay_ns = 1'000'000.0; // 1 ms: like a link's delay in a lesson
constexpr std::size_t delay_count = 1 << 16;

// The same exponential delays for every contender, so only the event set differs.
const std::vector<Time>& delays() {
    static const std::vector<Time> table = [] {
        wirelab::Random r{20260101};
        std::vector<Time> d(delay_count);
        for (auto& x : d)
            x = 1 + static_cast<Time>(r.exponential(mean_delay_ns));
        return d;
    }();
    return table;
}

struct DelayStream {
    const Time* d = delays().data();
    std::size_t i = 0;
    Time next() { return d[i++ & (delay_count - 1)]; }
};

void report(benchmark::State& state) {
    state.counters["events/s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// ---- Wirelab Kernel: a self-rescheduling event, as a protocol timer or a link would be ----

struct KernelHold {
    wirelab::Kernel k{1};
    DelayStream delays;
};

struct Reschedule { // 8 bytes of capture: stored inline in the Callback
    KernelHold* h;
    void operator()() const { h->k.schedule_in(h->delays.next(), Reschedule{h}); }
};

void wirelab_kernel(benchmark::State& state) {
    KernelHold h;
    for (std::int64_t i = 0; i < state.range(0); ++i)
        h.k.schedule_at(h.delays.next(), Reschedule{&h});
    for (auto _ : state)
        h.k.step();
    benchmark::DoNotOptimize(h.k.now());
    report(state);
}

// ---- Wirelab EventQueue alone ----

void wirelab_event_queue(benchmark::State& state) {
    wirelab::EventQueue q;
    DelayStream d;
    std::uint64_t ran = 0;
    for (std::int64_t i = 0; i < state.range(0); ++i)
        q.push(d.next(), [&ran] { ++ran; });
    Time now = 0;
    for (auto _ : state) {
        q.run_next(INT64_MAX, [&now](Time t) { now = t; });
        q.push(now + d.next(), [&ran] { ++ran; });
    }
    benchmark::DoNotOptimize(ran);
    report(state);
}

// The Kernel with a cancellable timer per event: each event also arms a "retransmission
// timer" far ahead and cancels the previous one, so half of all insertions are cancelled.
struct CancelHold {
    wirelab::Kernel k{1};
    DelayStream delays;
    wirelab::TimerId timer{};
};
struct RescheduleAndRearm {
    CancelHold* h;
    void operator()() const {
        h->k.cancel(h->timer);
        h->timer = h->k.schedule_in(200 * static_cast<Time>(mean_delay_ns), [] {});
        h->k.schedule_in(h->delays.next(), RescheduleAndRearm{h});
    }
};

void wirelab_kernel_with_cancel(benchmark::State& state) {
    CancelHold h;
    for (std::int64_t i = 0; i < state.range(0); ++i)
        h.k.schedule_at(h.delays.next(), RescheduleAndRearm{&h});
    for (auto _ : state)
        h.k.step();
    report(state);
}

// ---- std::priority_queue baseline ----

void std_priority_queue(benchmark::State& state) {
    using Entry = std::pair<Time, std::uint64_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> q;
    DelayStream d;
    std::uint64_t seq = 0;
    for (std::int64_t i = 0; i < state.range(0); ++i)
        q.emplace(d.next(), seq++);
    for (auto _ : state) {
        const Time now = q.top().first;
        q.pop();
        q.emplace(now + d.next(), seq++);
    }
    benchmark::DoNotOptimize(q.top());
    report(state);
}

// ---- ns-3 schedulers ----

#if WIRELAB_HAVE_NS3
// Never invoked: the schedulers only store and compare keys; impl is carried along.
class NoopEvent : public ns3::EventImpl {
    void Notify() override {}
};

template <class S> void ns3_scheduler(benchmark::State& state) {
    ns3::Ptr<ns3::Scheduler> s = ns3::CreateObject<S>();
    NoopEvent impl;
    DelayStream d;
    std::uint32_t uid = 0;
    auto insert = [&](std::uint64_t ts) {
        ns3::Scheduler::Event ev;
        ev.impl = &impl;
        ev.key.m_ts = ts;
        ev.key.m_uid = uid++;
        ev.key.m_context = 0;
        s->Insert(ev);
    };
    for (std::int64_t i = 0; i < state.range(0); ++i)
        insert(static_cast<std::uint64_t>(d.next()));
    for (auto _ : state) {
        const ns3::Scheduler::Event ev = s->RemoveNext();
        insert(ev.key.m_ts + static_cast<std::uint64_t>(d.next()));
    }
    while (!s->IsEmpty())
        s->RemoveNext();
    report(state);
}
#endif

void sizes(benchmark::internal::Benchmark* b) {
    b->Arg(1'000)->Arg(100'000);
}

} // namespace

BENCHMARK(wirelab_kernel)->Name("Wirelab/Kernel")->Apply(sizes);
BENCHMARK(wirelab_event_queue)->Name("Wirelab/EventQueue")->Apply(sizes);
BENCHMARK(wirelab_kernel_with_cancel)->Name("Wirelab/Kernel+cancel")->Apply(sizes);
BENCHMARK(std_priority_queue)->Name("std/priority_queue")->Apply(sizes);
#if WIRELAB_HAVE_NS3
BENCHMARK(ns3_scheduler<ns3::MapScheduler>)->Name("ns3/MapScheduler(default)")->Apply(sizes);
BENCHMARK(ns3_scheduler<ns3::HeapScheduler>)->Name("ns3/HeapScheduler")->Apply(sizes);
BENCHMARK(ns3_scheduler<ns3::PriorityQueueScheduler>)
    ->Name("ns3/PriorityQueueScheduler")
    ->Apply(sizes);
BENCHMARK(ns3_scheduler<ns3::CalendarScheduler>)->Name("ns3/CalendarScheduler")->Apply(sizes);
#endif

BENCHMARK_MAIN();
