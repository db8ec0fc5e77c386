// sio::dissect_text / add_socketio_rows: the byte inspector's rows for Engine.IO and
// Socket.IO text, alone and inside (masked) WebSocket frames.
#include <catch2/catch.hpp>

#include "sim/proto/sio/dissect.hpp"
#include "sim/wire/dissect.hpp"

#include <array>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

using namespace wirelab;

namespace {

// (name, offset, length, layer, depth, value) per row, for whole-table comparisons.
using Row = std::tuple<std::string, std::size_t, std::size_t, int, int, std::string>;
std::vector<Row> rows_of(const wire::FieldTable& t) {
    std::vector<Row> out;
    for (const auto& r : t)
        out.emplace_back(r.name, r.offset, r.length, r.layer, r.depth, r.value);
    return out;
}

const wire::FieldSpan* find(const wire::FieldTable& t, const std::string& name) {
    for (const auto& r : t)
        if (r.name == name) return &r;
    return nullptr;
}

// One WebSocket text frame (short payload), masked with `mask` if it has a value.
wire::Bytes text_frame(const std::string& text, std::optional<std::array<std::uint8_t, 4>> mask) {
    wire::Bytes f{0x81, static_cast<std::uint8_t>((mask ? 0x80 : 0) | text.size())};
    if (mask) {
        for (std::uint8_t b : *mask)
            f.push_back(b);
    }
    for (std::size_t i = 0; i < text.size(); ++i)
        f.push_back(static_cast<std::uint8_t>(text[i] ^ (mask ? (*mask)[i % 4] : 0)));
    return f;
}

} // namespace

TEST_CASE("sio dissect: 42/admin,3[\"chat\",\"hi\"] has every field of both protocols",
          "[sio][dissect]") {
    const std::string text = R"(42/admin,3["chat","hi"])";
    const std::vector<Row> expected{
        {"Engine.IO packet", 0, 23, 5, 0, "message"},
        {"Type", 0, 1, 5, 1, "4 (message)"},
        {"Socket.IO packet", 1, 22, 7, 0, "EVENT"},
        {"Type", 1, 1, 7, 1, "2 (EVENT)"},
        {"Namespace", 2, 7, 7, 1, "/admin"},
        {"Ack id", 9, 1, 7, 1, "3"},
        {"Data (JSON)", 10, 13, 6, 1, R"(["chat","hi"])"},
        {"Event name", 11, 6, 7, 2, "chat"},
        {"Argument 1", 18, 4, 7, 2, R"("hi")"},
    };
    const auto rows = sio::dissect_text(text);
    CHECK(rows_of(rows) == expected);
    // The spans cut the text where a reader would.
    CHECK(text.substr(11, 6) == R"("chat")");
    CHECK(text.substr(18, 4) == R"("hi")");
}

TEST_CASE("sio dissect: arguments nest, acks list arguments, binary events count attachments",
          "[sio][dissect]") {
    SECTION("nested arguments are one row each, whatever they hold") {
        const std::string text = R"(42["move",{"x":[1,2],"s":"a,]"},[3],null])";
        const auto rows = sio::dissect_text(text);
        REQUIRE(find(rows, "Argument 3"));
        CHECK(text.substr(find(rows, "Argument 1")->offset, find(rows, "Argument 1")->length) ==
              R"({"x":[1,2],"s":"a,]"})");
        CHECK(text.substr(find(rows, "Argument 2")->offset, find(rows, "Argument 2")->length) ==
              "[3]");
        CHECK(find(rows, "Argument 3")->value == "null");
        CHECK(!find(rows, "Namespace")); // the default namespace is not written
        CHECK(!find(rows, "Ack id"));
    }
    SECTION("an ACK's data are its arguments, no event name") {
        const auto rows = sio::dissect_text("430[1]");
        CHECK(find(rows, "Socket.IO packet")->value == "ACK");
        CHECK(find(rows, "Ack id")->value == "0");
        CHECK(!find(rows, "Event name"));
        REQUIRE(find(rows, "Argument 1"));
        CHECK(find(rows, "Argument 1")->offset == 4);
        CHECK(find(rows, "Argument 1")->value == "1");
    }
    SECTION("BINARY_EVENT: the attachment count before the dash") {
        const auto rows = sio::dissect_text(R"(451-["up",{"_placeholder":true,"num":0}])");
        REQUIRE(find(rows, "Attachments"));
        CHECK(find(rows, "Attachments")->offset == 2);
        CHECK(find(rows, "Attachments")->length == 2); // "1-": the dash ends it, as "," a nsp
        CHECK(find(rows, "Attachments")->value == "1");
        CHECK(find(rows, "Event name")->value == "up");
    }
    SECTION("Engine.IO packets that carry no Socket.IO packet") {
        auto ping = sio::dissect_text("2");
        REQUIRE(ping.size() == 2);
        CHECK(ping[0].value == "ping");
        CHECK(!find(ping, "Socket.IO packet"));
        auto open = sio::dissect_text(R"(0{"sid":"abc","upgrades":[],"pingInterval":25000,)"
                                      R"("pingTimeout":20000,"maxPayload":1000000})");
        CHECK(find(open, "Engine.IO packet")->value == "open");
        CHECK(find(open, "Data"));
    }
    SECTION("text that is not Engine.IO gives no rows; a bad Socket.IO packet says so") {
        CHECK(sio::dissect_text("Hello").empty());
        CHECK(sio::dissect_text("").empty());
        const auto bad = sio::dissect_text("42[\"unterminated");
        CHECK(find(bad, "Socket.IO packet")->value == "malformed");
        CHECK(!find(bad, "Event name"));
    }
}

