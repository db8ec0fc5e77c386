// ws-frames: the frames the lesson describes are on the wire, byte for byte.
#include "lesson_facts.hpp"

using namespace lessons;

TEST_CASE("ws-frames: text, binary, a fragmented message, ping/pong and close as narrated") {
    auto sc = load_lesson("ws-frames");
    scenario::Player p(sc);
    p.run();
    const auto& t = p.trace();
    auto out = messages(t, "browser", false);
    std::vector<std::string> kinds;
    for (const auto& m : out)
        kinds.push_back(m.summary.substr(0, m.summary.find(" len=")));
    REQUIRE(out.size() == 8);
    CHECK(starts(out[0].summary, "GET /frames HTTP/1.1"));
    CHECK(kinds[1] == "TEXT fin=1 mask=1");
    CHECK(kinds[2] == "BINARY fin=1 mask=1");
    CHECK(kinds[3] == "TEXT fin=0 mask=1");
    CHECK(kinds[4] == "CONTINUATION fin=0 mask=1");
    CHECK(kinds[5] == "CONTINUATION fin=1 mask=1");
    CHECK(starts(out[6].summary, "PING \"still there?\""));
    CHECK(starts(out[7].summary, "CLOSE 1001 \"going away\""));

    // "Hi" from the browser: 81 82, a 4-byte key, 2 masked bytes that unmask to "Hi".
    const auto& hi = out[1].bytes;
    REQUIRE(hi.size() == 8);
    CHECK(hi[0] == 0x81);
    CHECK(hi[1] == 0x82);
    CHECK((hi[6] ^ hi[2]) == 'H');
    CHECK((hi[7] ^ hi[3]) == 'i');
    // The fragments: first bytes 0x01, 0x00, 0x80; payloads 7 + 7 + 6 bytes, all masked.
    CHECK(out[3].bytes[0] == 0x01);
    CHECK(out[4].bytes[0] == 0x00);
    CHECK(out[5].bytes[0] == 0x80);
    CHECK(out[3].bytes[1] == (0x80 | 7));
    CHECK(out[4].bytes[1] == (0x80 | 7));
    CHECK(out[5].bytes[1] == (0x80 | 6));
    // Every browser frame after the GET is masked; the binary payload unmasks to 00 ff 10 80.
    for (std::size_t i = 1; i < out.size(); ++i)
        CHECK((out[i].bytes[1] & 0x80) != 0);
    const auto& bin = out[2].bytes;
    REQUIRE(bin.size() == 2 + 4 + 4);
    const std::uint8_t want[] = {0x00, 0xff, 0x10, 0x80};
    for (int i = 0; i < 4; ++i)
        CHECK((bin[6 + i] ^ bin[2 + i]) == want[i]);

    // The server: never masks; echoes "Hi" as 81 02 48 69, the fragmented message as one
    // frame, answers the ping with the same data, and its CLOSE payload starts 03 e9 (1001).
    auto back = messages(t, "server", false);
    REQUIRE(back.size() >= 6);
    for (std::size_t i = 1; i < back.size(); ++i)
        CHECK((back[i].bytes[1] & 0x80) == 0);
    CHECK(back[1].bytes == std::vector<std::uint8_t>{0x81, 0x02, 'H', 'i'});
    CHECK(starts(back[3].summary, "TEXT fin=1 mask=0 len=20 \"one message, 3 parts\""));
    CHECK(starts(back[4].summary, "PONG \"still there?\""));
    REQUIRE(back[5].bytes.size() >= 4);
    CHECK(back[5].bytes[0] == 0x88);
    CHECK(back[5].bytes[2] == 0x03);
    CHECK(back[5].bytes[3] == 0xe9);
    // One message reached the application, not three fragments.
    auto apps = texts(t, trace::Kind::app, "server");
    CHECK(contains(apps, "received text \"one message, 3 parts\""));
    // The server closed TCP first, so the server (not the browser) went through TIME-WAIT.
    auto ss = texts(t, trace::Kind::state, "server", 4);
    auto bs = texts(t, trace::Kind::state, "browser", 4);
    CHECK(contains(ss, "FIN-WAIT-2 → TIME-WAIT"));
    CHECK(contains(bs, "CLOSE-WAIT → LAST-ACK"));
}
