// Socket.IO decoder behaviour beyond the reference table: reassembly, attachment count
// checks, interleaving errors, dissection rows.
#include "sim/proto/sio/socketio_packet.hpp"

#include <catch2/catch.hpp>

using namespace wirelab::sio;
using namespace wirelab::sio::socketio;

TEST_CASE("decoder reassembles a binary event from the following binary messages") {
    Decoder d;
    auto r = d.add_text(R"(52-["up",{"_placeholder":true,"num":1},{"_placeholder":true,"num":0}])");
    CHECK_FALSE(r.packet);
    CHECK_FALSE(r.error);
    CHECK(d.reconstructing());
    CHECK_FALSE(d.add_binary("A").packet);
    r = d.add_binary("B");
    REQUIRE(r.packet);
    CHECK(r.packet->type == PacketType::event);
    const auto& data = *r.packet->data;
    CHECK(data[1] == Json::binary({'B'}));
    CHECK(data[2] == Json::binary({'A'}));
    CHECK_FALSE(d.reconstructing());
}

TEST_CASE("decoder rejects an attachment count that does not match the placeholders") {
    SECTION("placeholder index beyond the attachments") {
        Decoder d;
        d.add_text(R"(51-["up",{"_placeholder":true,"num":1}])");
        CHECK(d.add_binary("x").error);
    }
    SECTION("more attachments announced than placeholders") {
        Decoder d;
        d.add_text(R"(52-["up",{"_placeholder":true,"num":0}])");
        d.add_binary("x");
        CHECK(d.add_binary("y").error);
    }
    SECTION("absurd attachment count") {
        Decoder d;
        CHECK(d.add_text(R"(5999999-["up"])").error);
    }
}

TEST_CASE("decoder rejects text while reassembling and binary out of the blue") {
    Decoder d;
    CHECK(d.add_binary("x").error);
    d.add_text(R"(51-["up",{"_placeholder":true,"num":0}])");
    CHECK(d.add_text(R"(2["chat"])").error);
    CHECK_FALSE(d.reconstructing());
    CHECK(d.add_text(R"(2["chat"])").packet);
}

TEST_CASE("encode places binary depth first and counts attachments") {
    Packet p;
    p.type = PacketType::ack;
    p.id = 5;
    p.data = Json::array({Json::binary({1}), Json::object({{"k", Json::binary({2})}})});
    const auto e = encode(p);
    CHECK(e.text == R"(62-5[{"_placeholder":true,"num":0},{"k":{"_placeholder":true,"num":1}}])");
    REQUIRE(e.attachments.size() == 2);
    CHECK(e.attachments[1] == "\x02");
}

TEST_CASE("dissect names the type namespace ack id and data spans") {
    const auto rows = dissect(R"(2/admin,12["ask"])");
    REQUIRE(rows.size() == 5);
    CHECK(rows[0].value == "EVENT");
    CHECK(rows[2].name == "Namespace");
    CHECK(rows[2].offset == 1);
    CHECK(rows[2].length == 7);
    CHECK(rows[3].name == "Ack id");
    CHECK(rows[3].offset == 8);
    CHECK(rows[4].offset == 10);
}

TEST_CASE("JS number formatting matches Number.prototype.toString") {
    CHECK(js_number(1.5) == "1.5");
    CHECK(js_number(1e21) == "1e+21");
    CHECK(js_number(1e20) == "100000000000000000000");
    CHECK(js_number(1e-7) == "1e-7");
    CHECK(js_number(0.000001) == "0.000001");
    CHECK(js_number(-0.0) == "0");
    CHECK(js_number(123.456) == "123.456");
}

TEST_CASE("decoder and decode_string refuse with the reference's messages") {
    const std::pair<const char*, const char*> cases[] = {
        {"", "unknown packet type"},
        {"7", "unknown packet type"},
        {"5[\"a\"]", "Illegal attachments"},
        {"5x-[\"a\"]", "Illegal attachments"},
        {"212345678901234567[\"a\"]", "invalid ack id"},
        {"2[\"a\"", "invalid payload"},
        {"2[\"connect\"]", "invalid payload"},
        {"2{}", "invalid payload"},
        {"1{}", "invalid payload"},
    };
    for (const auto& [text, why] : cases) {
        INFO("text: " << text);
        Decoder d;
        const auto r = d.add_text(text);
        CHECK_FALSE(r.packet);
        REQUIRE(r.error);
        CHECK(r.error->message == why);
        DecodeError e;
        CHECK_FALSE(decode_string(text, &e));
        CHECK(e.message == why);
    }
    // What decodes comes out whole, the same from both.
    Decoder d;
    const auto r = d.add_text(R"(2/chat,7["news",1])");
    REQUIRE(r.packet);
    CHECK_FALSE(r.error);
    CHECK(r.packet->nsp == "/chat");
    CHECK(r.packet->id == 7u);
    CHECK(*r.packet->data == Json::array({"news", 1}));
    CHECK(*r.packet == *decode_string(R"(2/chat,7["news",1])"));
}
