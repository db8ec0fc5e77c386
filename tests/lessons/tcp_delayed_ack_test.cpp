// [world] tcp_delayed_ack, played on ws-server-push: without it the browser ACKs each pushed
// frame as it arrives; with it (RFC 9293 3.8.6.3) the ACK waits for the timer, and two
// segments arriving back to back get one ACK, at once, for both.
#include "lesson_facts.hpp"

using namespace lessons;

namespace {

// The browser's pure ACKs (no payload, no SYN/FIN) once the pushes begin (at 100 ms).
std::vector<Seen> browser_acks(const trace::Trace& t) {
    std::vector<Seen> out;
    for (auto& f : frames_sent(t, "browser"))
        if (starts(f.summary, "ACK ") && f.time > ms(100)) out.push_back(std::move(f));
    return out;
}

// When the browser's stack received each pushed TEXT frame.
std::vector<Time> pushes_received(const trace::Trace& t) {
    std::vector<Time> out;
    for (const auto& m : messages(t, "browser", true))
        if (starts(m.summary, "TEXT ")) out.push_back(m.time);
    return out;
}

// Plays the lesson: the browser's ACKs and when it received the three pushes.
struct Played {
    std::vector<Seen> acks;
    std::vector<Time> pushes;
};
Played play(const scenario::Scenario& sc) {
    scenario::Player p(sc);
    p.run();
    Played out{browser_acks(p.trace()), pushes_received(p.trace())};
    REQUIRE(out.pushes.size() == 3);
    return out;
}

} // namespace

TEST_CASE("tcp_delayed_ack holds each ACK for the timer, and one ACK covers two segments") {
    auto sc = load_lesson("ws-server-push");
    REQUIRE(sc.tcp_delayed_ack == 0);
    {
        const auto [acks, pushes] = play(sc);
        REQUIRE(acks.size() == 3);
        for (std::size_t i = 0; i < 3; ++i)
            CHECK(acks[i].time == pushes[i]); // at once
    }

    sc.tcp_delayed_ack = ms(40);
    {
        const auto [acks, pushes] = play(sc);
        REQUIRE(acks.size() == 3);
        for (std::size_t i = 0; i < 3; ++i)
            CHECK(acks[i].time == pushes[i] + ms(40)); // held for the timer
    }

    // The second push at the same instant as the first: two segments back to back, and the
    // second one is ACKed at once, covering both; the third still waits for the timer.
    for (auto& a : sc.actions)
        if (a.kind == scenario::ActionKind::ws_send && a.at == ms(250)) a.at = ms(100);
    {
        const auto [acks, pushes] = play(sc);
        REQUIRE(acks.size() == 2);
        CHECK(acks[0].time == pushes[1]);
        CHECK(acks[1].time == pushes[2] + ms(40));
    }
}

TEST_CASE("tcp_delayed_ack is refused from 500ms up, as RFC 9293 requires") {
    auto r = scenario::load_string("[lesson]\ntitle = \"t\"\n[world]\ntcp_delayed_ack = \"500ms\"\n"
                                   "[[host]]\nname = \"h\"\nip = \"10.0.0.1\"\n",
                                   "d.toml");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].format() ==
          "d.toml:4:19: error: \"tcp_delayed_ack\" must be less than 500ms (RFC 9293 3.8.6.3); "
          "Linux uses 40ms, Windows and ns-3 200ms");
    auto ok = scenario::load_string("[lesson]\ntitle = \"t\"\n[world]\ntcp_delayed_ack = \"40ms\"\n"
                                    "[[host]]\nname = \"h\"\nip = \"10.0.0.1\"\n",
                                    "d.toml");
    REQUIRE(ok.scenario);
    CHECK(ok.scenario->tcp_delayed_ack == ms(40));
}
