// sio-heartbeat-reconnect: the heartbeat every 2 s (PING from the server, PONG at once),
// the Wi-Fi cut, "ping timeout" on the server 1 s after its unanswered PING and on the
// phone 3 s after the last PING it heard, reconnect attempts with a growing randomised
// back-off, each timing out (connect_error, reconnect_error) while the link is down,
// `reconnect` only after the restore, and the message typed offline delivered once.
#include "lesson_facts.hpp"

#include "sim/stack/host.hpp"
#include "sim/stack/sio_stage.hpp"

#include <cmath>

using namespace lessons;

namespace {

struct At {
    Time time;
    std::string text;
};

// Layer-7 notes (application events and Socket.IO states) of `host` containing `part`.
std::vector<At> notes(const trace::Trace& t, const std::string& host, std::string_view part) {
    std::vector<At> out;
    for (const auto& e : t.events())
        if ((e.kind == trace::Kind::app || e.kind == trace::Kind::state) && e.layer == 7 &&
            node_name(t, e) == host && t.text(e.text).find(part) != std::string_view::npos)
            out.push_back({e.time, std::string(t.text(e.text))});
    return out;
}

} // namespace

TEST_CASE("sio-heartbeat-reconnect: heartbeat, ping timeout, back-off, reconnect, buffer") {
    auto sc = load_lesson("sio-heartbeat-reconnect");
    const Time cut = ms(4500), restore = seconds(16), emitted = seconds(9);
    scenario::Player p(sc);
    p.run();
    const auto& t = p.trace();

    // The heartbeat the lesson configured is the one the server announced.
    auto open = notes(t, "phone", "OPEN {");
    REQUIRE(open.size() == 2); // the first session and the one after reconnecting
    for (const auto& o : open) {
        CHECK(o.text.find("\"pingInterval\":2000") != std::string::npos);
        CHECK(o.text.find("\"pingTimeout\":1000") != std::string::npos);
    }
    // Before the cut: a PING every 2 s, each answered at once.
    auto pings = notes(t, "phone", "PING received");
    auto pongs = notes(t, "phone", "PONG sent");
    std::vector<Time> before;
    for (const auto& x : pings)
        if (x.time < cut) before.push_back(x.time);
    REQUIRE(before.size() == 2);
    // The server pings again pingInterval after the PONG came back (engine.io's
    // schedulePing on pong): 2 s plus one round trip.
    CHECK(before[1] - before[0] > seconds(2));
    CHECK(before[1] - before[0] < seconds(2) + ms(20));
    for (Time ping : before)
        CHECK(std::any_of(pongs.begin(), pongs.end(), [&](const At& x) { return x.time == ping; }));

    // Server: its third PING is lost; 1 s later the phone's socket goes, named by its id.
    auto server_pings = notes(t, "server", "PING sent");
    auto gone = notes(t, "server", "disconnected (ping timeout)");
    REQUIRE(gone.size() == 1);
    // (The server pings the laptop too: the unanswered PING is the one 1 s before.)
    const bool unanswered = std::any_of(server_pings.begin(), server_pings.end(), [&](const At& x) {
        return x.time > cut && x.time == gone[0].time - seconds(1);
    });
    CHECK(unanswered);
    auto phone_sockets = notes(t, "server", "connected to /");
    REQUIRE(phone_sockets.size() == 3); // phone, laptop, phone again
    CHECK(gone[0].text == phone_sockets[0].text.substr(0, 37) + " disconnected (ping timeout)");

    // Phone: pingInterval + pingTimeout = 3 s after the last PING it heard.
    auto events = notes(t, "phone", "Socket.IO client: ");
    REQUIRE(events.size() >= 3);
    CHECK(events[0].text == "Socket.IO client: connect");
    CHECK(events[1].text == "Socket.IO client: disconnect (ping timeout)");
    CHECK(events[1].time == before.back() + seconds(3));

    // While down: attempt n after 1 s * 2^(n-1) (at most 5 s) ± 50 %, each failing after
    // the 2 s timeout with connect_error then reconnect_error; then reconnect.
    int attempts = 0;
    Time reconnected = 0;
    std::size_t i = 2;
    for (; i < events.size(); ++i) {
        const auto& e = events[i];
        INFO(e.text);
        if (starts(e.text, "Socket.IO client: reconnect_attempt ")) {
            ++attempts;
            REQUIRE(starts(e.text, "Socket.IO client: reconnect_attempt " +
                                       std::to_string(attempts) + " (after "));
            const double waited = std::stod(e.text.substr(e.text.find("(after ") + 7));
            const double nominal = std::min(std::pow(2.0, attempts - 1), 5.0);
            CHECK(waited >= nominal * 0.5);
            CHECK(waited <= std::min(nominal * 1.5, 5.0));
            if (e.time + seconds(2) < restore) {
                REQUIRE(i + 2 < events.size());
                CHECK(events[i + 1].text == "Socket.IO client: connect_error (timeout)");
                CHECK(events[i + 1].time == e.time + seconds(2));
                CHECK(events[i + 2].text == "Socket.IO client: reconnect_error (timeout)");
                CHECK(events[i + 2].time == e.time + seconds(2));
            }
        } else if (starts(e.text, "Socket.IO client: reconnect ")) {
            CHECK(e.text ==
                  "Socket.IO client: reconnect (after " + std::to_string(attempts) + " attempts)");
            reconnected = e.time;
            break;
        }
    }
    CHECK(attempts >= 3);
    CHECK(reconnected > restore);
    REQUIRE(i + 1 < events.size());
    CHECK(events[i + 1].text == "Socket.IO client: connect");
    CHECK(events.back().text == "Socket.IO client: connect");
    CHECK(p.world().host("phone")->sio()->client_connected(0));

    // The message typed at 9 s waited in the send buffer and went out after the reconnect;
    // the laptop, never disconnected, got it exactly once.
    auto sent = notes(t, "phone", "EVENT \"chat\" [\"typed in the tunnel\"] sent");
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].time >= reconnected);
    CHECK(sent[0].time > emitted);
    auto got = p.world().host("laptop")->sio()->client_received(0);
    REQUIRE(got.size() == 1);
    CHECK(got[0].first == "chat");
    CHECK(notes(t, "laptop", "Socket.IO client: disconnect").empty());

    CHECK(p.fired_cues().size() == sc.cues.size());
    CHECK(p.fired_quizzes().size() == sc.quizzes.size());
}
