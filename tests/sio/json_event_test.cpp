// scan_json_event and Decoder::add_event_text, the client's fast path for an event: each
// must say yes exactly when the general path (parse_json; add_text) gives an array / an
// EVENT for "/" without ack id whose first item is a string, and then give the same name
// and arguments. Checked on hand-picked texts and on 200,000 mutations of event texts.
#include "event_scan_check.hpp"

#include "sim/proto/sio/event_args.hpp"
#include "sim/proto/sio/json_text.hpp"
#include "sim/proto/sio/socketio_packet.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace wirelab::sio;
using wirelab::sio::test::event_agrees;
using wirelab::sio::test::rest_of;

namespace {

bool decoder_agrees(std::string_view text) {
    socketio::Decoder fast_decoder, decoder;
    std::string name;
    std::string_view tail;
    const bool fast = fast_decoder.add_event_text(text, name, tail);
    const auto r = decoder.add_text(text);
    const bool expect = r.packet && r.packet->type == socketio::PacketType::event &&
                        r.packet->nsp == "/" && !r.packet->id && r.packet->data &&
                        (*r.packet->data)[0].is_string();
    if (fast != expect) {
        // add_event_text may decline what add_text takes (then the caller calls add_text),
        // but only when the text is not of its exact "2[" + a name first shape.
        if (fast || (text.size() >= 2 && text[0] == '2' && text[1] == '[' && expect)) return false;
        return true;
    }
    if (!fast) return true;
    return name == (*r.packet->data)[0].get_ref<const std::string&>() &&
           EventArgs::from_tail(tail).json() == rest_of(*r.packet->data);
}

const std::vector<std::string> samples{
    R"(["a"])",
    R"(["alert","nnnn"])",
    R"( [ "a" , 1 , [2, {"k": null}] , true ] )",
    R"(["a",])",
    R"(["a" 1])",
    R"(["a"]x)",
    R"(["a"] )",
    R"([])",
    R"([1,"a"])",
    R"([null])",
    R"(["\u00e9\ud83d\ude00", "\n"])",
    R"(["\ud800"])",
    R"(["a","\ud800"])",
    R"(["a)",
    R"(["a",)",
    R"(["a",{"x":1,"x":2}])",
    R"(["a",1e400])",
    R"(["a",-0,0.5,18446744073709551615,-9223372036854775808])",
    "[\"a\",\"\x01\"]",
    "[\"\xff\"]",
    R"("a")",
    R"({"a":1})",
    "",
    "[",
};

} // namespace

TEST_CASE("scan_json_event agrees with parse_json") {
    for (const auto& s : samples) {
        INFO(s);
        CHECK(event_agrees(s));
    }
    std::string name;
    std::string_view tail;
    REQUIRE(scan_json_event(R"(["chat",1,"x"])", name, tail));
    CHECK(name == "chat");
    CHECK(tail == R"(1,"x"])");
    CHECK(EventArgs::from_tail(tail) == Json::array({1, "x"}));
    REQUIRE(scan_json_event(R"(["ping"])", name, tail));
    CHECK(name == "ping");
    CHECK(tail == "]");
    CHECK(EventArgs::from_tail(tail) == Json::array());
    // Spaces around the name's comma, and after the array, stay in the tail (JSON allows them).
    REQUIRE(scan_json_event(" [ \"a\\u00e9\" , 1 ] \n", name, tail));
    CHECK(name == "a\xc3\xa9");
    CHECK(tail == " 1 ] \n");
    REQUIRE(scan_json_event(R"(["a" ])", name, tail));
    CHECK(tail == "]");
    // Nesting: the limit counts the outer array, as parse_json does.
    const std::string deep = "[\"a\"," + std::string(511, '[') + std::string(511, ']') + "]";
    const std::string deeper = "[\"a\"," + std::string(512, '[') + std::string(512, ']') + "]";
    CHECK(parse_json(deep));
    CHECK_FALSE(parse_json(deeper));
    CHECK(event_agrees(deep));
    CHECK(event_agrees(deeper));
}

TEST_CASE("Decoder::add_event_text agrees with add_text") {
    const std::vector<std::string> texts{R"(2["chat","hi"])",
                                         R"(2["connect"])",
                                         R"(2["disconnecting",1])",
                                         R"(2[1,"a"])",
                                         R"(21["a"])",
                                         R"(2/x,["a"])",
                                         R"(2[])",
                                         "2",
                                         R"(2["a")",
                                         R"(2 ["a"])",
                                         R"(3["a"])",
                                         R"(51-["a"])",
                                         R"(0["a"])",
                                         R"(2["a",{}])"};
    for (const auto& t : texts) {
        INFO(t);
        CHECK(decoder_agrees(t));
    }
    // While a binary packet waits for its attachments the fast path stays out.
    socketio::Decoder d;
    REQUIRE_FALSE(d.add_text(R"(51-["a",{"_placeholder":true,"num":0}])").packet);
    std::string name;
    std::string_view tail;
    CHECK_FALSE(d.add_event_text(R"(2["a"])", name, tail));
}

TEST_CASE("scan_json_event and add_event_text agree on 200,000 mutated event texts") {
    std::mt19937 rng(12345);
    const std::string alphabet = "[]{}\",:\\ 0123456789.eE+-truefalsnu/abx\x01\xc3\xa9\xff";
    const std::vector<std::string> seeds{R"(["alert","nnnnnnnn"])",
                                         R"(["a",1,[2.5,-3e2],{"k":"v"},true,null])",
                                         R"(["\u0041\n",""])", R"([ "x" ])"};
    std::size_t fast_yes = 0;
    for (int i = 0; i < 200000; ++i) {
        std::string s = seeds[rng() % seeds.size()];
        const int edits = 1 + static_cast<int>(rng() % 3);
        for (int e = 0; e < edits && !s.empty(); ++e) {
            const std::size_t at = rng() % s.size();
            const char c = alphabet[rng() % alphabet.size()];
            switch (rng() % 3) {
            case 0: s[at] = c; break;
            case 1: s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), c); break;
            default: s.erase(at, 1); break;
            }
        }
        INFO(s);
        REQUIRE(event_agrees(s));
        REQUIRE(decoder_agrees("2" + s));
        std::string name;
        std::string_view tail;
        fast_yes += scan_json_event(s, name, tail);
    }
    CHECK(fast_yes > 1000); // the mutations leave many valid events
}
