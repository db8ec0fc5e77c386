// Socket.IO broadcast benchmark (issue 6): N clients in a star around one switch hold a
// Socket.IO session (WebSocket transport) with one server and have joined room "all"; the
// server emits a 100-byte event to the room (io.to("all").emit) ten times. Reported:
// simulated deliveries (an event received by a client's Socket.IO layer) per wall-second,
// with the trace on. Only the broadcasts are timed: the connects and joins run untimed.
//
// build-bench/tests/bench/bench_sio --benchmark_repetitions=5
// --benchmark_report_aggregates_only=true
//
// Instructions per delivery, which machine load does not change (callgrind counts only the
// timed broadcasts: play_broadcasts; divide by the deliveries counter):
// valgrind --tool=callgrind --toggle-collect='*play_broadcasts*'
//   build-bench/tests/bench/bench_sio --benchmark_filter='/1000$' --benchmark_min_time=0.01
#include "sim/proto/sio/json_text.hpp"
#include "sim/stack/sio_stage.hpp"
#include "sim/stack/world.hpp"

#include "star_host.hpp"

#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

using namespace wirelab;
using namespace wirelab::stack;

namespace {

constexpr int broadcasts = 10;

// The timed part, out of line (through a volatile pointer) so that callgrind can be told to
// count only it.
void play_broadcasts(World& world, Time end) {
    world.run_until(end);
}
void (*volatile play)(World&, Time) = play_broadcasts;

HostConfig config(std::string name, std::uint32_t index) {
    return bench::star_host(std::move(name), index, {"http", "ws", "sio"});
}

void BM_SioRoomBroadcast(benchmark::State& state) {
    const auto clients = static_cast<std::uint32_t>(state.range(0));
    std::uint64_t deliveries = 0, events = 0, kernel_events = 0;
    for (auto _ : state) {
        state.PauseTiming();
        auto owned = std::make_unique<World>(1);
        World& world = *owned;
        const bench::Star star = bench::build_star(world, clients, config);
        Host& server = *star.server;
        server.sio()->listen(80, trace::no_event);
        const std::vector<Host*>& hosts = star.clients;
        for (std::uint32_t i = 0; i < clients; ++i) {
            // Staggered starts: the switch learns the server's MAC from its first answer.
            Host* c = hosts[i];
            world.at(us(20) * i, [c, &server] {
                c->sio()->connect(server.ip(), 80, "server", trace::no_event);
            });
            world.at(us(20) * i + ms(500), [c] { c->sio()->join("all", trace::no_event); });
        }
        const Time setup_end = us(20) * clients + ms(1000);
        world.run_until(setup_end);
        std::uint32_t ready = 0;
        for (Host* h : hosts)
            ready += h->sio()->client_connected(0);
        if (ready != clients || server.sio()->server()->sockets_in("/", "all").size() != clients)
            state.SkipWithError("not every client connected and joined");
        const auto body = sio::Json::array({std::string(88, 'n')}); // 42["alert","nnn…"] ≈ 100 B
        for (int b = 0; b < broadcasts; ++b)
            world.at(setup_end + ms(1) + ms(5) * b, [&server, &body] {
                server.sio()->to_room("all", "alert", body, trace::no_event);
            });
        const std::size_t events_before = world.trace().size();
        const std::uint64_t executed_before = world.kernel().executed();
        state.ResumeTiming();
        play(world, setup_end + ms(1) + ms(5) * broadcasts + ms(200));
        state.PauseTiming();
        deliveries = 0;
        for (Host* h : hosts)
            deliveries += h->sio()->client_received(0).size();
        events = world.trace().size() - events_before;
        kernel_events = world.kernel().executed() - executed_before;
        if (deliveries != std::uint64_t{clients} * broadcasts)
            state.SkipWithError("a client missed a broadcast");
        owned.reset();
        state.ResumeTiming();
    }
    state.counters["deliveries/s"] = benchmark::Counter(
        static_cast<double>(deliveries * state.iterations()), benchmark::Counter::kIsRate);
    state.counters["deliveries"] = static_cast<double>(deliveries);
    state.counters["trace_events"] = static_cast<double>(events);
    state.counters["kernel_events"] = static_cast<double>(kernel_events);
}

} // namespace

BENCHMARK(BM_SioRoomBroadcast)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
