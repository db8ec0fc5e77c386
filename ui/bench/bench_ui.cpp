// Benchmarks of the studio (Google Benchmark; `make bench` runs them): building one frame of
// every panel, headless (Dear ImGui without a GPU), with 200 hosts and about 5,000 frames in
// flight; scrubbing a 1,000,000-event trace to random times. Targets (issue 4): a frame
// ≤ 4 ms of CPU, a scrub ≤ 2 ms.
//
// build-bench/ui/bench_ui --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include "ui/views/view_context.hpp"

#include <benchmark/benchmark.h>

#include <stdexcept>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <time.h>

using namespace wirelab;
using namespace wirelab::ui;

namespace {

// A star of `hosts` around one switch; every 200 us a host puts a real TCP frame (taken from the
// handshake lesson) on its 1 s link, so about 5,000 are in flight at any time. Two events per
// frame (tx_start, arrive): `events` events in all.
std::unique_ptr<trace::Trace> synthetic_trace(int hosts, std::size_t events) {
    Session lesson;
    std::string error;
    if (!lesson.open(WIRELAB_SOURCE_DIR "/scenarios/tcp-handshake.toml", &error))
        throw std::runtime_error(error);
    const auto& src = lesson.trace();

    auto t = std::make_unique<trace::Trace>();
    t->topology.nodes.push_back({"switch", true, 0, {}, {}});
    for (int i = 0; i < hosts; ++i) {
        t->topology.nodes.push_back({"host" + std::to_string(i),
                                     false,
                                     0x0a000000u + i + 1,
                                     {},
                                     src.topology.nodes[0].stack});
        t->topology.links.push_back({"link" + std::to_string(i), static_cast<trace::NodeId>(i + 1),
                                     0, 1'000'000'000, seconds(1)});
    }
    std::vector<trace::PduId> pdus;
    for (trace::PduId p = 0; p < src.pdu_count() && pdus.size() < 8; ++p)
        pdus.push_back(t->add_pdu(src.pdu_bytes(p), src.pdu_spans(p)));
    const Time gap = us(200);
    const std::size_t flights = events / 2;
    std::vector<trace::EventId> tx_ids(flights);
    std::size_t sent = 0, arrived = 0;
    while (arrived < flights) {
        const Time next_tx =
            sent < flights ? static_cast<Time>(sent) * gap : std::numeric_limits<Time>::max();
        const Time next_arrive = static_cast<Time>(arrived) * gap + seconds(1) + 512;
        trace::Event e;
        if (next_tx <= next_arrive) {
            const int h = static_cast<int>(sent % hosts);
            e.time = next_tx;
            e.kind = trace::Kind::tx_start;
            e.node = static_cast<trace::NodeId>(h + 1);
            e.link = static_cast<trace::LinkId>(h);
            e.layer = 1;
            e.aux = 512;
            e.pdu = pdus[sent % pdus.size()];
            tx_ids[sent++] = t->append(e);
        } else {
            const auto& tx = (*t)[tx_ids[arrived]];
            e.time = next_arrive;
            e.kind = trace::Kind::arrive;
            e.node = 0;
            e.link = tx.link;
            e.layer = 1;
            e.aux = tx.node;
            e.pdu = tx.pdu;
            e.cause = tx_ids[arrived++];
            t->append(e);
        }
    }
    return t;
}

} // namespace

// One jump of the playhead to a random time: everything the views look up when it moves.
void BM_ScrubMillionEventTrace(benchmark::State& state) {
    Session s;
    s.adopt(synthetic_trace(200, 1'000'000));
    std::mt19937_64 rng(1);
    std::vector<InFlight> in;
    std::size_t seen = 0;
    for (auto _ : state) {
        const Time at = static_cast<Time>(rng() % static_cast<std::uint64_t>(s.end_time()));
        in.clear();
        seen += happened(s.trace(), at);
        s.flights().in_flight(at, in);
        seen += narration_at(s.trace(), s.marks(), at).cue;
        seen += s.stacks().activity(1, at, ms(3), ms(6)).has_value();
        seen += in.size();
        benchmark::DoNotOptimize(seen);
    }
    state.counters["trace_events"] = static_cast<double>(s.trace().size());
}
BENCHMARK(BM_ScrubMillionEventTrace)->Unit(benchmark::kMillisecond);

// One frame of every panel with 200 hosts and about 5,000 frames in flight.
void BM_FrameAllPanels(benchmark::State& state) {
    Session s;
    s.adopt(synthetic_trace(200, 200'000));
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = {1600, 900};
    io.DeltaTime = 1.0f / 60;
    // As the OpenGL 3 backend declares on a GL >= 3.2 context: draw lists may pass 64k vertices.
    io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
    io.Fonts->AddFontDefault();
    unsigned char* px = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);

    Playhead ph;
    ph.end = s.end_time();
    ph.seek(seconds(10));
    Selection sel;
    Theme theme = dark_theme();
    LabelLog labels;
    TopologyState topo;
    OsiStackState osi;
    LadderState ladder;
    InspectorState insp;
    TimelineState timeline;
    std::vector<InFlight> in;
    s.flights().in_flight(ph.time, in);
    const auto panel = [&](const char* name, ImVec2 pos, ImVec2 size, auto&& body) {
        ImGui::SetNextWindowPos(pos);
        ImGui::SetNextWindowSize(size);
        ImGui::Begin(name);
        body();
        ImGui::End();
    };
    const auto frame = [&] {
        ImGui::NewFrame();
        ViewContext ctx{s, ph, sel, theme, labels};
        ctx.dwell = ms(3);
        panel("Network", {0, 0}, {900, 500}, [&] { draw_topology(ctx, topo); });
        panel("OSI", {900, 0}, {700, 500}, [&] { draw_osi_stack(ctx, osi); });
        panel("Ladder", {0, 500}, {600, 300}, [&] { draw_ladder(ctx, ladder); });
        panel("Inspector", {600, 500}, {600, 300}, [&] { draw_inspector(ctx, insp); });
        panel("Timeline", {0, 800}, {1600, 100}, [&] { draw_timeline(ctx, timeline); });
        ImGui::Render();
        ph.seek(ph.time + us(500));
        if (ph.time > seconds(30)) ph.seek(seconds(10));
    };
    frame(); // the first frames create the windows
    frame();
    for (auto _ : state)
        frame();
    state.counters["in_flight"] = static_cast<double>(in.size());
    state.counters["hosts"] = static_cast<double>(s.trace().topology.nodes.size() - 1);
    if (in.size() < 4000) state.SkipWithError("fewer than 4,000 frames in flight");
    ImGui::DestroyContext();
}
BENCHMARK(BM_FrameAllPanels)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
