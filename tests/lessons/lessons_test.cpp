// Every lesson in scenarios/ plays to the end; its narration cues fire once each and in
// order, its quizzes are well-formed and all reached, it replays byte for byte, and the
// facts it tells the student hold in the trace.
#include "sim/scenario/player.hpp"
#include "sim/wire/dissect.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace wirelab;

namespace {

std::vector<std::string> lesson_files() {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(WIRELAB_SOURCE_DIR "/scenarios"))
        if (e.path().extension() == ".toml") out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

scenario::Scenario load(const std::string& path) {
    auto r = scenario::load_file(path);
    for (const auto& e : r.errors)
        FAIL_CHECK(e.format());
    REQUIRE(r.scenario);
    return *r.scenario;
}

// The Info-column summaries of frames a host put on the wire, in order.
std::vector<std::string> sent_by(const trace::Trace& t, const std::string& host) {
    std::vector<std::string> out;
    for (const auto& e : t.events())
        if (e.kind == trace::Kind::tx_start && t.topology.nodes[e.node].name == host)
            out.push_back(wire::dissect_frame(t.pdu_bytes(e.pdu)).summary);
    return out;
}

std::vector<std::string> states(const trace::Trace& t, const std::string& host) {
    std::vector<std::string> out;
    for (const auto& e : t.events())
        if (e.kind == trace::Kind::state && e.layer == 4 && t.topology.nodes[e.node].name == host)
            out.emplace_back(t.text(e.text));
    return out;
}

bool starts(const std::string& s, const std::string& p) {
    return s.rfind(p, 0) == 0;
}

} // namespace

TEST_CASE("every lesson plays to the end with its cues in order and its quizzes reached") {
    for (const auto& file : lesson_files()) {
        INFO(file);
        auto sc = load(file);
        CHECK(!sc.lesson.title.empty());
        CHECK(!sc.lesson.summary.empty());
        CHECK(sc.lesson.minutes > 0);
        CHECK(!sc.lesson.topics.empty());
        CHECK(sc.quizzes.size() >= 2);
        scenario::Player p(sc);
        p.run();
        CHECK(p.finished());
        std::vector<std::size_t> in_order(sc.cues.size());
        for (std::size_t i = 0; i < in_order.size(); ++i)
            in_order[i] = i;
        CHECK(p.fired_cues() == in_order);
        CHECK(p.fired_quizzes().size() == sc.quizzes.size());
        for (const auto& q : sc.quizzes) {
            CHECK(!q.question.empty());
            CHECK(!q.explain.empty());
            // A fill-in question has its expected answer and no choices.
            if (!q.answer_text.empty()) {
                CHECK(q.choices.empty());
                continue;
            }
            // Exactly one right answer: a valid index into at least two distinct choices.
            REQUIRE(q.choices.size() >= 2);
            CHECK(q.answer >= 0);
            CHECK(q.answer < static_cast<int>(q.choices.size()));
            std::set<std::string> distinct(q.choices.begin(), q.choices.end());
            CHECK(distinct.size() == q.choices.size());
        }
        // Nothing malformed was put on any wire.
        for (const auto& e : p.trace().events()) {
            if (e.kind != trace::Kind::tx_start) continue;
            auto d = wire::dissect_frame(p.trace().pdu_bytes(e.pdu));
            CHECK(d.summary.find("malformed") == std::string::npos);
        }
    }
}

