// http-polling-vs-websocket: the poller sends one GET a second (6 in all) and hears of each
// change only at its next poll; the WebSocket browser sends one request (the Upgrade) and gets
// each change pushed one trip after it happens. The counts and byte totals the narration
// states are computed here from the trace and must appear in it verbatim.
#include "lesson_facts.hpp"

#include "sim/export/pcap.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <numeric>

using namespace lessons;

namespace {

std::size_t total_bytes(const std::vector<Seen>& v) {
    return std::accumulate(v.begin(), v.end(), std::size_t{0},
                           [](std::size_t n, const Seen& s) { return n + s.bytes.size(); });
}

// When the first app event at `host` containing `text` happened.
Time app_time(const trace::Trace& t, const std::string& host, const std::string& text) {
    for (const auto& e : t.events())
        if (e.kind == trace::Kind::app && node_name(t, e) == host &&
            t.text(e.text).find(text) != std::string_view::npos)
            return e.time;
    FAIL("no app event \"" << text << "\" at " << host);
    return 0;
}

std::string ms_text(Time ns) {
    return std::to_string(ns / 1'000'000) + " ms";
}

const std::string& cue_containing(const scenario::Scenario& sc, const std::string& text) {
    for (const auto& c : sc.cues)
        if (c.text.find(text) != std::string::npos) return c.text;
    FAIL("no cue mentions \"" << text << "\"");
    static const std::string none;
    return none;
}

} // namespace

TEST_CASE("http-polling-vs-websocket: 6 polls for 2 changes against 1 Upgrade and 3 pushes") {
    auto sc = load_lesson("http-polling-vs-websocket");
    scenario::Player p(sc);
    p.run();
    const auto& t = p.trace();

    // The poller: six GETs on one connection, answered 200, 304, 200, 304, 200, 304.
    auto asked = messages(t, "poller", false);
    auto answers = messages(t, "poller", true);
    REQUIRE(asked.size() == 6);
    for (const auto& m : asked)
        CHECK(m.summary == "GET /news HTTP/1.1");
    std::vector<std::string> statuses;
    for (const auto& m : answers)
        statuses.push_back(m.summary.substr(0, 12));
    CHECK(statuses == std::vector<std::string>{"HTTP/1.1 200", "HTTP/1.1 304", "HTTP/1.1 200",
                                               "HTTP/1.1 304", "HTTP/1.1 200", "HTTP/1.1 304"});
    // The first GET waits for the TCP handshake; then one every second from 100 ms on.
    CHECK(asked[0].time > ms(100));
    CHECK(asked[0].time < ms(150));
    for (std::size_t i = 1; i < asked.size(); ++i)
        CHECK(asked[i].time == ms(100) + seconds(static_cast<std::int64_t>(i)));
    int syns = 0;
    for (const auto& f : frames_sent(t, "poller"))
        syns += starts(f.summary, "SYN ") ? 1 : 0;
    CHECK(syns == 1); // one keep-alive connection for every poll

    // The browser: one request, the Upgrade; then only frames from the server.
    auto browser_sent = messages(t, "browser", false);
    auto browser_got = messages(t, "browser", true);
    REQUIRE(browser_sent.size() == 1);
    CHECK(starts(browser_sent[0].summary, "GET /news/live HTTP/1.1 (Upgrade: websocket)"));
    REQUIRE(browser_got.size() == 4);
    CHECK(starts(browser_got[0].summary, "HTTP/1.1 101 Switching Protocols"));
    CHECK(starts(browser_got[1].summary, "TEXT fin=1 mask=0 len=17 \"Markets open calm\""));
    CHECK(starts(browser_got[2].summary, "TEXT fin=1 mask=0 len=27 \"Storm warning"));
    CHECK(starts(browser_got[3].summary, "TEXT fin=1 mask=0 len=23 \"Storm passes"));

    // Who learned each change when.
    const Time change1 = app_time(t, "server", "/news changed (version 2");
    const Time change2 = app_time(t, "server", "/news changed (version 3");
    CHECK(change1 == ms(1250));
    CHECK(change2 == ms(3600));
    const Time push1 = app_time(t, "browser", "received text \"Storm warning") - change1;
    const Time push2 = app_time(t, "browser", "received text \"Storm passes") - change2;
    const Time poll1 = app_time(t, "poller", "new content \"Storm warning") - change1;
    const Time poll2 = app_time(t, "poller", "new content \"Storm passes") - change2;
    CHECK(ms_text(push1) == ms_text(push2)); // they differ only by a few bytes' serialization
    CHECK(push1 < ms(20));
    CHECK(poll1 > ms(800));
    CHECK(poll2 > ms(450));
    const std::string late1 = cue_containing(sc, "at its poll at 2.1 s");
    CHECK_THAT(late1, Catch::Contains(ms_text(poll1 - push1) + " after the browser"));
    CHECK_THAT(cue_containing(sc, "The browser has the news"),
               Catch::Contains(ms_text(push1) + " after the change"));
    CHECK_THAT(cue_containing(sc, "The second change at 3.6 s"),
               Catch::Contains(ms_text(poll2) + " late"));

    // The count the last cue gives, byte for byte (HTTP and WebSocket bytes above TCP).
    const std::string count = cue_containing(sc, "The count for 2 changes");
    const std::size_t req = total_bytes(asked), resp = total_bytes(answers);
    CHECK_THAT(count, Catch::Contains("6 requests (" + std::to_string(req) + " bytes of HTTP)"));
    CHECK_THAT(count, Catch::Contains("6 responses (" + std::to_string(resp) + " bytes)"));
    CHECK_THAT(count, Catch::Contains(std::to_string(req + resp) + " bytes above TCP"));
    const std::size_t upgrade = browser_sent[0].bytes.size(), ok101 = browser_got[0].bytes.size();
    const std::size_t pushes =
        browser_got[1].bytes.size() + browser_got[2].bytes.size() + browser_got[3].bytes.size();
    CHECK_THAT(count, Catch::Contains("the Upgrade (" + std::to_string(upgrade) + " bytes)"));
    CHECK_THAT(count, Catch::Contains("a 101 (" + std::to_string(ok101) + " bytes)"));
    CHECK_THAT(count, Catch::Contains("3 pushed frames (" + std::to_string(pushes) + " bytes)"));
    CHECK_THAT(count, Catch::Contains(std::to_string(upgrade + ok101 + pushes) +
                                      " bytes, and the pushes"));
    CHECK_THAT(count, Catch::Contains(ms_text(push1) + " after each change"));
    // The 304 cue's "about 230 bytes": one GET with If-None-Match and its 304 answer.
    const std::size_t round = asked[1].bytes.size() + answers[1].bytes.size();
    CHECK(round >= 220);
    CHECK(round <= 240);
    CHECK(asked[0].bytes.size() >= 85); // "about 90 bytes of HTTP head"
    CHECK(asked[0].bytes.size() <= 95);
}

