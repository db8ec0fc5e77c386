// `wirelab sio encode | decode` as a user runs them: exact encodings (the same bytes the
// npm socket.io-parser writes, see tests/sio/reference_test.cpp), JSON Lines meanings,
// errors per line and exit 1 after them, exit 2 for bad usage.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

#include "ws_process.hpp"

using nlohmann::json;
using wstest::run;
using wstest::wirelab_exe;

namespace {

std::vector<std::string> sio_lines(std::vector<std::string> args, const std::string& input = "",
                                   int status = 0) {
    std::vector<std::string> argv{wirelab_exe(), "sio"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run(argv, input);
    REQUIRE(r.status == status);
    std::vector<std::string> out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

} // namespace

TEST_CASE("sio encode prints the Engine.IO message of an event") {
    CHECK(sio_lines({"encode", "--event", "chat", "--args", R"(["hi"])"}) ==
          std::vector<std::string>{R"(42["chat","hi"])"});
    CHECK(sio_lines({"encode", "--event", "chat", "--args", R"(["hi"])", "--nsp", "/admin", "--ack",
                     "12"}) == std::vector<std::string>{R"(42/admin,12["chat","hi"])"});
    CHECK(sio_lines({"encode", "--type", "connect", "--data", R"({"token":"x"})"}) ==
          std::vector<std::string>{R"(40{"token":"x"})"});
}

TEST_CASE("sio encode puts binary args in attachments printed as hex") {
    CHECK(sio_lines({"encode", "--event", "up", "--args", "[1]", "--binary", "0102ff"}) ==
          std::vector<std::string>{R"(451-["up",1,{"_placeholder":true,"num":0}])", "0102ff"});
    CHECK(sio_lines({"encode", "--event", "up", "--binary", "0102", "--polling"}) ==
          std::vector<std::string>{"451-[\"up\",{\"_placeholder\":true,\"num\":0}]\x1e"
                                   "bAQI="});
}

TEST_CASE("sio decode prints each packet's meaning as JSON Lines") {
    const auto out = sio_lines({"decode", R"(42["chat","hi"])", R"(43/admin,7["ok"])", "2"});
    REQUIRE(out.size() == 3);
    CHECK(json::parse(out[0]) == json{{"engineio", "message"},
                                      {"socketio", "EVENT"},
                                      {"nsp", "/"},
                                      {"event", "chat"},
                                      {"args", {"hi"}}});
    CHECK(out[0] ==
          R"({"engineio":"message","socketio":"EVENT","nsp":"/","event":"chat","args":["hi"]})");
    CHECK(json::parse(out[1]) == json{{"engineio", "message"},
                                      {"socketio", "ACK"},
                                      {"nsp", "/admin"},
                                      {"id", 7},
                                      {"args", {"ok"}}});
    CHECK(json::parse(out[2]) == json{{"engineio", "ping"}});
}

TEST_CASE("sio decode reads stdin lines and reassembles attachments") {
    const auto out =
        sio_lines({"decode"}, "451-[\"up\",{\"_placeholder\":true,\"num\":0}]\nbAQI=\n");
    REQUIRE(out.size() == 2);
    CHECK(json::parse(out[0]) == json{{"waiting", "attachments"}});
    const json j = json::parse(out[1]);
    CHECK(j["event"] == "up");
    CHECK(j["args"] == json::array({{{"_binary", "0102"}}}));

    const auto bare = sio_lines({"decode", "--socketio"},
                                "51-/admin,[\"up\",{\"_placeholder\":true,\"num\":0}]\n0a0b\n");
    REQUIRE(bare.size() == 2);
    CHECK(json::parse(bare[1])["nsp"] == "/admin");
    CHECK(json::parse(bare[1])["args"] == json::array({{{"_binary", "0a0b"}}}));
    CHECK_FALSE(json::parse(bare[1]).contains("engineio"));
}

TEST_CASE("sio decode of a polling payload and of an open packet") {
    const auto out = sio_lines(
        {"decode", "--payload"},
        "0{\"sid\":\"s\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,\"pingTimeout\":"
        "20000,\"maxPayload\":1000000}\x1e"
        "42[\"a\"]\n");
    REQUIRE(out.size() == 2);
    CHECK(json::parse(out[0])["sid"] == "s");
    CHECK(json::parse(out[0])["upgrades"] == json::array({"websocket"}));
    CHECK(json::parse(out[1])["event"] == "a");
}

TEST_CASE("sio decode reports bad packets per line, goes on, and exits 1") {
    const auto out = sio_lines({"decode", "zz", "42[", R"(42["fine"])"}, "", 1);
    REQUIRE(out.size() == 3);
    CHECK(json::parse(out[0]).contains("error"));
    CHECK(json::parse(out[1]).contains("error"));
    CHECK(json::parse(out[2])["event"] == "fine");
    // From stdin too, and an attachment that is not hex counts as bad.
    const auto in = sio_lines({"decode", "--socketio"},
                              "51-[\"up\",{\"_placeholder\":true,\"num\":0}]\nzz\n", 1);
    REQUIRE(in.size() == 2);
    CHECK(json::parse(in[1])["error"] == "attachment is not hex");
    // Only good lines: 0.
    CHECK(sio_lines({"decode", "2", R"(42["a"])"}).size() == 2);
}

TEST_CASE("sio encode with bad usage exits 2") {
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"encode", "--event", "x", "--args", "1"},
                                               {"encode", "--event", "x", "--args", "[1"},
                                               {"encode", "--args", "[]"},
                                               {"encode", "--event", "x", "--binary", "zz"},
                                               {"encode", "--type", "nope"}}) {
        std::vector<std::string> argv{wirelab_exe(), "sio"};
        argv.insert(argv.end(), args.begin(), args.end());
        CHECK(run(argv, "").status == 2);
    }
}
