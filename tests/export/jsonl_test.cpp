// JSON Lines export: every line parses, keys come in a fixed order, bytes are written once.
#include "fixture.hpp"
#include "sim/export/jsonl.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>
#include <sstream>

using namespace wirelab;
using nlohmann::ordered_json;

namespace {
std::vector<ordered_json> parse_lines(const std::string& text) {
    std::vector<ordered_json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(ordered_json::parse(line));
    return out;
}
} // namespace

TEST_CASE("jsonl: one parsable object per event with a fixed key order", "[jsonl]") {
    const trace::Trace t = fixture::handshake();
    std::ostringstream out;
    exporter::write_jsonl(t, out);
    const auto lines = parse_lines(out.str());
    REQUIRE(lines.size() == t.size());
    const std::vector<std::string> keys = {"id",    "t_ns",   "kind", "node", "layer", "link",
                                           "cause", "reason", "text", "aux",  "pdu",   "summary"};
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto& j = lines[i];
        INFO("line " << i << ": " << j.dump());
        std::vector<std::string> got;
        for (const auto& item : j.items())
            got.push_back(item.key());
        REQUIRE(got.size() >= keys.size());
        CHECK(std::vector<std::string>(got.begin(), got.begin() + static_cast<long>(keys.size())) ==
              keys);
        CHECK(j["id"] == i);
        CHECK(j["t_ns"] == t[static_cast<trace::EventId>(i)].time);
        CHECK(j["kind"] == trace::to_string(t[static_cast<trace::EventId>(i)].kind));
        if (!j["cause"].is_null()) CHECK(j["cause"].get<std::size_t>() < i);
    }
    // Byte-identical on a second run.
    std::ostringstream again;
    exporter::write_jsonl(t, again);
    CHECK(again.str() == out.str());
}

TEST_CASE("jsonl: PDU summaries, bytes on first sight only, names and reasons", "[jsonl]") {
    const trace::Trace t = fixture::handshake();
    std::ostringstream out;
    exporter::write_jsonl(t, out);
    const auto lines = parse_lines(out.str());
    std::set<std::uint32_t> seen;
    bool saw_syn = false, saw_loss = false, saw_narration = false;
    for (const auto& j : lines) {
        if (j["pdu"].is_null()) {
            CHECK(j["summary"].is_null());
            CHECK_FALSE(j.contains("hex"));
        } else {
            const auto pdu = j["pdu"].get<std::uint32_t>();
            const bool first = seen.insert(pdu).second;
            CHECK(j.contains("hex") == first);
            if (first) {
                CHECK(j["hex"] == wire::to_hex(t.pdu_bytes(pdu)));
                CHECK(j["format"] == "ethernet");
            }
        }
        if (j["kind"] == "arrive" && j["node"] == "server" &&
            j["summary"].get<std::string>().starts_with("SYN seq=1000 win=65535")) {
            saw_syn = true;
            CHECK(j["link"] == "sw1-server");
            CHECK(j["layer"] == 1);
        }
        if (j["kind"] == "drop") {
            saw_loss = true;
            CHECK(j["reason"] == "lost on the link");
            CHECK(j["summary"] == "GET /chat HTTP/1.1 (Upgrade: websocket)");
        } else {
            CHECK(j["reason"].is_null());
        }
        if (j["kind"] == "narration") {
            saw_narration = true;
            CHECK(j["node"].is_null());
            CHECK(j["text"].get<std::string>().starts_with("The client does not know"));
        }
        if (j["kind"] == "state" && j["node"] == "client" && j["text"] == "SYN-SENT → ESTABLISHED")
            CHECK(j["layer"] == 4);
    }
    CHECK(saw_syn);
    CHECK(saw_loss);
    CHECK(saw_narration);
    CHECK(seen.size() == t.pdu_count());
}

TEST_CASE("jsonl: message PDUs are summarised from their text — write_new streams", "[jsonl]") {
    fixture::Builder b;
    const std::string frame = fixture::ws_text("hi");
    const auto pdu = b.t.add_pdu(
        wire::ByteView(reinterpret_cast<const std::uint8_t*>(frame.data()), frame.size()), {},
        trace::PduFormat::message);
    b.add(trace::Kind::message, fixture::client, 5, trace::no_event, pdu, "WebSocket TEXT \"hi\"");
    exporter::JsonlWriter writer(b.t);
    std::ostringstream out;
    writer.write_new(out);
    b.add(trace::Kind::message, fixture::client, 5, trace::no_event, pdu);
    writer.write_new(out);
    const auto lines = parse_lines(out.str());
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["summary"] == "WebSocket TEXT \"hi\"");
    CHECK(lines[0]["format"] == "message");
    CHECK_FALSE(lines[1].contains("hex"));
    CHECK(lines[1]["summary"] == "TEXT fin=1 mask=1 len=2 \"hi\""); // no text: dissected
}
