// Byte-for-byte comparison with the reference npm parsers, both directions: Wirelab's
// encodings must equal socket.io-parser / engine.io-parser's, and each side must decode
// the other's bytes to the packet that was encoded.
#include "oracle.hpp"
#include "sim/proto/sio/engineio_packet.hpp"
#include "sim/proto/sio/socketio_packet.hpp"

#include <catch2/catch.hpp>

using namespace wirelab::sio;
namespace eio = wirelab::sio::engineio;
namespace sock = wirelab::sio::socketio;

namespace {

Json bin(std::string raw) {
    return Json::binary(Json::binary_t::container_type(raw.begin(), raw.end()));
}

// Wirelab JSON with binary values <-> the oracle's {"$bin": base64} form.
Json to_wire(const Json& v) {
    if (v.is_binary()) {
        const auto& b = v.get_binary();
        return Json{{"$bin", base64_encode(std::string(b.begin(), b.end()))}};
    }
    if (v.is_array()) {
        Json out = Json::array();
        for (const auto& x : v)
            out.push_back(to_wire(x));
        return out;
    }
    if (v.is_object()) {
        Json out = Json::object();
        for (auto it = v.begin(); it != v.end(); ++it)
            out[it.key()] = to_wire(it.value());
        return out;
    }
    return v;
}
Json from_wire(const Json& v) {
    if (v.is_object() && v.size() == 1 && v.contains("$bin")) {
        return bin(*base64_decode(v["$bin"].get<std::string>()));
    }
    if (v.is_array()) {
        Json out = Json::array();
        for (const auto& x : v)
            out.push_back(from_wire(x));
        return out;
    }
    if (v.is_object()) {
        Json out = Json::object();
        for (auto it = v.begin(); it != v.end(); ++it)
            out[it.key()] = from_wire(it.value());
        return out;
    }
    return v;
}

Json sio_desc(const sock::Packet& p) {
    Json j;
    j["type"] = static_cast<int>(p.type);
    j["nsp"] = p.nsp;
    if (p.id) j["id"] = *p.id;
    if (p.data) j["data"] = to_wire(*p.data);
    return j;
}
sock::Packet sio_from_desc(const Json& j) {
    sock::Packet p;
    p.type = static_cast<sock::PacketType>(j["type"].get<int>());
    p.nsp = j["nsp"].get<std::string>();
    if (j.contains("id")) p.id = j["id"].get<std::uint64_t>();
    if (j.contains("data")) p.data = from_wire(j["data"]);
    return p;
}
Json frames_desc(const sock::Encoded& e) {
    Json frames = Json::array({e.text});
    for (const auto& a : e.attachments)
        frames.push_back(Json{{"$bin", base64_encode(a)}});
    return frames;
}

Json eio_desc(const eio::Packet& p) {
    Json j;
    j["type"] = std::string(eio::to_string(p.type));
    if (p.binary) {
        j["data"] = Json{{"$bin", base64_encode(p.data)}};
    } else if (!p.data.empty()) {
        j["data"] = p.data;
    }
    return j;
}
eio::Packet eio_from_desc(const Json& j) {
    eio::Packet p;
    p.type = *eio::packet_type_from_name(j["type"].get<std::string>());
    if (j.contains("data")) {
        if (j["data"].is_object()) {
            p.binary = true;
            p.data = *base64_decode(j["data"]["$bin"].get<std::string>());
        } else {
            p.data = j["data"].get<std::string>();
        }
    }
    return p;
}

sock::Packet sp(sock::PacketType type, std::string nsp, std::optional<std::uint64_t> id,
                std::optional<Json> data) {
    sock::Packet p;
    p.type = type;
    p.nsp = std::move(nsp);
    p.id = id;
    p.data = std::move(data);
    return p;
}

std::vector<sock::Packet> socketio_table() {
    using T = sock::PacketType;
    Json obj = Json::object();
    obj["user"] = "ada";
    obj["age"] = 36;
    obj["tags"] = Json::array({"x", true, nullptr});
    obj["2"] = "index keys print first";
    obj["score"] = 0.1;
    Json auth = Json::object();
    auth["token"] = "s3cr\"et\n";
    Json err = Json::object();
    err["message"] = "Invalid namespace";
    Json nested = Json::object();
    nested["file"] = bin("\x00\x01\xff");
    nested["name"] = "a.bin";
    return {
        sp(T::connect, "/", {}, Json::object()),
        sp(T::connect, "/admin", {}, auth),
        sp(T::connect, "/admin", {}, Json{{"sid", "abc"}}),
        sp(T::disconnect, "/", {}, {}),
        sp(T::disconnect, "/admin", {}, {}),
        sp(T::event, "/", {}, Json::array({"chat", "hi"})),
        sp(T::event, "/", {}, Json::array({"chat", "héllo ☃ \u0001 \\ / \t"})),
        sp(T::event, "/", {},
           Json::array({"nums", 1, -2, 1.5, 1e21, 1e-7, 123456.789, 0.000001, -0.0, 2e-323,
                        1.7976931348623157e308})),
        sp(T::event, "/", {}, Json::array({"obj", obj})),
        sp(T::event, "/", {}, Json::array({"arr", Json::array({1, Json::array({2, 3})}), false})),
        sp(T::event, "/admin", 12, Json::array({"ask", "q"})),
        sp(T::event, "/", 0, Json::array({42})),
        sp(T::ack, "/", 12, Json::array({"answer", 1})),
        sp(T::ack, "/admin", 3, Json::array()),
        sp(T::connect_error, "/", {}, err),
        sp(T::connect_error, "/admin", {}, "Not authorized"),
        sp(T::event, "/", {}, Json::array({"upload", bin("\x01\x02\x03")})),
        sp(T::event, "/", 7, Json::array({"two", bin("AB"), nested})),
        sp(T::event, "/admin", {}, Json::array({"empty", bin("")})),
        sp(T::ack, "/", 9, Json::array({bin("\x10")})),
    };
}

} // namespace

