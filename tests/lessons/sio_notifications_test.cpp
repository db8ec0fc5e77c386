// sio-notifications (100 clients) and sio-notifications-1000: one io.emit reaches each
// connected client exactly once, as one unmasked TEXT frame 42["alert",...] per client;
// nobody asks for an ack. Both declare their clients as one [[hosts]] group.
#include "lesson_facts.hpp"

#include "sim/proto/sio/json_text.hpp"
#include "sim/stack/host.hpp"
#include "sim/stack/sio_stage.hpp"

#include <cstdio>
#include <map>

using namespace lessons;

namespace {

std::string phone(int i) {
    char name[16];
    std::snprintf(name, sizeof name, "u%04d", i);
    return name;
}

void every_client_gets_the_alert_once(const std::string& lesson, int clients) {
    auto sc = load_lesson(lesson);
    REQUIRE(sc.hosts.size() == static_cast<std::size_t>(clients) + 1);
    scenario::Player p(sc);
    p.run();
    const auto& t = p.trace();
    const std::string alert = R"(42["alert","Storm warning: stay indoors",{"level":3}])";

    // One trace pass: the alert frames each host received, and the server's sends.
    std::map<std::string, int> frames;
    std::size_t sent = 0;
    for (const auto& e : t.events()) {
        if (e.kind == trace::Kind::app && node_name(t, e) == "server" &&
            t.text(e.text) == R"(EVENT "alert" ["Storm warning: stay indoors",{"level":3}] sent)")
            ++sent;
        if (e.kind != trace::Kind::message || e.aux != 1) continue;
        auto b = t.pdu_bytes(e.pdu);
        if (b.size() == alert.size() + 2 && b[0] == 0x81 && b[1] == alert.size() &&
            std::equal(alert.begin(), alert.end(), b.begin() + 2))
            ++frames[node_name(t, e)];
    }
    CHECK(sent == static_cast<std::size_t>(clients));
    CHECK(frames.size() == static_cast<std::size_t>(clients));
    CHECK(frames.count("server") == 0);

    int once = 0;
    for (int i = 1; i <= clients; ++i) {
        auto* io = p.world().host(phone(i))->sio();
        REQUIRE(io);
        REQUIRE(io->client_count() == 1);
        int alerts = 0;
        for (const auto& [event, args] : io->client_received(0))
            if (event == "alert") {
                ++alerts;
                CHECK(sio::stringify(args.json()) ==
                      R"(["Storm warning: stay indoors",{"level":3}])");
            }
        if (alerts == 1 && frames[phone(i)] == 1 && io->client_connected(0)) ++once;
    }
    CHECK(once == clients);
    CHECK(p.fired_cues().size() == sc.cues.size());
    CHECK(p.fired_quizzes().size() == sc.quizzes.size());
}

} // namespace

TEST_CASE("sio-notifications: every one of 100 clients gets the alert exactly once") {
    every_client_gets_the_alert_once("sio-notifications", 100);
}

TEST_CASE("sio-notifications-1000: every one of 1,000 clients gets the alert exactly once") {
    every_client_gets_the_alert_once("sio-notifications-1000", 1000);
}
