// Helpers for the per-lesson tests: load and play a lesson, then read what its trace says —
// frames on the wire, WebSocket frames handed down/up, state changes, application events.
#pragma once

#include "sim/scenario/player.hpp"
#include "sim/wire/dissect.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace lessons {

using namespace wirelab;

inline scenario::Scenario load_lesson(const std::string& stem) {
    auto r = scenario::load_file(WIRELAB_SOURCE_DIR "/scenarios/" + stem + ".toml");
    for (const auto& e : r.errors)
        FAIL_CHECK(e.format());
    REQUIRE(r.scenario);
    return *r.scenario;
}

inline bool starts(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}

inline std::string node_name(const trace::Trace& t, const trace::Event& e) {
    return e.node == trace::no_node ? std::string() : t.topology.nodes[e.node].name;
}

// One thing seen in the trace: when, where, its one-line summary and its bytes.
struct Seen {
    Time time = 0;
    std::string host, summary;
    std::vector<std::uint8_t> bytes;
};

// Ethernet frames `host` put on the wire (every host if empty), in order.
inline std::vector<Seen> frames_sent(const trace::Trace& t, const std::string& host = {}) {
    std::vector<Seen> out;
    for (const auto& e : t.events()) {
        if (e.kind != trace::Kind::tx_start) continue;
        if (!host.empty() && node_name(t, e) != host) continue;
        auto b = t.pdu_bytes(e.pdu);
        out.push_back(
            {e.time, node_name(t, e), wire::dissect_frame(b).summary, {b.begin(), b.end()}});
    }
    return out;
}

// Message PDUs (HTTP heads, WebSocket frames) that `host` sent (received = false) or
// received (received = true), in order.
inline std::vector<Seen> messages(const trace::Trace& t, const std::string& host, bool received) {
    std::vector<Seen> out;
    for (const auto& e : t.events()) {
        if (e.kind != trace::Kind::message || node_name(t, e) != host) continue;
        if ((e.aux == 1) != received) continue;
        auto b = t.pdu_bytes(e.pdu);
        out.push_back({e.time, host, std::string(t.text(e.text)), {b.begin(), b.end()}});
    }
    return out;
}

// Texts of events of `kind` at `host` (state changes at `layer` if layer != 0).
inline std::vector<std::string> texts(const trace::Trace& t, trace::Kind kind,
                                      const std::string& host, int layer = 0) {
    std::vector<std::string> out;
    for (const auto& e : t.events())
        if (e.kind == kind && node_name(t, e) == host && (layer == 0 || e.layer == layer))
            out.emplace_back(t.text(e.text));
    return out;
}

inline bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

} // namespace lessons
