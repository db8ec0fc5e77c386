// Every kind of mistake a lesson author can make gives exactly one precise
// "file:line:col: error: message" line, in file order, and no scenario at all.
#include "sim/scenario/load.hpp"

#include "errors_of.hpp"

#include <catch2/catch.hpp>

using namespace wirelab::scenario;
using namespace wirelab::scenario::testing;

namespace {

// Lines 1-11; a case's own text starts on line 12.
const std::string head = R"([lesson]
title = "t"
[[host]]
name = "client"
ip = "10.0.0.1/24"
[[host]]
name = "server"
ip = "10.0.0.2/24"
[[link]]
a = "client"
b = "server"
)";

} // namespace

TEST_CASE("the head used by the error cases is itself valid", "[errors]") {
    CHECK(errors_of(head).empty());
}

TEST_CASE("TOML syntax errors carry toml++'s line and column", "[errors]") {
    CHECK(errors_of("[lesson]\ntitle = \n") ==
          Lines{"x.toml:2:9: error: TOML syntax error in key-value pair: expected value, saw "
                "'\\n'"});
    CHECK(errors_of(head + "[[host]]\nname = \"a\"\nname = \"b\"\n") ==
          Lines{"x.toml:14:8: error: TOML syntax error in key-value pair: cannot redefine "
                "existing string 'name'"});
}

TEST_CASE("unknown stage, with did-you-mean, at the element", "[errors]") {
    CHECK(errors_of(head + "[[host]]\nname = \"a\"\nip = \"10.0.0.3/24\"\n"
                           "stack = [\"phy\", \"eth\", \"ipv4\", \"tpc\"]\n") ==
          Lines{"x.toml:15:32: error: unknown stage \"tpc\" (did you mean \"tcp\"?)"});
}

TEST_CASE("impossible stack orders", "[errors]") {
    auto host = [](const std::string& stack) {
        return head + "[[host]]\nname = \"a\"\nip = \"10.0.0.3/24\"\nstack = " + stack + "\n";
    };
    CHECK(errors_of(host(R"(["phy", "eth", "tcp"])")) ==
          Lines{"x.toml:15:24: error: stage \"tcp\" needs \"ipv4\" below it"});
    CHECK(errors_of(host(R"(["phy", "ipv4"])")) ==
          Lines{"x.toml:15:17: error: stage \"ipv4\" needs \"eth\" below it"});
    CHECK(errors_of(host(R"(["phy", "eth", "tcp", "ipv4"])")) ==
          Lines{"x.toml:15:24: error: stage \"tcp\" needs \"ipv4\" below it",
                "x.toml:15:31: error: stage \"ipv4\" must come below \"tcp\" (list stages "
                "bottom-up)"});
    CHECK(errors_of(host(R"(["phy", "eth", "eth"])")) ==
          Lines{"x.toml:15:24: error: stage \"eth\" appears twice"});
    CHECK(errors_of(host(R"(["phy", "eth", "ipv4", "tcp", "ws"])")) ==
          Lines{"x.toml:15:39: error: stage \"ws\" needs \"http\" below it"});
    CHECK(errors_of(host("[]")) == Lines{"x.toml:15:9: error: \"stack\" must not be empty"});
    CHECK(errors_of(host("[\"phy\", 3]")) == Lines{"x.toml:15:17: error: expected a string in "
                                                   "\"stack\""});
}

TEST_CASE("unknown keys, wrong types and missing keys", "[errors]") {
    CHECK(errors_of(head + "[[host]]\nnmae = \"a\"\nip = \"10.0.0.3/24\"\n") ==
          Lines{"x.toml:12:1: error: missing \"name\" in [[host]]",
                "x.toml:13:1: error: unknown key \"nmae\" in [[host]] (did you mean \"name\"?)"});
    CHECK(errors_of(head + "[[host]]\nname = 5\nip = \"10.0.0.3/24\"\n") ==
          Lines{"x.toml:13:8: error: expected a string for \"name\""});
    CHECK(errors_of(head + "[[switch]]\nname = \"s\"\ncolour = \"red\"\n") ==
          Lines{"x.toml:14:1: error: unknown key \"colour\" in [[switch]]"});
    CHECK(errors_of("[lesson]\nsummary = \"s\"\n[[host]]\nname = \"a\"\nip = \"10.0.0.1\"\n") ==
          Lines{"x.toml:1:1: error: missing \"title\" in [lesson]"});
    CHECK(errors_of("[[host]]\nname = \"a\"\nip = \"10.0.0.1\"\n") ==
          Lines{"x.toml:1:1: error: missing [lesson] table (a lesson needs at least a title)"});
    CHECK(errors_of(head + "[world]\nseed = \"one\"\n") ==
          Lines{"x.toml:13:8: error: expected an integer for \"seed\""});
}

