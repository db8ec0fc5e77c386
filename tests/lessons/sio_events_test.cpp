// sio-events: one emit with an acknowledgement — the exact WebSocket frames on the wire
// (420["chat","hello"] masked from the browser, 42["chat","hello"] to friend, 430[1] back)
// and the ack round trip, then a disconnect on both sides.
#include "lesson_facts.hpp"

#include "sim/proto/sio/json_text.hpp"
#include "sim/stack/host.hpp"
#include "sim/stack/sio_stage.hpp"

using namespace lessons;

namespace {
std::vector<std::uint8_t> bytes_of(const std::string& s) {
    return {s.begin(), s.end()};
}

// The frames whose payload is exactly `text` (unmasking when the mask bit is set); frames
// here are all shorter than 126 bytes.
std::size_t frames_with(const std::vector<Seen>& v, const std::string& text, bool masked) {
    std::size_t n = 0;
    for (const auto& m : v) {
        if (m.bytes.size() < 2 || m.bytes[0] != 0x81) continue;
        bool has_mask = (m.bytes[1] & 0x80) != 0;
        std::size_t len = m.bytes[1] & 0x7f;
        std::size_t off = has_mask ? 6 : 2;
        if (has_mask != masked || len != text.size() || m.bytes.size() != off + len) continue;
        std::vector<std::uint8_t> payload(m.bytes.begin() + static_cast<std::ptrdiff_t>(off),
                                          m.bytes.end());
        if (has_mask)
            for (std::size_t i = 0; i < payload.size(); ++i)
                payload[i] ^= m.bytes[2 + i % 4];
        if (payload == bytes_of(text)) ++n;
    }
    return n;
}
} // namespace

TEST_CASE("sio-events: the event and its ack on the wire, byte for byte") {
    auto sc = load_lesson("sio-events");
    scenario::Player p(sc);
    p.run();
    const auto& t = p.trace();

    // The browser's emit: one masked TEXT frame carrying exactly 420["chat","hello"].
    CHECK(frames_with(messages(t, "browser", false), R"(420["chat","hello"])", true) == 1);
    CHECK(frames_with(messages(t, "server", true), R"(420["chat","hello"])", true) == 1);
    // The relay to friend: unmasked, no ack id.
    CHECK(frames_with(messages(t, "friend", true), R"(42["chat","hello"])", false) == 1);
    // The acknowledgement back: 430[1] in a 6-byte unmasked TEXT frame (0x81 0x06 ...).
    auto back = messages(t, "browser", true);
    CHECK(frames_with(back, "430[1]", false) == 1);
    bool exact = false;
    for (const auto& m : back)
        exact |= m.bytes == std::vector<std::uint8_t>{0x81, 0x06, '4', '3', '0', '[', '1', ']'};
    CHECK(exact);

    // The round trip in the app events, in order: sent with id 0, received, ACK 0 [1] back.
    auto at_browser = texts(t, trace::Kind::app, "browser", 7);
    auto sent = std::find(at_browser.begin(), at_browser.end(),
                          R"(EVENT "chat" ["hello"] (ack id 0) sent)");
    auto acked = std::find(at_browser.begin(), at_browser.end(), "ACK 0 [1] received");
    REQUIRE(sent != at_browser.end());
    REQUIRE(acked != at_browser.end());
    CHECK(sent < acked);
    auto at_server = texts(t, trace::Kind::app, "server", 7);
    CHECK(contains(at_server, R"(EVENT "chat" ["hello"] (ack id 0) received)"));
    CHECK(contains(at_server, "ACK 0 [1] sent"));
    CHECK(contains(texts(t, trace::Kind::app, "friend", 7), R"(EVENT "chat" ["hello"] received)"));

    // What the application saw: friend's on("chat") got ["hello"]; the browser got nothing.
    auto* friend_io = p.world().host("friend")->sio();
    REQUIRE(friend_io);
    REQUIRE(friend_io->client_received(0).size() == 1);
    CHECK(friend_io->client_received(0)[0].first == "chat");
    CHECK(sio::stringify(friend_io->client_received(0)[0].second.json()) == R"(["hello"])");
    auto* browser_io = p.world().host("browser")->sio();
    REQUIRE(browser_io);
    CHECK(browser_io->client_received(0).empty());
    // connect then disconnect for the browser; friend is still connected.
    auto st = texts(t, trace::Kind::state, "browser", 7);
    CHECK(contains(st, "Socket.IO client: connect"));
    CHECK(contains(st, "Socket.IO client: disconnect (transport close)"));
    CHECK(!browser_io->client_connected(0));
    CHECK(friend_io->client_connected(0));

    CHECK(p.fired_cues().size() == sc.cues.size());
    CHECK(p.fired_quizzes().size() == sc.quizzes.size());
}