TEST_CASE("http-polling-vs-websocket's server capture dissects as HTTP and WebSocket") {
    REQUIRE(std::system("command -v tshark >/dev/null") == 0); // the set-up installs it
    scenario::Player p(load_lesson("http-polling-vs-websocket"));
    p.run();
    const auto dir = std::filesystem::path(WIRELAB_BINARY_DIR) / "lesson_pcaps";
    std::filesystem::create_directories(dir);
    const auto file = (dir / "http-polling-vs-websocket-server-fields.pcap").string();
    trace::NodeId server = 0;
    while (p.trace().topology.nodes[server].name != "server")
        ++server;
    std::string error;
    REQUIRE(exporter::write_pcap_node(p.trace(), server, file, &error));
    auto fields = [&](const std::string& filter, const std::string& field) {
        std::string out;
        FILE* f = popen(
            ("tshark -r '" + file + "' -Y '" + filter + "' -T fields -e " + field + " 2>/dev/null")
                .c_str(),
            "r");
        REQUIRE(f != nullptr);
        char buf[4096];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;)
            out.append(buf, n);
        pclose(f);
        return out;
    };
    // Seven requests reach the server: six polls and one Upgrade; then the answers in order.
    CHECK(fields("http.request", "http.request.uri") ==
          "/news\n/news/live\n/news\n/news\n/news\n/news\n/news\n");
    CHECK(fields("http.response", "http.response.code") == "200\n101\n304\n200\n304\n200\n304\n");
    CHECK(fields("websocket", "websocket.payload.text") ==
          "Markets open calm\nStorm warning for the coast\nStorm passes, no damage\n");
}
