// HttpStage on the simulated network: a polling client against an origin server (conditional
// GETs on one keep-alive connection), and one port shared by plain HTTP and the WebSocket.
#include "sim/stack/http_stage.hpp"
#include "sim/stack/tcp_stage.hpp"
#include "sim/stack/world.hpp"
#include "sim/stack/ws_stage.hpp"
#include "sim/wire/dissect.hpp"

#include "test_hosts.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace wirelab;
using namespace wirelab::stack;

namespace {

const std::vector<std::string> http_stack{"phy", "eth", "arp", "ipv4", "tcp", "http"};

struct Msg {
    Time time;
    std::string summary, bytes;
};

// Message PDUs a node sent (received = false) or received, in order.
std::vector<Msg> messages(const trace::Trace& t, trace::NodeId node, bool received) {
    std::vector<Msg> out;
    for (const auto& e : t.events()) {
        if (e.kind != trace::Kind::message || e.node != node || (e.aux == 1) != received) continue;
        auto b = t.pdu_bytes(e.pdu);
        out.push_back({e.time, std::string(t.text(e.text)), std::string(b.begin(), b.end())});
    }
    return out;
}

std::vector<std::string> apps(const trace::Trace& t, trace::NodeId node) {
    std::vector<std::string> out;
    for (const auto& e : t.events())
        if (e.kind == trace::Kind::app && e.node == node) out.emplace_back(t.text(e.text));
    return out;
}

bool has_state(const trace::Trace& t, trace::NodeId node, std::string_view text) {
    for (const auto& e : t.events())
        if (e.kind == trace::Kind::state && e.node == node && t.text(e.text) == text) return true;
    return false;
}

} // namespace

TEST_CASE("a poller sends conditional GETs on one connection: 200, then 304 until it changes") {
    World world(3);
    auto& client = world.add_host(testing::test_host("poller", 1, http_stack));
    auto& server = world.add_host(testing::test_host("server", 2, http_stack));
    world.add_link("cable", client, server, {});
    server.http()->serve(80, "/news", "first", trace::no_event);
    client.http()->poll(server.ip(), 80, "server", "/news", ms(500), 4, trace::no_event);
    world.at(ms(1200), [&] { server.http()->update("/news", "second", trace::no_event); });
    world.run_until(seconds(3));
    const auto& t = world.trace();

    auto sent = messages(t, client.id(), false);
    auto got = messages(t, client.id(), true);
    REQUIRE(sent.size() == 4);
    REQUIRE(got.size() == 4);
    for (const auto& m : sent)
        CHECK(m.summary == "GET /news HTTP/1.1");
    CHECK(sent[0].bytes ==
          "GET /news HTTP/1.1\r\nHost: server\r\nUser-Agent: wirelab-poller/1.0\r\n"
          "Accept: text/plain\r\n\r\n");
    CHECK(sent[1].bytes.find("If-None-Match: \"1\"\r\n") != std::string::npos);
    // The last poll still names version 1: it is the one that learns of version 2.
    CHECK(sent[3].bytes.find("If-None-Match: \"1\"\r\n") != std::string::npos);
    CHECK(got[0].summary == "HTTP/1.1 200 OK (5 B)");
    CHECK(got[1].summary == "HTTP/1.1 304 Not Modified");
    CHECK(got[2].summary == "HTTP/1.1 304 Not Modified"); // the poll at 1.0 s, before the change
    CHECK(got[3].summary == "HTTP/1.1 200 OK (6 B)");
    CHECK(got[3].bytes.ends_with("\r\n\r\nsecond"));
    // The rhythm: one request every 500 ms from the first (the first waits for the handshake).
    CHECK(sent[2].time - sent[1].time == ms(500));
    CHECK(sent[3].time - sent[2].time == ms(500));
    // The server saw the same four requests and answered each on the same connection.
    CHECK(messages(t, server.id(), true).size() == 4);
    CHECK(messages(t, server.id(), false).size() == 4);
    CHECK(client.tcp()->connection_count() == 1);

    auto notes = apps(t, client.id());
    CHECK(std::count(notes.begin(), notes.end(), "GET /news: no change (304 Not Modified)") == 2);
    CHECK(std::find(notes.begin(), notes.end(), "GET /news: new content \"second\"") !=
          notes.end());
    // After the last answer the poller closes; the server closes its side too.
    CHECK(has_state(t, client.id(), "FIN-WAIT-1 → FIN-WAIT-2"));
    CHECK(has_state(t, server.id(), "CLOSE-WAIT → LAST-ACK"));

    // Every frame carrying HTTP dissects as HTTP with the message's start line.
    int http_frames = 0;
    for (const auto& e : t.events()) {
        if (e.kind != trace::Kind::tx_start) continue;
        auto d = wire::dissect_frame(t.pdu_bytes(e.pdu));
        if (d.protocol == "HTTP") ++http_frames;
    }
    CHECK(http_frames == 8);
}

TEST_CASE("a message PDU: the head is the layer-7 span, the body the layer-6 span") {
    World world(3);
    auto& client = world.add_host(testing::test_host("poller", 1, http_stack));
    auto& server = world.add_host(testing::test_host("server", 2, http_stack));
    world.add_link("cable", client, server, {});
    server.http()->serve(80, "/", "hello", trace::no_event);
    client.http()->poll(server.ip(), 80, "server", "/", 0, 1, trace::no_event);
    world.run_until(seconds(1));
    const auto& t = world.trace();
    bool seen = false;
    for (const auto& e : t.events()) {
        if (e.kind != trace::Kind::message || e.node != server.id() || e.aux != 0) continue;
        auto spans = t.pdu_spans(e.pdu);
        auto bytes = t.pdu_bytes(e.pdu);
        REQUIRE(spans.size() == 2);
        CHECK(spans[0].layer == 7);
        CHECK(spans[1].layer == 6);
        CHECK(spans[1].offset + spans[1].length == bytes.size());
        CHECK(spans[1].length == 5);
        seen = true;
    }
    CHECK(seen);
}

