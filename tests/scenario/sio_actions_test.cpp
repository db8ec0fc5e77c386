// The sio.* actions and the "sio" stage in lesson files: what a valid action holds, and the
// one precise error each mistake gives.
#include "sim/scenario/load.hpp"

#include "errors_of.hpp"

#include <catch2/catch.hpp>

using namespace wirelab::scenario;
using namespace wirelab::scenario::testing;

namespace {

// Lines 1-12; a case's own keys start on line 13.
const std::string sio_head = R"([lesson]
title = "t"
[[host]]
name = "a"
ip = "10.0.0.1"
stack = ["phy", "eth", "ipv4", "tcp", "http", "ws", "sio"]
[[host]]
name = "b"
ip = "10.0.0.2"
stack = ["phy", "eth", "ipv4", "tcp", "http", "ws"]
[[action]]
at = "0s"
)";

} // namespace

TEST_CASE("sio actions: the values they hold", "[sio]") {
    auto r = load_string(sio_head + "do = \"sio.emit\"\nhost = \"a\"\nevent = \"chat\"\n"
                                    "args = '[\"hi\", 1]'\nack = true\n"
                                    "[[action]]\nat = \"1s\"\ndo = \"sio.to\"\nhost = \"a\"\n"
                                    "room = \"A\"\nevent = \"news\"\n"
                                    "[[action]]\nat = \"2s\"\ndo = \"sio.join\"\nhost = \"a\"\n"
                                    "room = \"B\"\n",
                         "x.toml");
    for (const auto& e : r.errors)
        FAIL_CHECK(e.format());
    REQUIRE(r.scenario);
    const auto& a = r.scenario->actions;
    REQUIRE(a.size() == 3);
    CHECK(a[0].kind == ActionKind::sio_emit);
    CHECK(std::string(to_string(a[0].kind)) == "sio.emit");
    CHECK(a[0].event == "chat");
    CHECK(a[0].args == "[\"hi\", 1]");
    CHECK(a[0].ack);
    CHECK(a[1].kind == ActionKind::sio_to);
    CHECK(a[1].room == "A");
    CHECK(a[1].args == "[]");
    CHECK_FALSE(a[1].ack);
    CHECK(a[2].kind == ActionKind::sio_join);
    CHECK(a[2].room == "B");
}

TEST_CASE("sio action mistakes", "[sio][errors]") {
    CHECK(errors_of(sio_head + "do = \"sio.emt\"\nhost = \"a\"\n") ==
          Lines{"x.toml:13:6: error: unknown action \"sio.emt\" (did you mean \"sio.emit\"?)"});
    CHECK(
        errors_of(sio_head + "do = \"sio.emit\"\nhost = \"a\"\nevent = \"chat\"\nargs = 'hi'\n") ==
        Lines{"x.toml:16:8: error: bad \"args\" \"hi\": write a JSON array, e.g. '[\"hi\"]'"});
    CHECK(errors_of(sio_head + "do = \"sio.emit\"\nhost = \"a\"\nevent = \"connect\"\n") ==
          Lines{"x.toml:15:9: error: \"connect\" is a reserved Socket.IO event name; pick "
                "another, e.g. \"chat\""});
    CHECK(errors_of(sio_head + "do = \"sio.join\"\nhost = \"b\"\nroom = \"A\"\n") ==
          Lines{"x.toml:14:8: error: host \"b\" has no \"sio\" stage in its stack, needed for "
                "sio.join"});
    CHECK(errors_of(sio_head + "do = \"sio.leave\"\nhost = \"a\"\n") ==
          Lines{"x.toml:11:1: error: missing \"room\" in sio.leave action"});
    CHECK(errors_of(sio_head + "do = \"sio.emit\"\nhost = \"a\"\nevent = \"chat\"\nack = 1\n") ==
          Lines{"x.toml:16:7: error: expected true or false for \"ack\""});
}

TEST_CASE("the sio stage needs ws below it, and json is still refused", "[sio][errors]") {
    auto host = [](const std::string& stack) {
        return std::string("[lesson]\ntitle = \"t\"\n[[host]]\nname = \"a\"\nip = "
                           "\"10.0.0.1\"\nstack = ") +
               stack + "\n";
    };
    CHECK(errors_of(host(R"(["phy", "eth", "ipv4", "tcp", "sio"])")) ==
          Lines{"x.toml:6:39: error: stage \"sio\" needs \"ws\" below it"});
    CHECK(errors_of(host(R"(["phy", "eth", "ipv4", "tcp", "http", "ws", "sio"])")).empty());
    CHECK(errors_of(host(R"(["phy", "eth", "ipv4", "tcp", "http", "ws", "json"])")) ==
          Lines{"x.toml:6:53: error: stage \"json\" is not available yet (it comes with "
                "Socket.IO)"});
}
