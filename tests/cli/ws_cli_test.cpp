// `wirelab ws accept | encode | decode` as a user runs them: exact output for the RFC 6455
// examples, JSON Lines for every chunking of the input.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

#include "ws_process.hpp"

using nlohmann::json;
using wstest::run;
using wstest::wirelab_exe;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

// Decodes and checks the exit code: 0 unless the bytes failed the connection, then 1.
std::vector<json> decode(const std::string& input, std::vector<std::string> args = {},
                         int status = 0) {
    std::vector<std::string> argv{wirelab_exe(), "ws", "decode"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run(argv, input);
    REQUIRE(r.status == status);
    std::vector<json> out;
    for (const auto& line : lines_of(r.out))
        out.push_back(json::parse(line));
    return out;
}

// `hex` split into lines of `chunk` bytes: one chunk per line for --hex.
std::string chunked(const std::string& hex, std::size_t chunk) {
    std::string out;
    for (std::size_t at = 0; at < hex.size(); at += 2 * chunk)
        out += hex.substr(at, 2 * chunk) + "\n";
    return out;
}

} // namespace

TEST_CASE("ws accept prints the RFC 6455 section 1.3 answer", "[cli][ws]") {
    auto r = run({wirelab_exe(), "ws", "accept", "dGhlIHNhbXBsZSBub25jZQ=="});
    CHECK(r.status == 0);
    CHECK(r.out == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n");
}

TEST_CASE("ws encode writes the RFC 6455 section 5.7 frames", "[cli][ws]") {
    auto encode = [](std::vector<std::string> args) {
        std::vector<std::string> argv{wirelab_exe(), "ws", "encode"};
        argv.insert(argv.end(), args.begin(), args.end());
        auto r = run(argv);
        CHECK(r.status == 0);
        return r.out;
    };
    CHECK(encode({"--text", "Hello"}) == "810548656c6c6f\n");
    CHECK(encode({"--client", "--mask", "37fa213d", "--text", "Hello"}) ==
          "818537fa213d7f9f4d5158\n");
    CHECK(encode({"--text", "Hello", "--fragment", "3"}) == "010348656c\n80026c6f\n");
    CHECK(encode({"--ping", "Hello"}) == "890548656c6c6f\n");
    CHECK(encode({"--close", "1000", "bye"}) == "880503e8627965\n");
    CHECK(encode({"--close", "1001"}) == "880203e9\n");
    std::string hex256;
    for (int i = 0; i < 256; ++i)
        hex256 += "ab";
    CHECK(encode({"--binary", hex256}) == "827e0100" + hex256 + "\n");
}

TEST_CASE("ws encode refuses contradictory or malformed arguments", "[cli][ws]") {
    auto status = [](std::vector<std::string> args) {
        std::vector<std::string> argv{wirelab_exe(), "ws", "encode"};
        argv.insert(argv.end(), args.begin(), args.end());
        return run(argv).status;
    };
    CHECK(status({"--mask", "37fa213d", "--text", "x"}) != 0); // only clients mask
    CHECK(status({"--client", "--mask", "37fa", "--text", "x"}) != 0);
    CHECK(status({"--binary", "zz"}) != 0);
    CHECK(status({"--text", "a", "--ping", "b"}) != 0);
    CHECK(status({}) != 0);
}

TEST_CASE("ws decode reports a masked text frame at every chunking", "[cli][ws]") {
    const std::string frame = "818537fa213d7f9f4d5158";
    for (std::size_t chunk = 1; chunk <= frame.size() / 2; ++chunk) {
        INFO("chunk " << chunk);
        auto out = decode(chunked(frame, chunk), {"--hex"});
        std::size_t last = (frame.size() / 2 + chunk - 1) / chunk - 1;
        std::size_t header_chunk = (6 - 1) / chunk; // the 6-byte header completes here
        REQUIRE(out.size() == 3);
        CHECK(out[0] == json{{"type", "frame"},
                             {"fin", true},
                             {"rsv", 0},
                             {"opcode", 1},
                             {"masked", true},
                             {"len", 5},
                             {"chunk", header_chunk}});
        CHECK(out[1] == json{{"type", "text"}, {"text", "Hello"}, {"chunk", last}});
        CHECK(out[2] == json{{"type", "end"}, {"state", "open"}});
    }
}

TEST_CASE("ws decode keeps the documented key order", "[cli][ws]") {
    auto r = run({wirelab_exe(), "ws", "decode", "--hex"}, "818537fa213d7f9f4d5158\n");
    CHECK(lines_of(r.out).at(0) ==
          R"({"type":"frame","fin":true,"rsv":0,"opcode":1,"masked":true,"len":5,"chunk":0})");
}

TEST_CASE("ws decode answers a ping and echoes a close", "[cli][ws]") {
    // Client role: the server's frames are unmasked; replies are masked with --mask.
    auto out =
        decode("8a00\n8903abcdef\n880203e8\n", {"--hex", "--role", "client", "--mask", "00000000"});
    std::vector<std::string> types;
    for (const auto& j : out)
        types.push_back(j["type"]);
    CHECK(types == std::vector<std::string>{"frame", "pong", "frame", "ping", "reply", "frame",
                                            "close", "reply", "end"});
    CHECK(out[3]["hex"] == "abcdef");
    CHECK(out[4]["hex"] == "8a8300000000abcdef");
    CHECK(out[6]["code"] == 1000);
    CHECK(out[7]["hex"] == "88820000000003e8");
    CHECK(out[8]["state"] == "closed");
}

TEST_CASE("ws decode reports an empty close body as 1005", "[cli][ws]") {
    auto out = decode("88 80 00000000\n", {"--hex"});
    REQUIRE(out.size() >= 3);
    CHECK(out[1]["type"] == "close");
    CHECK(out[1]["code"] == 1005);
}

TEST_CASE("ws decode fails invalid UTF-8 with 1007 and the byte", "[cli][ws]") {
    // Unmasked frames are a protocol error for a server, so decode as a client.
    auto out = decode("8104 4869 ff21\n", {"--hex", "--role", "client"}, 1);
    bool failed = false;
    for (const auto& j : out) {
        if (j["type"] != "fail") continue;
        failed = true;
        CHECK(j["code"] == 1007);
        CHECK(j["why"].get<std::string>().find("invalid UTF-8 at byte 2") != std::string::npos);
    }
    CHECK(failed);
    CHECK(out.back() == json{{"type", "end"}, {"state", "failed"}});
}

TEST_CASE("ws decode enforces --max-message-size and 0 means no limit", "[cli][ws]") {
    auto over =
        decode("8105 48656c6c6f\n", {"--hex", "--role", "client", "--max-message-size", "4"}, 1);
    bool too_big = false;
    for (const auto& j : over)
        too_big |= j["type"] == "fail" && j["code"] == 1009;
    CHECK(too_big);
    auto unlimited =
        decode("8105 48656c6c6f\n", {"--hex", "--role", "client", "--max-message-size", "0"});
    CHECK(unlimited[1]["text"] == "Hello");
}

TEST_CASE("ws decode without --hex reads raw bytes as chunk 0", "[cli][ws]") {
    using namespace std::string_literals;
    std::string raw = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58\x81\x80\x00\x00\x00\x00"s;
    auto out = decode(raw);
    REQUIRE(out.size() == 5);
    CHECK(out[1] == json{{"type", "text"}, {"text", "Hello"}, {"chunk", 0}});
    CHECK(out[3] == json{{"type", "text"}, {"text", ""}, {"chunk", 0}});
}
