// Full-stack benchmark (issue 2): N clients in a star around one switch each complete a TCP
// handshake with one server, send 10 messages of 100 bytes and close. Reports simulated
// packets (frames put on a link) per wall-second with the trace on, and the trace's memory
// per event beyond the PDU bytes, which are stored once.
//
// build-bench/tests/bench/bench_stack --benchmark_repetitions=5
// --benchmark_report_aggregates_only=true
// Measured 2026-11-25 (2 shared cores, load ~7), 10,000 clients: median 495 ms CPU for
// 549,997 frames = 1.11 M frames/s, 40.2 B of trace per event (0.66 M and 44 B before the
// BigVector trace, pooled Packet, FlatMap and slicing-by-16 commits).
#include "sim/stack/tcp_stage.hpp"
#include "sim/stack/world.hpp"

#include "star_host.hpp"

#include <benchmark/benchmark.h>

#include <memory>

using namespace wirelab;
using namespace wirelab::stack;

namespace {

HostConfig config(std::string name, std::uint32_t index) {
    HostConfig c = bench::star_host(std::move(name), index, {});
    c.tcp.time_wait = ms(10);
    return c;
}

void BM_StarHandshakeMessagesClose(benchmark::State& state) {
    const auto clients = static_cast<std::uint32_t>(state.range(0));
    std::uint64_t frames = 0, events = 0;
    double overhead_per_event = 0;
    for (auto _ : state) {
        // Building and tearing down 10,000 hosts is not what is measured: only the run.
        state.PauseTiming();
        auto owned = std::make_unique<World>(1);
        World& world = *owned;
        const bench::Star star = bench::build_star(world, clients, config);
        Host& server = *star.server;
        server.tcp()->listen(80, trace::no_event);
        const std::vector<Host*>& hosts = star.clients;
        const std::string msg(100, 'x');
        const wire::ByteView bytes{reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size()};
        for (std::uint32_t i = 0; i < clients; ++i) {
            Host* h = hosts[i];
            // Staggered starts: the switch learns the server's MAC from its first SYN-ACK.
            Time start = us(10) * i;
            world.at(start, [h, &server] { h->tcp()->connect(server.ip(), 80, trace::no_event); });
            for (int m = 0; m < 10; ++m)
                world.at(start + ms(1) + us(100) * m,
                         [h, bytes] { h->tcp()->send(h->tcp()->find(0), bytes, trace::no_event); });
            world.at(start + ms(3), [h] { h->tcp()->close(h->tcp()->find(0), trace::no_event); });
        }
        state.ResumeTiming();
        world.run_until(seconds(5));
        state.PauseTiming();
        const auto& t = world.trace();
        frames = 0;
        for (const auto& e : t.events())
            frames += e.kind == trace::Kind::tx_start;
        events = t.size();
        overhead_per_event = static_cast<double>(t.overhead_bytes()) / static_cast<double>(events);
        if (server.tcp()->connection_count() != clients)
            state.SkipWithError("not every client connected");
        owned.reset();
        state.ResumeTiming();
    }
    state.counters["packets/s"] = benchmark::Counter(
        static_cast<double>(frames * state.iterations()), benchmark::Counter::kIsRate);
    state.counters["packets"] = static_cast<double>(frames);
    state.counters["trace_events"] = static_cast<double>(events);
    state.counters["trace_B/event"] = overhead_per_event;
}

} // namespace

BENCHMARK(BM_StarHandshakeMessagesClose)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