TEST_CASE("misplaced and unknown top-level tables", "[errors]") {
    CHECK(errors_of(head + "[[hots]]\nname = \"a\"\n") ==
          Lines{"x.toml:12:3: error: unknown table \"hots\" (did you mean \"host\"?)"});
    CHECK(errors_of("title = \"t\"\n" + head) ==
          Lines{"x.toml:1:1: error: \"title\" belongs in [lesson]"});
    CHECK(errors_of(head + "[switch]\nname = \"s\"\n") ==
          Lines{"x.toml:12:1: error: write [[switch]] with double brackets: a lesson may have "
                "several"});
}

TEST_CASE("duplicate names, IPs and MACs point at the second one", "[errors]") {
    CHECK(errors_of(head + "[[switch]]\nname = \"client\"\n") ==
          Lines{"x.toml:13:8: error: duplicate name \"client\" (already a host on line 3)"});
    CHECK(errors_of(head + "[[host]]\nname = \"c\"\nip = \"10.0.0.2/24\"\n") ==
          Lines{"x.toml:14:6: error: duplicate IP address 10.0.0.2 (already host \"server\" on "
                "line 6)"});
    CHECK(errors_of(head + "[[host]]\nname = \"c\"\nip = \"10.0.0.3/24\"\nmac = "
                           "\"02:00:00:00:00:01\"\n") ==
          Lines{"x.toml:15:7: error: duplicate MAC address 02:00:00:00:00:01 (already host "
                "\"client\" on line 3)"});
    CHECK(errors_of(head + "[[link]]\na = \"client\"\nb = \"server\"\n") ==
          Lines{"x.toml:12:1: error: duplicate link name \"client-server\" (already the link on "
                "line 9); give this one a \"name\""});
}

TEST_CASE("links to unknown or impossible ends", "[errors]") {
    CHECK(errors_of(head + "[[switch]]\nname = \"sw\"\n[[link]]\na = \"sw\"\nb = \"sever\"\n") ==
          Lines{"x.toml:16:5: error: unknown host or switch \"sever\" for \"b\" (did you mean "
                "\"server\"?)"});
    CHECK(errors_of(head + "[[switch]]\nname = \"sw\"\n[[link]]\na = \"sw\"\nb = \"sw\"\n") ==
          Lines{"x.toml:16:5: error: a link joins two different ends (\"sw\" is on both)"});
    CHECK(errors_of(head + "[[switch]]\nname = \"sw\"\n[[link]]\na = \"sw\"\nb = \"client\"\n") ==
          Lines{"x.toml:16:5: error: host \"client\" is already on link \"client-server\"; a "
                "host has one network interface (join several hosts with a [[switch]])"});
}