TEST_CASE("every lesson replays to the checked-in trace hash") {
    std::map<std::string, std::string> golden;
    std::ifstream in(WIRELAB_SOURCE_DIR "/tests/lessons/trace_hashes.txt");
    std::string name, hash;
    while (in >> name >> hash)
        golden[name] = hash;
    // WIRELAB_UPDATE_GOLDEN=1 rewrites the file instead (then review the diff).
    const bool update = std::getenv("WIRELAB_UPDATE_GOLDEN") != nullptr;
    std::ofstream rewrite;
    if (update) rewrite.open(WIRELAB_SOURCE_DIR "/tests/lessons/trace_hashes.txt");
    for (const auto& file : lesson_files()) {
        INFO(file);
        auto sc = load(file);
        scenario::Player a(sc), b(sc);
        a.run();
        b.run();
        REQUIRE(a.trace().hash() == b.trace().hash());
        std::ostringstream hex;
        hex << std::hex << a.trace().hash();
        auto stem = std::filesystem::path(file).stem().string();
        if (update) {
            rewrite << stem << " " << hex.str() << "\n";
            continue;
        }
        INFO("update tests/lessons/trace_hashes.txt if the change of traffic is intended");
        CHECK(golden[stem] == hex.str());
    }
}

TEST_CASE("tcp-handshake: ARP, then exactly three segments before ESTABLISHED, then a FIN close") {
    auto sc = load(WIRELAB_SOURCE_DIR "/scenarios/tcp-handshake.toml");
    scenario::Player p(sc);
    p.run();
    const auto& t = p.trace();
    auto c = sent_by(t, "client");
    auto s = sent_by(t, "server");
    REQUIRE(c.size() >= 3);
    CHECK(starts(c[0], "ARP who has 10.0.0.2"));
    CHECK(starts(c[1], "SYN "));
    CHECK(c[1].find("mss=1460") != std::string::npos);
    REQUIRE(s.size() >= 2);
    CHECK(starts(s[0], "ARP 10.0.0.2 is at"));
    CHECK(starts(s[1], "SYN-ACK "));
    CHECK(starts(c[2], "ACK "));
    // Segments on the wire before the server is ESTABLISHED: exactly three.
    int segments = 0;
    for (const auto& e : t.events()) {
        if (e.kind == trace::Kind::state && t.text(e.text) == "SYN-RECEIVED → ESTABLISHED") break;
        if (e.kind == trace::Kind::tx_start &&
            wire::dissect_frame(t.pdu_bytes(e.pdu)).protocol != "ARP")
            ++segments;
    }
    CHECK(segments == 3);
    auto cs = states(t, "client");
    auto ss = states(t, "server");
    CHECK(cs == std::vector<std::string>{"CLOSED → SYN-SENT", "SYN-SENT → ESTABLISHED",
                                         "ESTABLISHED → FIN-WAIT-1", "FIN-WAIT-1 → FIN-WAIT-2",
                                         "FIN-WAIT-2 → TIME-WAIT", "TIME-WAIT → CLOSED"});
    CHECK(ss.back() == "LAST-ACK → CLOSED");
    // Both messages were delivered.
    int delivered = 0;
    for (const auto& e : t.events())
        if (e.kind == trace::Kind::app && t.text(e.text).find("Hello, ") != std::string_view::npos)
            ++delivered;
    CHECK(delivered == 2);
}

TEST_CASE("tcp-lossy-handshake: the first SYN is dropped and resent after 1 s with the same seq") {
    auto sc = load(WIRELAB_SOURCE_DIR "/scenarios/tcp-lossy-handshake.toml");
    scenario::Player p(sc);
    p.run();
    const auto& t = p.trace();
    std::vector<std::pair<Time, std::string>> syns;
    for (const auto& e : t.events())
        if (e.kind == trace::Kind::tx_start && t.topology.nodes[e.node].name == "client") {
            auto s = wire::dissect_frame(t.pdu_bytes(e.pdu)).summary;
            if (starts(s, "SYN ")) syns.emplace_back(e.time, s);
        }
    REQUIRE(syns.size() == 2);
    CHECK(syns[0].second == syns[1].second); // same sequence number, same everything
    CHECK(syns[1].first - syns[0].first == seconds(1));
    int scripted = 0;
    for (const auto& e : t.events())
        if (e.kind == trace::Kind::drop && e.reason == trace::DropReason::scripted) ++scripted;
    CHECK(scripted == 1);
    auto cs = states(t, "client");
    CHECK(std::find(cs.begin(), cs.end(), "SYN-SENT → ESTABLISHED") != cs.end());
}