TEST_CASE("the oracle is installed (npm ci --prefix tests/sio/oracle)") {
    INFO("node_modules missing under " << wirelab::sio::test::oracle_dir()
                                       << ": run npm ci --prefix tests/sio/oracle");
    REQUIRE(wirelab::sio::test::oracle_installed());
}

TEST_CASE("Socket.IO encodings are byte-identical to socket.io-parser in both directions") {
    REQUIRE(wirelab::sio::test::oracle_installed());
    const auto table = socketio_table();
    Json requests = Json::array();
    for (const auto& p : table) {
        requests.push_back(Json{{"op", "sio_encode"}, {"packet", sio_desc(p)}});
        requests.push_back(Json{{"op", "sio_decode"}, {"frames", frames_desc(sock::encode(p))}});
    }
    const Json answers = wirelab::sio::test::run_oracle(requests);
    for (std::size_t i = 0; i < table.size(); ++i) {
        const auto& p = table[i];
        const auto ours = sock::encode(p);
        const Json& ref = answers[2 * i]["frames"];
        INFO("packet " << i << ": " << ours.text);
        // Wirelab encode == reference encode, every frame.
        REQUIRE(frames_desc(ours) == ref);
        // Wirelab decodes the reference's frames to the original packet.
        sock::Decoder decoder;
        std::optional<sock::Packet> got;
        for (std::size_t f = 0; f < ref.size(); ++f) {
            auto r = ref[f].is_string()
                         ? decoder.add_text(ref[f].get<std::string>())
                         : decoder.add_binary(*base64_decode(ref[f]["$bin"].get<std::string>()));
            REQUIRE_FALSE(r.error);
            if (r.packet) got = std::move(r.packet);
        }
        REQUIRE(got);
        CHECK(*got == p);
        // The reference decodes Wirelab's frames to the original packet.
        const Json& back = answers[2 * i + 1];
        REQUIRE(back.contains("packets"));
        REQUIRE(back["packets"].size() == 1);
        CHECK(sio_from_desc(back["packets"][0]) == p);
    }
}