TEST_CASE("bad addresses", "[errors]") {
    auto ip = [](const std::string& text) {
        return errors_of(head + "[[host]]\nname = \"a\"\nip = \"" + text + "\"\n");
    };
    CHECK(ip("10.0.0.300/24") == Lines{"x.toml:14:6: error: bad IPv4 address \"10.0.0.300/24\" "
                                       "for \"ip\": write \"a.b.c.d/prefix\", e.g. "
                                       "\"10.0.0.1/24\""});
    CHECK(ip("10.0.0.3/33") == Lines{"x.toml:14:6: error: bad prefix length \"/33\" in "
                                     "\"10.0.0.3/33\": it must be 1 to 32"});
    CHECK(ip("10.0.0.0/24") == Lines{"x.toml:14:6: error: 10.0.0.0 is the network address of "
                                     "10.0.0.0/24, not a host address"});
    CHECK(ip("10.0.0.255/24") == Lines{"x.toml:14:6: error: 10.0.0.255 is the broadcast "
                                       "address of 10.0.0.0/24, not a host address"});
    CHECK(ip("224.0.0.1/24") == Lines{"x.toml:14:6: error: 224.0.0.1 is not a unicast host "
                                      "address"});
    auto mac = [](const std::string& text) {
        return errors_of(head + "[[host]]\nname = \"a\"\nip = \"10.0.0.3\"\nmac = \"" + text +
                         "\"\n");
    };
    CHECK(mac("02:00:00:00:00") == Lines{"x.toml:15:7: error: bad MAC address \"02:00:00:00:00\": "
                                         "write six hex bytes, e.g. \"02:00:00:00:00:01\""});
    CHECK(mac("01:00:5e:00:00:01") ==
          Lines{"x.toml:15:7: error: MAC address \"01:00:5e:00:00:01\" is a group address "
                "(lowest bit of the first byte set); a host needs a unicast one"});
    CHECK(errors_of(head + "[[host]]\nname = \"a\"\nip = \"10.0.0.3\"\ngateway = "
                           "\"10.0.1.1\"\n") ==
          Lines{"x.toml:15:11: error: the gateway \"10.0.1.1\" is not in the host's subnet "
                "10.0.0.0/24"});
}

TEST_CASE("impossible link values", "[errors]") {
    auto link = [](const std::string& line) {
        return errors_of("[lesson]\ntitle = \"t\"\n[[host]]\nname = \"a\"\nip = \"10.0.0.1\"\n"
                         "[[host]]\nname = \"b\"\nip = \"10.0.0.2\"\n"
                         "[[link]]\na = \"a\"\nb = \"b\"\n" +
                         line + "\n");
    };
    CHECK(link("delay = \"-5ms\"") ==
          Lines{"x.toml:12:9: error: \"delay\" must not be negative (got \"-5ms\")"});
    CHECK(link("delay = \"10 minutes\"") ==
          Lines{"x.toml:12:9: error: bad duration \"10 minutes\" for \"delay\": write a number "
                "and a unit (ns, us, ms, s), e.g. \"20ms\""});
    CHECK(link("delay = 10") == Lines{"x.toml:12:9: error: expected a duration string such as "
                                      "\"20ms\" for \"delay\""});
    CHECK(link("loss = 1.5") == Lines{"x.toml:12:8: error: \"loss\" is a probability and must "
                                      "be between 0 and 1 (got 1.5)"});
    CHECK(link("corrupt = -0.1") == Lines{"x.toml:12:11: error: \"corrupt\" is a probability "
                                          "and must be between 0 and 1 (got -0.1)"});
    CHECK(link("bandwidth = \"0bps\"") ==
          Lines{"x.toml:12:13: error: \"bandwidth\" must be more than 0 bps (got \"0bps\")"});
    CHECK(link("bandwidth = \"100MBps\"") ==
          Lines{"x.toml:12:13: error: bad bandwidth \"100MBps\" for \"bandwidth\": write a "
                "number and a unit (bps, kbps, Mbps, Gbps), e.g. \"100Mbps\""});
    CHECK(link("queue = 0") ==
          Lines{"x.toml:12:9: error: \"queue\" must be between 1 and 1000000 (got 0)"});
}