TEST_CASE("one port for both: plain GETs are served, Upgrades become WebSockets") {
    World world(5);
    auto& poller = world.add_host(testing::test_host("poller", 1, http_stack));
    auto& browser = world.add_host(testing::test_host("browser", 2, testing::ws_stack));
    auto& server = world.add_host(testing::test_host("server", 3, testing::ws_stack));
    auto& sw = world.add_switch("switch");
    world.add_link("l1", poller, sw, {});
    world.add_link("l2", browser, sw, {});
    world.add_link("l3", server, sw, {});
    server.http()->serve(80, "/news", "hello", trace::no_event);
    server.ws()->listen(80, "/live", trace::no_event);
    poller.http()->poll(server.ip(), 80, "server", "/news", ms(300), 2, trace::no_event);
    browser.ws()->connect(server.ip(), 80, "server", "/live", trace::no_event);
    world.at(ms(500), [&] {
        const std::string push = "pushed";
        CHECK(server.ws()->send(browser.ip(),
                                {reinterpret_cast<const std::uint8_t*>(push.data()), push.size()},
                                false, 0, trace::no_event));
    });
    world.run_until(seconds(2));
    const auto& t = world.trace();

    auto to_poller = messages(t, poller.id(), true);
    REQUIRE(to_poller.size() == 2);
    CHECK(to_poller[0].summary == "HTTP/1.1 200 OK (5 B)");
    CHECK(to_poller[1].summary == "HTTP/1.1 304 Not Modified");

    auto to_browser = messages(t, browser.id(), true);
    REQUIRE(to_browser.size() == 2);
    CHECK(to_browser[0].summary.starts_with("HTTP/1.1 101 Switching Protocols"));
    CHECK(to_browser[1].summary.starts_with("TEXT fin=1 mask=0 len=6 \"pushed\""));
    CHECK(has_state(t, browser.id(), "WebSocket CONNECTING → OPEN"));
    CHECK(has_state(t, server.id(), "WebSocket CONNECTING → OPEN"));
    // The server traced the Upgrade GET once (WsStage's), not a second time as plain HTTP.
    int upgrade_gets = 0;
    for (const auto& m : messages(t, server.id(), true))
        upgrade_gets += m.summary.starts_with("GET /live HTTP/1.1") ? 1 : 0;
    CHECK(upgrade_gets == 1);
}

TEST_CASE("an Upgrade where no WebSocket listens is a plain GET, a port only ws serves says 426") {
    World world(6);
    auto& client = world.add_host(testing::test_host("client", 1, testing::ws_stack));
    auto& server = world.add_host(testing::test_host("server", 2, testing::ws_stack));
    world.add_link("cable", client, server, {});
    server.http()->serve(80, "/news", "hello", trace::no_event);
    server.ws()->listen(81, "/", trace::no_event);
    client.ws()->connect(server.ip(), 80, "server", "/news", trace::no_event);     // no ws on 80
    client.http()->poll(server.ip(), 81, "server:81", "/", 0, 1, trace::no_event); // no http on 81
    world.run_until(seconds(2));
    const auto& t = world.trace();
    std::vector<std::string> answers;
    for (const auto& m : messages(t, client.id(), true))
        answers.push_back(m.summary.substr(0, 12));
    std::sort(answers.begin(), answers.end());
    // The GET with Upgrade on port 80 got the news (the server ignores an Upgrade it cannot
    // do, RFC 9110 7.8); the plain GET on port 81 got WsStage's 426 Upgrade Required.
    CHECK(answers == std::vector<std::string>{"HTTP/1.1 200", "HTTP/1.1 426"});
}

TEST_CASE("frames in the same segment as the Upgrade GET reach the WebSocket after the hand-over") {
    World world(7);
    auto& raw = world.add_host(testing::test_host("raw", 1, testing::tcp_stack));
    auto& server = world.add_host(testing::test_host("server", 2, testing::ws_stack, {"app"}));
    world.add_link("cable", raw, server, {});
    server.http()->serve(80, "/news", "hello", trace::no_event);
    server.ws()->listen(80, "/live", trace::no_event);
    ConnId c = raw.tcp()->connect(server.ip(), 80, trace::no_event);
    // One send: the Upgrade request and, right behind it, a masked text frame "Hi".
    std::string bytes = "GET /live HTTP/1.1\r\nHost: server\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        "Sec-WebSocket-Version: 13\r\n\r\n";
    bytes += std::string("\x81\x82\x01\x02\x03\x04\x49\x6b", 8);
    world.at(ms(50), [&] {
        raw.tcp()->send(c, {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()},
                        trace::no_event);
    });
    world.run_until(seconds(1));
    const auto& t = world.trace();
    auto notes = apps(t, server.id());
    CHECK(std::find(notes.begin(), notes.end(), "received text \"Hi\"") != notes.end());
    auto answers = messages(t, server.id(), false);
    REQUIRE(answers.size() == 2);
    CHECK(answers[0].summary.starts_with("HTTP/1.1 101 Switching Protocols"));
    CHECK(answers[0].bytes.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n") !=
          std::string::npos); // RFC 6455's own example key
    CHECK(answers[1].summary.starts_with("TEXT fin=1 mask=0 len=2 \"Hi\"")); // the echo
}
