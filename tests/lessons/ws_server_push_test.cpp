// ws-server-push: after the Upgrade the browser sends no WebSocket frame at all, yet three
// text frames arrive from the server; the only HTTP request is the Upgrade GET.
#include "lesson_facts.hpp"

using namespace lessons;

TEST_CASE("ws-server-push: server frames with no client frame before them") {
    auto sc = load_lesson("ws-server-push");
    scenario::Player p(sc);
    p.run();
    const auto& t = p.trace();
    auto from_browser = messages(t, "browser", false);
    auto from_server = messages(t, "server", false);
    // The browser's only messages: the Upgrade GET and, after the server's CLOSE, its reply.
    REQUIRE(from_browser.size() == 2);
    CHECK(starts(from_browser[0].summary, "GET /scores HTTP/1.1"));
    CHECK(starts(from_browser[1].summary, "CLOSE 1000"));
    REQUIRE(from_server.size() == 5);
    CHECK(starts(from_server[0].summary, "HTTP/1.1 101"));
    const char* pushes[] = {"TEXT fin=1 mask=0 len=9 \"GOAL! 1-0\"",
                            "TEXT fin=1 mask=0 len=9 \"GOAL! 1-1\"",
                            "TEXT fin=1 mask=0 len=14 \"Full time: 1-1\""};
    for (int i = 0; i < 3; ++i) {
        CHECK(starts(from_server[1 + i].summary, pushes[i]));
        // Nothing from the browser between the 101 and this push, apart from the GET before it.
        for (const auto& m : from_browser)
            if (m.time > from_server[0].time) CHECK(m.time > from_server[1 + i].time);
    }
    CHECK(starts(from_server[4].summary, "CLOSE 1000 \"match over\""));
    CHECK(from_browser[1].time > from_server[4].time);
    // On the wire, before the server's CLOSE, the browser sent its SYN, the GET and pure ACKs.
    std::vector<std::string> other;
    for (const auto& f : frames_sent(t, "browser"))
        if (f.time < from_server[4].time && !starts(f.summary, "ACK ") &&
            !starts(f.summary, "SYN "))
            other.push_back(f.summary);
    REQUIRE(other.size() == 1);
    CHECK(starts(other[0], "GET /scores HTTP/1.1"));
    // The three updates reached the browser's application, in order.
    auto apps = texts(t, trace::Kind::app, "browser");
    std::vector<std::string> got;
    for (const auto& a : apps)
        if (starts(a, "received text")) got.push_back(a);
    CHECK(got == std::vector<std::string>{"received text \"GOAL! 1-0\"",
                                          "received text \"GOAL! 1-1\"",
                                          "received text \"Full time: 1-1\""});
}