TEST_CASE("actions: unknown kinds, hosts, links and bad parameters", "[errors]") {
    auto action = [](const std::string& body) {
        return errors_of(head + "[[action]]\nat = \"0s\"\n" + body + "\n");
    };
    CHECK(action("do = \"tcp.conect\"\nhost = \"client\"") ==
          Lines{"x.toml:14:6: error: unknown action \"tcp.conect\" (did you mean "
                "\"tcp.connect\"?)"});
    CHECK(action("do = \"tcp.listen\"\nhost = \"sever\"\nport = 80") ==
          Lines{"x.toml:15:8: error: unknown host \"sever\" (did you mean \"server\"?)"});
    CHECK(action("do = \"tcp.listen\"\nhost = \"server\"\nport = 70000") ==
          Lines{"x.toml:16:8: error: \"port\" must be between 1 and 65535 (got 70000)"});
    CHECK(action("do = \"tcp.listen\"\nhost = \"server\"\nprot = 80") ==
          Lines{"x.toml:12:1: error: missing \"port\" in tcp.listen action",
                "x.toml:16:1: error: unknown key \"prot\" in tcp.listen action (did you mean "
                "\"port\"?)"});
    CHECK(action("do = \"tcp.connect\"\nhost = \"client\"\nto = \"server:0\"") ==
          Lines{"x.toml:16:6: error: port 0 in \"to\" is out of range (1 to 65535)"});
    CHECK(action("do = \"tcp.connect\"\nhost = \"client\"\nto = \"server\"") ==
          Lines{"x.toml:16:6: error: bad \"to\" \"server\": write host:port, e.g. "
                "\"server:80\""});
    CHECK(action("do = \"tcp.connect\"\nhost = \"client\"\nto = \"srever:80\"") ==
          Lines{"x.toml:16:6: error: unknown host \"srever\" in \"to\" (did you mean "
                "\"server\"?)"});
    CHECK(action("do = \"tcp.send\"\nhost = \"client\"") ==
          Lines{"x.toml:12:1: error: missing \"text\" or \"hex\" in tcp.send action"});
    CHECK(action("do = \"tcp.send\"\nhost = \"client\"\ntext = \"a\"\nhex = \"61\"") ==
          Lines{"x.toml:17:7: error: give either \"text\" or \"hex\", not both"});
    CHECK(action("do = \"tcp.send\"\nhost = \"client\"\nhex = \"6\"") ==
          Lines{"x.toml:16:7: error: bad \"hex\" \"6\": write pairs of hex digits, e.g. "
                "\"48656c6c6f\""});
    CHECK(action("do = \"link.cut\"\nlink = \"clint-server\"") ==
          Lines{"x.toml:15:8: error: unknown link \"clint-server\" (did you mean "
                "\"client-server\"?)"});
    CHECK(action("do = \"drop.next\"\nlink = \"client-server\"\nfrom = \"x\"") ==
          Lines{"x.toml:16:8: error: \"from\" must be one end of link \"client-server\": "
                "\"client\" or \"server\""});
    CHECK(action("do = \"ws.listen\"\nhost = \"server\"\nport = 80") ==
          Lines{"x.toml:15:8: error: host \"server\" has no \"ws\" stage in its stack, needed "
                "for ws.listen"});
    CHECK(errors_of(head + "[[action]]\ndo = \"link.cut\"\nlink = \"client-server\"\n") ==
          Lines{"x.toml:12:1: error: missing \"at\" in link.cut action"});
    CHECK(errors_of(head + "[world]\nuntil = \"1s\"\n[[action]]\nat = \"2s\"\ndo = "
                           "\"link.cut\"\nlink = \"client-server\"\n") ==
          Lines{"x.toml:15:6: error: \"2s\" is after the end of the lesson ([world] until = "
                "\"1s\")"});
}

TEST_CASE("WebSocket action parameters", "[errors]") {
    std::string ws_head = R"([lesson]
title = "t"
[[host]]
name = "a"
ip = "10.0.0.1"
stack = ["phy", "eth", "ipv4", "tcp", "http", "ws"]
[[action]]
at = "0s"
)";
    CHECK(errors_of(ws_head + "do = \"ws.close\"\nhost = \"a\"\ncode = 1005\n") ==
          Lines{"x.toml:11:8: error: close code 1005 may not be sent: use 1000-1003, 1007-1014 "
                "or 3000-4999"});
    CHECK(errors_of(ws_head + "do = \"ws.ping\"\nhost = \"a\"\ntext = \"" + std::string(126, 'x') +
                    "\"\n") ==
          Lines{"x.toml:11:8: error: a ping carries at most 125 bytes (got 126)"});
    CHECK(errors_of(ws_head + "do = \"ws.listen\"\nhost = \"a\"\nport = 80\npath = \"chat\"\n") ==
          Lines{"x.toml:12:8: error: bad \"path\" \"chat\": it starts with \"/\" and has no "
                "spaces"});
    CHECK(errors_of(ws_head + "do = \"ws.send\"\nhost = \"a\"\ntext = \"\"\nfragment = -1\n") ==
          Lines{"x.toml:12:12: error: \"fragment\" must be between 0 and 16777216 (got -1)"});
}

