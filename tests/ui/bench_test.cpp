// Benchmarks of the studio (hidden tests: run `test_ui "[.bench]"`; figures, not assertions on
// time): building one frame of every panel, headless (Dear ImGui without a GPU), with 200 hosts
// and about 5,000 frames in flight; scrubbing a 1,000,000-event trace to random times.
#include "ui/views/view_context.hpp"

#include <catch2/catch.hpp>

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
    REQUIRE(lesson.open(WIRELAB_SOURCE_DIR "/scenarios/tcp-handshake.toml", &error));
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

// CPU time of this thread, so that other processes on a shared machine do not count.
struct CpuClock {
    using time_point = double; // ms
    static double now() {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
    }
};

double ms_since(double t0) {
    return CpuClock::now() - t0;
}

} // namespace

TEST_CASE("bench: scrubbing a 1,000,000-event trace", "[.bench]") {
    Session s;
    auto t0 = CpuClock::now();
    s.adopt(synthetic_trace(200, 1'000'000));
    std::printf("built and indexed a %zu-event trace in %.0f ms\n", s.trace().size(), ms_since(t0));
    std::mt19937_64 rng(1);
    std::vector<InFlight> in;
    std::vector<double> times;
    const int n = 2000;
    std::size_t seen = 0;
    for (int i = 0; i < n + 10; ++i) { // the first 10 warm the caches
        const Time at = static_cast<Time>(rng() % static_cast<std::uint64_t>(s.end_time()));
        const auto t1 = CpuClock::now();
        // Everything the views look up when the playhead jumps.
        in.clear();
        seen += happened(s.trace(), at);
        s.flights().in_flight(at, in);
        seen += narration_at(s.trace(), s.marks(), at).cue;
        seen += s.stacks().activity(1, at, ms(3), ms(6)).has_value();
        seen += in.size();
        if (i >= 10) times.push_back(ms_since(t1));
    }
    std::sort(times.begin(), times.end());
    double total = 0;
    for (double d : times)
        total += d;
    std::printf("scrub to a random time: mean %.3f ms, p99 %.3f ms, worst %.3f ms (%zu in flight "
                "at the last)\n",
                total / n, times[times.size() * 99 / 100], times.back(), in.size());
    CHECK(seen > 0);
}

TEST_CASE("bench: one frame of every panel, 200 hosts, ~5,000 frames in flight", "[.bench]") {
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
    double per_panel[5] = {};
    int panel_index = 0;
    const auto panel = [&](const char* name, ImVec2 pos, ImVec2 size, auto&& body) {
        const auto t0 = CpuClock::now();
        ImGui::SetNextWindowPos(pos);
        ImGui::SetNextWindowSize(size);
        ImGui::Begin(name);
        body();
        ImGui::End();
        per_panel[panel_index++ % 5] += ms_since(t0);
    };
    double worst = 0, total = 0;
    const int frames = 60;
    for (int f = 0; f < frames + 2; ++f) {
        const auto t0 = CpuClock::now();
        ImGui::NewFrame();
        ViewContext ctx{s, ph, sel, theme, labels};
        ctx.dwell = ms(3);
        panel("Network", {0, 0}, {900, 500}, [&] { draw_topology(ctx, topo); });
        panel("OSI", {900, 0}, {700, 500}, [&] { draw_osi_stack(ctx, osi); });
        panel("Ladder", {0, 500}, {600, 300}, [&] { draw_ladder(ctx, ladder); });
        panel("Inspector", {600, 500}, {600, 300}, [&] { draw_inspector(ctx, insp); });
        panel("Timeline", {0, 800}, {1600, 100}, [&] { draw_timeline(ctx, timeline); });
        ImGui::Render();
        const double d = ms_since(t0);
        if (f >= 2) { // the first frames create the windows
            worst = std::max(worst, d);
            total += d;
        }
        ph.seek(ph.time + us(500));
    }
    std::printf(
        "per panel (mean, first two frames included): topology %.2f, OSI %.2f, ladder %.2f, "
        "inspector %.2f, timeline %.2f ms\n",
        per_panel[0] / (frames + 2), per_panel[1] / (frames + 2), per_panel[2] / (frames + 2),
        per_panel[3] / (frames + 2), per_panel[4] / (frames + 2));
    std::printf("frame with %zu frames in flight, %zu hosts: mean %.2f ms, worst %.2f ms CPU\n",
                in.size(), s.trace().topology.nodes.size() - 1, total / frames, worst);
    CHECK(in.size() > 4000);
    ImGui::DestroyContext();
}