TEST_CASE("Socket.IO decoder rejects what socket.io-parser rejects") {
    REQUIRE(wirelab::sio::test::oracle_installed());
    const std::vector<std::string> bad{
        "7",
        "9[\"x\"]",
        "2[\"connect\"]",
        "2[\"disconnecting\",1]",
        "0[]",
        "0\"str\"",
        "1{}",
        "2{\"a\":1}",
        "2[\"x\"",
        "3{}",
        "4[1]",
        "5[\"x\"]",
        "5a-[\"x\"]",
        "2/admin,[true]",
        "2[]",
        "0/nsp,notjson",
    };
    Json requests = Json::array();
    for (const auto& s : bad)
        requests.push_back(Json{{"op", "sio_decode"}, {"frames", {s}}});
    const Json answers = wirelab::sio::test::run_oracle(requests);
    for (std::size_t i = 0; i < bad.size(); ++i) {
        INFO(bad[i]);
        CHECK(answers[i].contains("error"));
        sock::Decoder decoder;
        CHECK(decoder.add_text(bad[i]).error);
    }
}

TEST_CASE("Engine.IO packets and polling payloads are byte-identical to engine.io-parser") {
    REQUIRE(wirelab::sio::test::oracle_installed());
    using T = eio::PacketType;
    eio::Handshake h{"lv_VI97HAXpY6yYWAAAC", {"websocket"}, 25000, 20000, 1000000};
    const std::vector<eio::Packet> table{
        eio::Packet::text(T::open, eio::encode_handshake(h)),
        eio::Packet::text(T::close),
        eio::Packet::text(T::ping),
        eio::Packet::text(T::ping, "probe"),
        eio::Packet::text(T::pong, "probe"),
        eio::Packet::text(T::message, "hello"),
        eio::Packet::text(T::message, "2[\"chat\",\"héllo ☃\"]"),
        eio::Packet::bytes(std::string("\x00\x01\x02\xff", 4)),
        eio::Packet::bytes("hello"),
        eio::Packet::text(T::upgrade),
        eio::Packet::text(T::noop),
    };
    Json requests = Json::array();
    for (const auto& p : table) {
        requests.push_back(
            Json{{"op", "eio_encode"}, {"packet", eio_desc(p)}, {"supportsBinary", true}});
        requests.push_back(
            Json{{"op", "eio_encode"}, {"packet", eio_desc(p)}, {"supportsBinary", false}});
        requests.push_back(Json{{"op", "eio_decode"}, {"text", eio::encode_text(p)}});
    }
    const std::vector<std::vector<eio::Packet>> payloads{
        {table[5]},
        {table[5], table[6], table[7]},
        {table[2], table[10], table[8], table[4]},
    };
    for (const auto& list : payloads) {
        Json packets = Json::array();
        for (const auto& p : list)
            packets.push_back(eio_desc(p));
        requests.push_back(Json{{"op", "eio_payload"}, {"packets", packets}});
        requests.push_back(Json{{"op", "eio_decode_payload"}, {"text", eio::encode_payload(list)}});
    }
    const Json answers = wirelab::sio::test::run_oracle(requests);
    for (std::size_t i = 0; i < table.size(); ++i) {
        const auto& p = table[i];
        INFO("packet " << i << ": " << eio::encode_text(p));
        const auto frame = eio::encode_frame(p);
        const Json& ws = answers[3 * i];
        if (frame.binary) {
            REQUIRE(ws.contains("bin"));
            CHECK(*base64_decode(ws["bin"].get<std::string>()) == frame.data);
            CHECK(eio::decode_binary({reinterpret_cast<const std::uint8_t*>(frame.data.data()),
                                      frame.data.size()}) == p);
        } else {
            REQUIRE(ws.contains("text"));
            CHECK(ws["text"].get<std::string>() == frame.data);
        }
        const std::string ref_text = answers[3 * i + 1]["text"].get<std::string>();
        CHECK(ref_text == eio::encode_text(p));
        CHECK(eio::decode_text(ref_text) == p);
        CHECK(eio_from_desc(answers[3 * i + 2]["packet"]) == p);
    }
    for (std::size_t k = 0; k < payloads.size(); ++k) {
        const std::size_t base = 3 * table.size() + 2 * k;
        const std::string ref = answers[base]["text"].get<std::string>();
        CHECK(ref == eio::encode_payload(payloads[k]));
        CHECK(eio::decode_payload(ref) == payloads[k]);
        std::vector<eio::Packet> back;
        for (const auto& j : answers[base + 1]["packets"])
            back.push_back(eio_from_desc(j));
        CHECK(back == payloads[k]);
    }
}
