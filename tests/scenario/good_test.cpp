// A complete lesson file (tests/scenario/full.toml) loads to exactly the values it states,
// defaults included, with actions sorted by time (file order for ties).
#include "sim/scenario/load.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace wirelab::scenario;

namespace {

const std::string full_path = std::string(WIRELAB_SOURCE_DIR) + "/tests/scenario/full.toml";

Scenario load_full() {
    LoadResult r = load_file(full_path);
    for (const Error& e : r.errors)
        UNSCOPED_INFO(e.format());
    REQUIRE(r.errors.empty());
    REQUIRE(r.scenario);
    return *r.scenario;
}

std::vector<std::uint8_t> bytes(std::string_view s) {
    return {s.begin(), s.end()};
}

} // namespace

TEST_CASE("full lesson: lesson and world values", "[load]") {
    Scenario s = load_full();
    CHECK(s.path == full_path);
    CHECK(s.lesson.title == "The TCP three-way handshake");
    CHECK(s.lesson.summary == "How a client and a server agree to talk: SYN, SYN-ACK, ACK.");
    CHECK(s.lesson.topics == std::vector<std::string>{"tcp", "handshake", "osi-4"});
    CHECK(s.lesson.level == "beginner");
    CHECK(s.lesson.minutes == 5);
    REQUIRE(s.lesson.experiments.size() == 1);
    CHECK(s.lesson.experiments[0].starts_with("Set `loss = 0.3`"));
    CHECK(s.seed == 42);
    CHECK(s.until == 2'000'000'000);
    CHECK(s.tcp_time_wait == 500'000'000);
}

TEST_CASE("full lesson: hosts with given and derived addresses", "[load]") {
    Scenario s = load_full();
    REQUIRE(s.hosts.size() == 3);
    const HostSpec& client = s.hosts[0];
    CHECK(client.name == "client");
    CHECK(client.ip == 0x0a000001u);
    CHECK(client.prefix_len == 24);
    CHECK(client.mac == std::array<std::uint8_t, 6>{0x02, 0, 0, 0, 0, 0x01});
    CHECK(client.gateway == 0x0a0000feu);
    CHECK(client.stack ==
          std::vector<std::string>{"phy", "eth", "arp", "ipv4", "tcp", "http", "ws"});
    CHECK(client.pos.line == 15);
    CHECK(client.pos.column == 1);
    const HostSpec& server = s.hosts[1];
    CHECK(server.ip == 0x0a000002u);
    CHECK(server.prefix_len == 16);
    CHECK(server.mac == std::array<std::uint8_t, 6>{0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee});
    CHECK_FALSE(server.gateway);
    const HostSpec& observer = s.hosts[2];
    CHECK(observer.prefix_len == 24); // no "/prefix": /24
    CHECK(observer.mac == std::array<std::uint8_t, 6>{0x02, 0, 0, 0, 0, 0x03});
    CHECK(observer.stack == std::vector<std::string>{"phy", "eth", "arp", "ipv4", "tcp"});
    REQUIRE(s.switches.size() == 1);
    CHECK(s.switches[0].name == "sw1");
}

TEST_CASE("full lesson: links with values, defaults and derived names", "[load]") {
    Scenario s = load_full();
    REQUIRE(s.links.size() == 3);
    const LinkSpec& access = s.links[0];
    CHECK(access.name == "access");
    CHECK(access.a == "client");
    CHECK(access.b == "sw1");
    CHECK(access.bandwidth_bps == 1'500'000);
    CHECK(access.delay == 10'000'000);
    CHECK(access.loss == 0.25);
    CHECK(access.duplicate == 0.125);
    CHECK(access.reorder == 0.0);
    CHECK(access.corrupt == 1.0);
    CHECK(access.queue == 16);
    const LinkSpec& uplink = s.links[1];
    CHECK(uplink.name == "sw1-server");
    CHECK(uplink.bandwidth_bps == 100'000'000);
    CHECK(uplink.delay == 0);
    CHECK(uplink.loss == 0.0);
    CHECK(uplink.queue == 64);
    CHECK(s.links[2].name == "observer-sw1");
    CHECK(s.links[2].delay == 250'000);
    CHECK(s.links[2].bandwidth_bps == 9600);
}

TEST_CASE("full lesson: actions sorted stably by time with every parameter", "[load]") {
    Scenario s = load_full();
    REQUIRE(s.actions.size() == 14);
    std::vector<std::string> order;
    for (const Action& a : s.actions)
        order.push_back(to_string(a.kind));
    CHECK(order == std::vector<std::string>{"tcp.listen", "tcp.connect", "tcp.send", "tcp.send",
                                            "link.cut", "link.restore", "drop.next", "tcp.close",
                                            "tcp.abort", "ws.listen", "ws.connect", "ws.send",
                                            "ws.ping", "ws.close"});
    const Action& listen = s.actions[0];
    CHECK(listen.at == 0);
    CHECK(listen.host == "server");
    CHECK(listen.port == 80);
    const Action& connect = s.actions[1];
    CHECK(connect.at == 10'000'000);
    CHECK(connect.host == "client");
    CHECK(connect.peer == "server");
    CHECK(connect.port == 80);
    const Action& text_send = s.actions[2]; // the earlier line of the two at 200 ms
    CHECK(text_send.at == 200'000'000);
    CHECK(text_send.peer == "server");
    CHECK(text_send.data == bytes("Hello"));
    CHECK_FALSE(text_send.binary);
    CHECK(text_send.pos.line == 56);
    const Action& hex_send = s.actions[3];
    CHECK(hex_send.peer.empty());
    CHECK(hex_send.data == std::vector<std::uint8_t>{0x48, 0x65, 0x6c});
    CHECK(hex_send.binary);
    CHECK(s.actions[4].link == "access");
    const Action& drop = s.actions[6];
    CHECK(drop.link == "sw1-server");
    CHECK(drop.count == 2);
    CHECK(drop.from == "server");
    CHECK(s.actions[8].peer == "10.0.0.1");
    const Action& ws_listen = s.actions[9];
    CHECK(ws_listen.port == 8080);
    CHECK(ws_listen.path == "/chat");
    const Action& ws_connect = s.actions[10];
    CHECK(ws_connect.peer == "10.0.0.2");
    CHECK(ws_connect.port == 8080);
    CHECK(ws_connect.path == "/chat");
    CHECK(s.actions[11].data == bytes("hi there"));
    CHECK(s.actions[11].fragment == 3);
    CHECK(s.actions[12].peer == "client");
    CHECK(s.actions[12].data == bytes("are you there?"));
    CHECK(s.actions[13].code == 1001);
    CHECK(s.actions[13].reason == "going away");
}

TEST_CASE("full lesson: cues and quizzes with their triggers", "[load]") {
    Scenario s = load_full();
    REQUIRE(s.cues.size() == 4);
    CHECK(s.cues[0].at == 15'000'000);
    CHECK_FALSE(s.cues[0].when);
    REQUIRE(s.cues[1].when);
    CHECK(s.cues[1].when->event == "state");
    CHECK(s.cues[1].when->host == "client");
    CHECK(s.cues[1].when->state == "ESTABLISHED");
    CHECK(s.cues[1].when->nth == 1);
    CHECK(s.cues[1].text == "Three segments and both sides are ESTABLISHED.");
    REQUIRE(s.cues[2].when);
    CHECK(s.cues[2].when->event == "drop");
    CHECK(s.cues[2].when->link.empty());
    CHECK(s.cues[2].when->nth == 2);
    CHECK(s.cues[3].when->name == "message");

    REQUIRE(s.quizzes.size() == 3);
    const Quiz& q0 = s.quizzes[0];
    REQUIRE(q0.when);
    CHECK(q0.when->event == "arrive");
    CHECK(q0.when->pdu == "SYN-ACK");
    CHECK(q0.choices.size() == 3);
    CHECK(q0.answer == 1);
    CHECK(q0.explain == "It acknowledges the client's SYN and sends its own.");
    CHECK_FALSE(q0.at_end);
    const Quiz& q1 = s.quizzes[1];
    CHECK(q1.at_end);
    CHECK_FALSE(q1.at);
    CHECK_FALSE(q1.when);
    CHECK(q1.answer == -1);
    CHECK(q1.answer_text == "101");
    CHECK(s.quizzes[2].at == 1'000'000'000);
    CHECK(s.quizzes[2].answer == 0);
}

TEST_CASE("a minimal lesson takes every default", "[load]") {
    LoadResult r = load_string(
        "[lesson]\ntitle = \"t\"\n[[host]]\nname = \"h\"\nip = \"10.0.0.1\"\n", "min.toml");
    REQUIRE(r.errors.empty());
    REQUIRE(r.scenario);
    CHECK(r.scenario->seed == 1);
    CHECK_FALSE(r.scenario->until);
    CHECK(r.scenario->tcp_time_wait == 1'000'000'000);
    CHECK(r.scenario->lesson.level.empty());
}

TEST_CASE("load_file reports a missing file instead of throwing", "[load]") {
    LoadResult r = load_file("/nonexistent/lesson.toml");
    CHECK_FALSE(r.scenario);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].format() == "/nonexistent/lesson.toml:0:0: error: cannot open the file");
}

TEST_CASE("every lesson in scenarios/ loads without errors", "[load][lessons]") {
    namespace fs = std::filesystem;
    fs::path dir = fs::path(WIRELAB_SOURCE_DIR) / "scenarios";
    if (!fs::exists(dir)) return;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".toml") continue;
        LoadResult r = load_file(entry.path().string());
        for (const Error& e : r.errors)
            UNSCOPED_INFO(e.format());
        CHECK(r.errors.empty());
        CHECK(r.scenario.has_value());
    }
}

TEST_CASE("triggers: host is optional for arrive, send and drop", "[load]") {
    LoadResult r = load_string(R"([lesson]
title = "t"
[[host]]
name = "a"
ip = "10.0.0.1"
[[cue]]
when = { event = "arrive", pdu = "SYN" }
text = "any host"
[[cue]]
when = { event = "drop", host = "a" }
text = "a drop at a"
)",
                               "t.toml");
    for (const Error& e : r.errors)
        UNSCOPED_INFO(e.format());
    REQUIRE(r.scenario);
    CHECK(r.scenario->cues[0].when->host.empty());
    CHECK(r.scenario->cues[0].when->pdu == "SYN");
    CHECK(r.scenario->cues[1].when->host == "a");
}
