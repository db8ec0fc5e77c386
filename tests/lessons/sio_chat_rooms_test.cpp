// sio-chat-rooms: 30 Socket.IO clients in two rooms; c01's chat message reaches exactly the
// 14 other members of room A, as 42["chat",...] WebSocket text frames, and the ack says 14.
#include "lesson_facts.hpp"

#include "sim/proto/sio/json_text.hpp"
#include "sim/stack/host.hpp"
#include "sim/stack/sio_stage.hpp"

#include <cstdio>

using namespace lessons;

namespace {
std::string student(int i) {
    char name[8];
    std::snprintf(name, sizeof name, "c%02d", i);
    return name;
}
} // namespace

TEST_CASE("sio-chat-rooms: room A hears c01, room B does not, the ack counts 14") {
    auto sc = load_lesson("sio-chat-rooms");
    scenario::Player p(sc);
    p.run();
    const auto& t = p.trace();
    const std::string chat = R"(42["chat","Homework is due Friday"])";
    const std::string announce = R"(42["announce","Lab moves to room 12"])";
    const std::vector<std::uint8_t> chat_bytes(chat.begin(), chat.end());

    std::vector<std::string> heard_chat, heard_announce;
    for (int i = 1; i <= 30; ++i) {
        auto* io = p.world().host(student(i))->sio();
        REQUIRE(io);
        REQUIRE(io->client_count() == 1);
        CHECK(io->client_connected(0));
        for (const auto& [event, args] : io->client_received(0)) {
            if (event == "chat") {
                CHECK(sio::stringify(args.json()) == R"(["Homework is due Friday"])");
                heard_chat.push_back(student(i));
            } else if (event == "announce") {
                heard_announce.push_back(student(i));
            }
        }
        // On the wire: a received text frame whose payload is exactly the encoded event.
        std::size_t frames = 0;
        for (const auto& m : messages(t, student(i), true)) {
            if (m.bytes.size() < chat_bytes.size() + 2) continue;
            if (std::equal(chat_bytes.begin(), chat_bytes.end(),
                           m.bytes.end() - static_cast<std::ptrdiff_t>(chat_bytes.size()))) {
                CHECK(m.bytes[0] == 0x81); // FIN + text, unmasked (server to client)
                CHECK(m.bytes[1] == chat.size());
                ++frames;
            }
        }
        CHECK(frames == ((i >= 2 && i <= 15) ? 1u : 0u));
    }
    std::vector<std::string> room_a_but_c01, room_b;
    for (int i = 2; i <= 15; ++i)
        room_a_but_c01.push_back(student(i));
    for (int i = 16; i <= 30; ++i)
        room_b.push_back(student(i));
    CHECK(heard_chat == room_a_but_c01);
    CHECK(heard_announce == room_b);

    // c01 sent the EVENT with ack id 1 (its join was ack id 0) and got ACK 1 [14] back. The
    // frame's summary shows the (unmasked) text as it was sent, quotes and all.
    bool sent_with_id = false;
    for (const auto& m : messages(t, "c01", false))
        sent_with_id |=
            m.summary.find(R"(421["chat","Homework is due Friday"])") != std::string::npos;
    CHECK(sent_with_id);
    auto at_c01 = texts(t, trace::Kind::app, "c01", 7);
    CHECK(contains(at_c01, R"(EVENT "chat" ["Homework is due Friday"] (ack id 1) sent)"));
    CHECK(contains(at_c01, "ACK 1 [14] received"));
    CHECK(contains(at_c01, "ACK 0 [true] received"));
    // The server traced the relay as 14 EVENTs and the room-B announcement as 15.
    auto at_server = texts(t, trace::Kind::app, "server", 7);
    CHECK(std::count(at_server.begin(), at_server.end(),
                     R"(EVENT "chat" ["Homework is due Friday"] sent)") == 14);
    CHECK(std::count(at_server.begin(), at_server.end(),
                     R"(EVENT "announce" ["Lab moves to room 12"] sent)") == 15);
    // Every cue and quiz of the lesson fired.
    CHECK(p.fired_cues().size() == sc.cues.size());
    CHECK(p.fired_quizzes().size() == sc.quizzes.size());
    (void)announce;
}
