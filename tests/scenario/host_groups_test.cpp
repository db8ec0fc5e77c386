// [[hosts]] groups and actions with hosts = "<group>": what a group expands to (names,
// addresses, MACs, links, one action per member), the sio.listen / sio.connect timer keys,
// and the one positioned error each mistake gives.
#include "sim/scenario/load.hpp"

#include "errors_of.hpp"

#include <catch2/catch.hpp>

using namespace wirelab::scenario;
using namespace wirelab::scenario::testing;

namespace {

// Lines 1-17; a case's own lines start on line 18.
const std::string head = R"([lesson]
title = "t"
[[host]]
name = "server"
ip = "10.0.0.1/16"
stack = ["phy", "eth", "ipv4", "tcp", "http", "ws", "sio"]
[[switch]]
name = "sw"
[[link]]
a = "server"
b = "sw"
[[hosts]]
name = "u"
count = 300
stack = ["phy", "eth", "ipv4", "tcp", "http", "ws", "sio"]
switch = "sw"
delay = "1ms"
)";

} // namespace

TEST_CASE("[[hosts]]: a group expands to numbered hosts, consecutive addresses, links") {
    auto r = load_string(head + "ip = \"10.0.0.254/16\"\n"
                                "[[action]]\nat = \"0s\"\ndo = \"sio.listen\"\nhost = \"server\"\n"
                                "port = 80\nping_interval = \"2s\"\nping_timeout = \"1500ms\"\n"
                                "[[action]]\nat = \"10ms\"\ndo = \"sio.connect\"\nhosts = \"u\"\n"
                                "every = \"500us\"\nto = \"server:80\"\ntimeout = \"3s\"\n",
                         "x.toml");
    for (const auto& e : r.errors)
        FAIL_CHECK(e.format());
    REQUIRE(r.scenario);
    const auto& s = *r.scenario;
    REQUIRE(s.hosts.size() == 301);
    CHECK(s.hosts[1].name == "u0001");
    CHECK(s.hosts[300].name == "u0300");
    CHECK(s.hosts[1].ip == 0x0a0000feu);   // 10.0.0.254
    CHECK(s.hosts[2].ip == 0x0a0000ffu);   // 10.0.0.255: a host address in a /16
    CHECK(s.hosts[3].ip == 0x0a000100u);   // 10.0.1.0
    CHECK(s.hosts[300].ip == 0x0a000229u); // 10.0.2.41
    CHECK(s.hosts[300].prefix_len == 16);
    CHECK(s.hosts[300].stack.back() == "sio");
    // MACs by position, as for [[host]]: the 301st host is 02:00:00:00:01:2d.
    CHECK(s.hosts[300].mac == std::array<std::uint8_t, 6>{2, 0, 0, 0, 1, 0x2d});
    REQUIRE(s.links.size() == 301);
    CHECK(s.links[0].name == "server-sw");
    CHECK(s.links[1].name == "u0001-sw");
    CHECK(s.links[300].a == "u0300");
    CHECK(s.links[300].b == "sw");
    CHECK(s.links[300].delay == 1'000'000);
    REQUIRE(s.actions.size() == 301);
    CHECK(s.actions[0].ping_interval == 2'000'000'000);
    CHECK(s.actions[0].ping_timeout == 1'500'000'000);
    CHECK(s.actions[1].host == "u0001");
    CHECK(s.actions[1].at == 10'000'000);
    CHECK(s.actions[300].host == "u0300");
    CHECK(s.actions[300].at == 10'000'000 + 299 * 500'000);
    CHECK(s.actions[300].peer == "server");
    CHECK(s.actions[300].connect_timeout == 3'000'000'000);
}

TEST_CASE("[[hosts]]: names grow a digit past 9999, a first MAC counts up") {
    auto r = load_string(R"([lesson]
title = "t"
[[switch]]
name = "sw"
[[hosts]]
name = "p"
count = 10000
ip = "10.1.0.1/16"
mac = "02:aa:00:00:00:ff"
switch = "sw"
)",
                         "x.toml");
    for (const auto& e : r.errors)
        FAIL_CHECK(e.format());
    REQUIRE(r.scenario);
    CHECK(r.scenario->hosts.front().name == "p00001");
    CHECK(r.scenario->hosts.back().name == "p10000");
    CHECK(r.scenario->hosts[1].mac == std::array<std::uint8_t, 6>{2, 0xaa, 0, 0, 1, 0});
}

TEST_CASE("[[hosts]]: each mistake, at its key") {
    CHECK(errors_of(head + "ip = \"10.0.255.200/16\"\n") ==
          Lines{"x.toml:18:6: error: host \"u0056\" (number 56) would get an address outside "
                "the hosts of 10.0.0.0/16: start lower, use a shorter prefix or a smaller "
                "count"});
    CHECK(errors_of(head + "ip = \"10.0.0.1/16\"\n") ==
          Lines{"x.toml:18:6: error: host \"u0001\" would get 10.0.0.1, an address already in "
                "use"});
    CHECK(errors_of(head + "ip = \"10.0.0.2\"\n") ==
          Lines{"x.toml:18:6: error: host \"u0254\" (number 254) would get an address outside "
                "the hosts of 10.0.0.0/24: start lower, use a shorter prefix or a smaller "
                "count"});
    CHECK(errors_of(head +
                    "ip = \"10.0.0.2/16\"\n[[host]]\nname = \"u0007\"\nip = \"10.9.0.1/16\"\n") ==
          Lines{"x.toml:13:8: error: group \"u\" makes host \"u0007\", but that name is already "
                "used on line 19"});
    std::string bad_count = head;
    bad_count.replace(bad_count.find("count = 300"), 11, "count = 0  ");
    CHECK(errors_of(bad_count + "ip = \"10.0.0.2/16\"\n") ==
          Lines{"x.toml:14:9: error: \"count\" must be between 1 and 10000 (got 0)"});
    std::string bad_switch = head;
    bad_switch.replace(bad_switch.find("switch = \"sw\""), 13, "switch = \"sx\"");
    CHECK(errors_of(bad_switch + "ip = \"10.0.0.2/16\"\n") ==
          Lines{"x.toml:16:10: error: unknown switch \"sx\" (did you mean \"sw\"?)"});
    const std::string ok = head + "ip = \"10.0.0.2/16\"\n";
    CHECK(errors_of(ok + "[[action]]\nat = \"0s\"\ndo = \"sio.connect\"\nhosts = \"v\"\n"
                         "to = \"server:80\"\n") ==
          Lines{"x.toml:22:9: error: unknown [[hosts]] group \"v\""});
    CHECK(errors_of("[world]\nuntil = \"1s\"\n" + ok +
                    "[[action]]\nat = \"0s\"\ndo = \"sio.connect\"\nhosts = \"u\"\n"
                    "every = \"10ms\"\nto = \"server:80\"\n") ==
          Lines{"x.toml:25:9: error: the last host of group \"u\" would act at \"2.99s\", after "
                "the end of the lesson ([world] until = \"1s\")"});
    CHECK(errors_of(ok + "[[action]]\nat = \"0s\"\ndo = \"sio.connect\"\nhosts = \"u\"\n"
                         "to = \"u0003:80\"\n") ==
          Lines{"x.toml:23:6: error: \"u0003\" is one of the acting hosts (group \"u\"); "
                "wirelab has no loopback"});
    CHECK(errors_of(ok + "[[action]]\nat = \"0s\"\ndo = \"sio.listen\"\nhost = \"server\"\n"
                         "port = 80\nping_interval = \"1.5ms\"\n") ==
          Lines{"x.toml:24:17: error: \"ping_interval\" must be a whole number of milliseconds, "
                "more than 0 (Engine.IO counts in ms)"});
}