TEST_CASE("sio dissect: rows are added inside WebSocket frames, masked or not", "[sio][dissect]") {
    const std::string text = R"(42/admin,3["chat","hi"])";
    const auto frame = GENERATE(as<std::optional<std::array<std::uint8_t, 4>>>{}, std::nullopt,
                                std::array<std::uint8_t, 4>{0x37, 0xfa, 0x21, 0x3d});
    wire::Bytes bytes = text_frame(text, frame);
    // Two frames in one TCP payload: a ping after the event, which gets no Socket.IO rows.
    const wire::Bytes ping = text_frame("2", std::nullopt);
    bytes.insert(bytes.end(), ping.begin(), ping.end());
    wire::Dissection d;
    REQUIRE(wire::dissect_stream_payload(bytes, d));
    const std::size_t before = d.rows.size();
    REQUIRE(sio::add_socketio_rows(bytes, d));
    const std::size_t at = frame ? 6 : 2; // the payload follows the header (and mask key)
    const auto* name = find(d.rows, "Event name");
    REQUIRE(name);
    CHECK(name->offset == at + 11);
    CHECK(name->value == "chat");
    CHECK(find(d.rows, "Namespace")->value == "/admin");
    // The first frame's rows sit right after its payload row, before the second frame.
    std::size_t payload_row = 0;
    while (d.rows[payload_row].name.find("ayload") == std::string::npos ||
           d.rows[payload_row].name == "Payload length")
        ++payload_row;
    CHECK(d.rows[payload_row + 1].name == "Engine.IO packet");
    CHECK(d.rows[payload_row + 1].offset == at);
    // 9 rows for the event, 2 for the ping.
    CHECK(d.rows.size() == before + 9 + 2);
    CHECK(d.rows.back().name == "Type");
    CHECK(d.rows.back().value == "2 (ping)");

    // A binary frame or a fragment is left alone.
    wire::Bytes binary = text_frame(text, std::nullopt);
    binary[0] = 0x82;
    wire::Dissection db;
    REQUIRE(wire::dissect_stream_payload(binary, db));
    CHECK_FALSE(sio::add_socketio_rows(binary, db));
    wire::Bytes fragment = text_frame(text, std::nullopt);
    fragment[0] = 0x01;
    wire::Dissection df;
    REQUIRE(wire::dissect_stream_payload(fragment, df));
    CHECK_FALSE(sio::add_socketio_rows(fragment, df));
}

TEST_CASE("sio dissect: the Engine.IO packets of an HTTP long-polling body get rows too",
          "[sio][dissect]") {
    // A held GET answered with two packets joined by the record separator: a ping and an event.
    const std::string body = "2\x1e"
                             R"(42["chat","hi"])";
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                             "Content-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n";
    const std::string message = head + body;
    const wire::ByteView bytes{reinterpret_cast<const std::uint8_t*>(message.data()),
                               message.size()};
    wire::Dissection d;
    REQUIRE(wire::dissect_stream_payload(bytes, d));
    REQUIRE(d.protocol == "HTTP");
    REQUIRE(sio::add_socketio_rows(bytes, d));
    std::vector<const wire::FieldSpan*> packets;
    for (const auto& r : d.rows)
        if (r.name == "Engine.IO packet") packets.push_back(&r);
    REQUIRE(packets.size() == 2);
    CHECK(packets[0]->offset == head.size());     // "2", the ping
    CHECK(packets[1]->offset == head.size() + 2); // after 0x1e, the message with the event
    const auto* name = find(d.rows, "Event name");
    REQUIRE(name);
    CHECK(name->value == "chat");
    CHECK(message.substr(name->offset, name->length) == "\"chat\"");

    // A body that is not Engine.IO (a web page's text) gets no rows.
    const std::string page = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    const wire::ByteView page_bytes{reinterpret_cast<const std::uint8_t*>(page.data()),
                                    page.size()};
    wire::Dissection dp;
    REQUIRE(wire::dissect_stream_payload(page_bytes, dp));
    CHECK_FALSE(sio::add_socketio_rows(page_bytes, dp));
}
