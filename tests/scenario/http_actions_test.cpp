// The http.* actions in lesson files: what a valid action holds, the one precise error each
// mistake gives, and what the Player does with them.
#include "sim/scenario/load.hpp"

#include "errors_of.hpp"
#include "sim/scenario/player.hpp"

#include <catch2/catch.hpp>

using namespace wirelab;
using namespace wirelab::scenario::testing;
using namespace wirelab::scenario;

namespace {

// Lines 1-12; a case's own keys start on line 13.
const std::string http_head = R"([lesson]
title = "t"
[[host]]
name = "a"
ip = "10.0.0.1"
stack = ["phy", "eth", "ipv4", "tcp", "http"]
[[host]]
name = "b"
ip = "10.0.0.2"
stack = ["phy", "eth", "ipv4", "tcp"]
[[action]]
at = "0s"
)";

const std::string serve_a = "do = \"http.serve\"\nhost = \"a\"\nport = 80\npath = \"/news\"\n"
                            "body = \"one\"\n[[action]]\n";

} // namespace

TEST_CASE("http actions: the values they hold", "[http]") {
    auto r = load_string(http_head + serve_a +
                             "at = \"1s\"\ndo = \"http.update\"\nhost = \"a\"\npath = \"/news\"\n"
                             "body = \"two\"\n"
                             "[[action]]\nat = \"0.5s\"\ndo = \"http.poll\"\nhost = \"a\"\n"
                             "to = \"10.0.0.2:8080\"\nevery = \"250ms\"\nuntil = \"1.5s\"\n"
                             "[[action]]\nat = \"2s\"\ndo = \"http.get\"\nhost = \"a\"\n"
                             "to = \"b:80\"\npath = \"/x?y=1\"\n",
                         "x.toml");
    for (const auto& e : r.errors)
        FAIL_CHECK(e.format());
    REQUIRE(r.scenario);
    const auto& a = r.scenario->actions;
    REQUIRE(a.size() == 4);
    CHECK(a[0].kind == ActionKind::http_serve);
    CHECK(std::string(to_string(a[0].kind)) == "http.serve");
    CHECK(a[0].port == 80);
    CHECK(a[0].path == "/news");
    CHECK(std::string(a[0].data.begin(), a[0].data.end()) == "one");
    CHECK(a[1].kind == ActionKind::http_poll); // sorted by time: 0.5 s
    CHECK(a[1].peer == "10.0.0.2");
    CHECK(a[1].port == 8080);
    CHECK(a[1].path == "/");
    CHECK(a[1].every == 250'000'000);
    CHECK(a[1].count == 5); // 0.5, 0.75, 1.0, 1.25, 1.5 s
    CHECK(a[2].kind == ActionKind::http_update);
    CHECK(std::string(a[2].data.begin(), a[2].data.end()) == "two");
    CHECK(a[3].kind == ActionKind::http_get);
    CHECK(a[3].peer == "b");
    CHECK(a[3].path == "/x?y=1");
}

TEST_CASE("http action mistakes", "[http][errors]") {
    CHECK(errors_of(http_head + "do = \"http.pol\"\nhost = \"a\"\n") ==
          Lines{"x.toml:13:6: error: unknown action \"http.pol\" (did you mean \"http.poll\"?)"});
    CHECK(errors_of(http_head + "do = \"http.get\"\nhost = \"b\"\nto = \"a:80\"\n") ==
          Lines{"x.toml:14:8: error: host \"b\" has no \"http\" stage in its stack, needed for "
                "http.get"});
    CHECK(errors_of(http_head + "do = \"http.serve\"\nhost = \"a\"\nport = 80\n") ==
          Lines{"x.toml:11:1: error: missing \"body\" in http.serve action"});
    CHECK(errors_of(http_head + "do = \"http.update\"\nhost = \"a\"\npath = \"/news\"\n"
                                "body = \"x\"\n") ==
          Lines{"x.toml:15:8: error: nothing is served at \"/news\" on host \"a\" before this "
                "update: add an http.serve action for it first"});
    CHECK(errors_of(http_head + "do = \"http.poll\"\nhost = \"a\"\nto = \"b:80\"\n"
                                "every = \"1s\"\n") ==
          Lines{"x.toml:11:1: error: missing \"count\" or \"until\" in http.poll: say how many "
                "requests, e.g. count = 6, or until when, e.g. until = \"5s\""});
    CHECK(errors_of(http_head + "do = \"http.poll\"\nhost = \"a\"\nto = \"b:80\"\n"
                                "every = \"1s\"\ncount = 2\nuntil = \"3s\"\n") ==
          Lines{"x.toml:18:9: error: give either \"count\" (how many requests) or \"until\" "
                "(when to stop), not both"});
    CHECK(errors_of(http_head + "do = \"http.poll\"\nhost = \"a\"\nto = \"b:80\"\n"
                                "every = \"0s\"\ncount = 2\n") ==
          Lines{"x.toml:16:9: error: \"every\" must be more than 0"});
    CHECK(errors_of(http_head + "do = \"http.get\"\nhost = \"a\"\nto = \"bb:80\"\n") ==
          Lines{"x.toml:15:6: error: unknown host \"bb\" in \"to\" (did you mean \"b\"?)"});
    CHECK(errors_of(http_head +
                    "do = \"http.get\"\nhost = \"a\"\nto = \"b:80\"\npath = \"news\"\n") ==
          Lines{"x.toml:16:8: error: bad \"path\" \"news\": it starts with \"/\" and has no "
                "spaces"});
}

TEST_CASE("the Player serves, updates and polls over the simulated network", "[http]") {
    const std::string lesson = R"([lesson]
title = "t"
[world]
until = "3s"
[[host]]
name = "poller"
ip = "10.0.0.1"
stack = ["phy", "eth", "ipv4", "tcp", "http"]
[[host]]
name = "server"
ip = "10.0.0.2"
stack = ["phy", "eth", "ipv4", "tcp", "http"]
[[link]]
name = "cable"
a = "poller"
b = "server"
delay = "1ms"
[[action]]
at = "0s"
do = "http.serve"
host = "server"
port = 80
path = "/news"
body = "old"
[[action]]
at = "10ms"
do = "http.poll"
host = "poller"
to = "server:80"
path = "/news"
every = "1s"
count = 3
[[action]]
at = "1.5s"
do = "http.update"
host = "server"
path = "/news"
body = "new!"
)";
    auto r = load_string(lesson, "x.toml");
    for (const auto& e : r.errors)
        FAIL_CHECK(e.format());
    REQUIRE(r.scenario);
    Player p(*r.scenario);
    p.run();
    const auto& t = p.trace();
    std::vector<std::string> answers, inputs;
    for (const auto& e : t.events()) {
        if (e.kind == trace::Kind::message && e.aux == 1 &&
            t.topology.nodes[e.node].name == "poller")
            answers.emplace_back(t.text(e.text));
        if (e.kind == trace::Kind::input) inputs.emplace_back(t.text(e.text));
    }
    CHECK(answers == std::vector<std::string>{"HTTP/1.1 200 OK (3 B)", "HTTP/1.1 304 Not Modified",
                                              "HTTP/1.1 200 OK (4 B)"});
    CHECK(inputs ==
          std::vector<std::string>{"server: http.serve port 80 /news (3 bytes)",
                                   "poller: http.poll server:80 /news every 1s, 3 requests",
                                   "server: http.update /news (4 bytes)"});
}