TEST_CASE("cue and quiz mistakes", "[errors]") {
    CHECK(errors_of(head + "[[quiz]]\nat = \"1s\"\nquestion = \"q\"\nchoices = [\"a\", \"b\"]\n"
                           "answer = 2\n") ==
          Lines{"x.toml:16:10: error: \"answer\" is 2 but the choices are numbered 0 to 1"});
    CHECK(errors_of(head + "[[quiz]]\nat = \"1s\"\nquestion = \"q\"\nchoices = [\"a\"]\n"
                           "answer = 0\n") ==
          Lines{"x.toml:15:11: error: a quiz needs at least 2 choices (got 1)"});
    CHECK(errors_of(head + "[[quiz]]\nat = \"1s\"\nquestion = \"q\"\n") ==
          Lines{"x.toml:12:1: error: missing \"answer_text\" (or \"choices\" and \"answer\") in "
                "[[quiz]]"});
    CHECK(errors_of(head + "[[quiz]]\nquestion = \"q\"\nanswer_text = \"a\"\n") ==
          Lines{"x.toml:12:1: error: [[quiz]] needs \"at\", \"when\" or \"after\""});
    CHECK(errors_of(head + "[[cue]]\nat = \"1s\"\nwhen = { event = \"drop\" }\ntext = \"c\"\n") ==
          Lines{"x.toml:14:8: error: give only one of \"at\" or \"when\""});
    CHECK(errors_of(head + "[[cue]]\nwhen = { event = \"state\", host = \"client\", state = "
                           "\"ESTABLISHD\" }\ntext = \"c\"\n") ==
          Lines{"x.toml:13:52: error: unknown state \"ESTABLISHD\" (did you mean "
                "\"ESTABLISHED\"?)"});
    CHECK(errors_of(head + "[[cue]]\nwhen = { event = \"arrived\", host = \"client\" }\n"
                           "text = \"c\"\n") ==
          Lines{"x.toml:13:18: error: unknown event \"arrived\": use \"state\", \"arrive\", "
                "\"send\", \"drop\" or \"app\" (did you mean \"arrive\"?)"});
    CHECK(errors_of(head + "[[cue]]\nwhen = { event = \"arrive\", host = \"client\" }\n"
                           "text = \"c\"\n") ==
          Lines{"x.toml:13:8: error: missing \"pdu\" in \"when\" (event \"arrive\")"});
    CHECK(errors_of(head + "[[cue]]\nwhen = { event = \"drop\", host = \"nobody\" }\ntext = "
                           "\"c\"\n") == Lines{"x.toml:13:33: error: unknown host \"nobody\""});
    CHECK(errors_of(head + "[[cue]]\nwhen = { event = \"state\", state = \"LISTEN\" }\ntext = "
                           "\"c\"\n") ==
          Lines{"x.toml:13:8: error: missing \"host\" in \"when\" (event \"state\")"});
    CHECK(errors_of(head + "[[cue]]\nwhen = { event = \"drop\", nth = 0 }\ntext = \"c\"\n") ==
          Lines{"x.toml:13:32: error: \"nth\" must be between 1 and 1000000 (got 0)"});
}

TEST_CASE("several errors come out together, in file order", "[errors]") {
    std::string text = R"([lesson]
title = "t"
level = "beginer"
[[link]]
a = "client"
b = "ghost"
[[host]]
name = "client"
ip = "10.0.0.1/24"
stack = ["phy", "eht"]
)";
    CHECK(errors_of(text) ==
          Lines{"x.toml:3:9: error: unknown level \"beginer\": use \"beginner\", "
                "\"intermediate\" or \"advanced\" (did you mean \"beginner\"?)",
                "x.toml:6:5: error: unknown host or switch \"ghost\" for \"b\"",
                "x.toml:10:17: error: unknown stage \"eht\" (did you mean \"eth\"?)"});
}
