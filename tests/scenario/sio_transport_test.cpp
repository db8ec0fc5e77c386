// sio.connect's transport key: "websocket" (the default) or "polling", and the error for
// anything else, at the key.
#include "sim/scenario/load.hpp"

#include <catch2/catch.hpp>

using namespace wirelab::scenario;

namespace {
LoadResult connect_with(const std::string& keys) {
    return load_string(R"([lesson]
title = "t"
[[host]]
name = "a"
ip = "10.0.0.1"
stack = ["phy", "eth", "ipv4", "tcp", "http", "ws", "sio"]
[[action]]
at = "0s"
do = "sio.connect"
host = "a"
to = "10.0.0.2:80"
)" + keys,
                       "x.toml");
}
} // namespace

TEST_CASE("sio.connect transport: websocket by default, polling on request", "[sio]") {
    auto plain = connect_with("");
    REQUIRE(plain.scenario);
    CHECK_FALSE(plain.scenario->actions.at(0).polling);
    auto ws = connect_with("transport = \"websocket\"\n");
    REQUIRE(ws.scenario);
    CHECK_FALSE(ws.scenario->actions.at(0).polling);
    auto polling = connect_with("transport = \"polling\"\n");
    REQUIRE(polling.scenario);
    CHECK(polling.scenario->actions.at(0).polling);

    auto bad = connect_with("transport = \"long-poll\"\n");
    CHECK_FALSE(bad.scenario);
    REQUIRE(bad.errors.size() == 1);
    const std::string msg = bad.errors[0].format();
    CHECK(msg.find("x.toml:12:") != std::string::npos);
    CHECK(msg.find("unknown transport \"long-poll\"") != std::string::npos);
}
