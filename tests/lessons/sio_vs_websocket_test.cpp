// sio-vs-websocket: the same message in two chats. The plain WebSocket chat relays Alice's
// bare TEXT frame "hi math class" to everyone else (Bob and Carol); the Socket.IO chat
// sends 42["chat","hi math class"] to Alice's room only (Bob), and acks 431[1].
#include "lesson_facts.hpp"

#include "sim/stack/host.hpp"
#include "sim/stack/sio_stage.hpp"

using namespace lessons;

namespace {

// Payloads of the TEXT frames `host` received, decoded (a server's frames are unmasked).
std::vector<std::string> texts_received(const trace::Trace& t, const std::string& host) {
    std::vector<std::string> out;
    for (const auto& m : messages(t, host, true)) {
        const auto& b = m.bytes;
        if (b.size() < 2 || b[0] != 0x81 || (b[1] & 0x80) != 0 || (b[1] & 0x7f) > 125) continue;
        out.emplace_back(b.begin() + 2, b.begin() + 2 + (b[1] & 0x7f));
    }
    return out;
}

// Payloads of the TEXT frames `host` sent, unmasked (a client masks with its key).
std::vector<std::string> texts_sent(const trace::Trace& t, const std::string& host) {
    std::vector<std::string> out;
    for (const auto& m : messages(t, host, false)) {
        const auto& b = m.bytes;
        if (b.size() < 6 || b[0] != 0x81 || (b[1] & 0x80) == 0 || (b[1] & 0x7f) > 125) continue;
        std::string payload;
        for (std::size_t i = 0; i < (b[1] & 0x7fu); ++i)
            payload += static_cast<char>(b[6 + i] ^ b[2 + i % 4]);
        out.push_back(payload);
    }
    return out;
}

std::size_t count(const std::vector<std::string>& v, const std::string& s) {
    return static_cast<std::size_t>(std::count(v.begin(), v.end(), s));
}

} // namespace

TEST_CASE("sio-vs-websocket: a WebSocket chat relays to everyone, Socket.IO to the room") {
    auto sc = load_lesson("sio-vs-websocket");
    scenario::Player p(sc);
    p.run();
    const auto& t = p.trace();
    const std::string text = "hi math class";
    const std::string event = R"(42["chat","hi math class"])";

    // WebSocket: the 13 bytes themselves, from Alice to the server, then to Bob and Carol.
    CHECK(count(texts_sent(t, "ws-alice"), text) == 1);
    CHECK(count(texts_received(t, "ws-server"), text) == 0); // Alice's frame is masked
    CHECK(contains(texts(t, trace::Kind::app, "ws-server"), "received text \"hi math class\""));
    CHECK(count(texts_received(t, "ws-bob"), text) == 1);
    CHECK(count(texts_received(t, "ws-carol"), text) == 1);
    CHECK(count(texts_received(t, "ws-alice"), text) == 0);
    CHECK(count(texts_sent(t, "ws-server"), text) == 0); // the server does not mask
    std::size_t relayed = 0;
    for (const auto& m : messages(t, "ws-server", false))
        relayed += m.bytes.size() == 2 + text.size() && m.bytes[0] == 0x81 &&
                   std::string(m.bytes.begin() + 2, m.bytes.end()) == text;
    CHECK(relayed == 2);

    // Socket.IO: the event with its ack id from Alice, the event to Bob only, the ack back.
    CHECK(count(texts_sent(t, "io-alice"), R"(421["chat","hi math class"])") == 1);
    CHECK(count(texts_received(t, "io-bob"), event) == 1);
    CHECK(count(texts_received(t, "io-carol"), event) == 0);
    CHECK(count(texts_received(t, "io-alice"), event) == 0);
    CHECK(count(texts_received(t, "io-alice"), "431[1]") == 1);
    auto got = [&](const std::string& host) {
        std::vector<std::string> out;
        for (const auto& [name, args] : p.world().host(host)->sio()->client_received(0))
            out.push_back(name);
        return out;
    };
    CHECK(got("io-bob") == std::vector<std::string>{"chat"});
    CHECK(got("io-carol").empty());
    CHECK(got("io-alice").empty());

    // The same words cost 13 more bytes of payload as a Socket.IO event.
    CHECK(event.size() - text.size() == 13);

    CHECK(p.fired_cues().size() == sc.cues.size());
    CHECK(p.fired_quizzes().size() == sc.quizzes.size());
}
