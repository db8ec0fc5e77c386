// The studio's model on the sio-events lesson: the inspector's rows go down to the Socket.IO
// event name and arguments inside the (masked) WebSocket frames, and the OSI view names
// Engine.IO / JSON / Socket.IO at layers 5-7 of a host with the "sio" stage.
#include "ui/model/osi.hpp"
#include "ui/model/session.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace wirelab;
using namespace wirelab::ui;

namespace {

const std::string sio_events = WIRELAB_SOURCE_DIR "/scenarios/sio-events.toml";

const wire::FieldSpan* row(const PduInfo& info, const std::string& name) {
    for (const auto& r : info.dissection.rows)
        if (r.name == name) return &r;
    return nullptr;
}

} // namespace

TEST_CASE("inspector rows of the sio-events lesson reach the Socket.IO event and its arguments",
          "[ui][sio]") {
    Session s;
    std::string error;
    REQUIRE(s.open(sio_events, &error));
    INFO(error);
    // The client's emit: 420["chat","hello"] in a masked text frame on the wire.
    bool found = false;
    for (const auto& f : s.flights().all()) {
        const PduInfo& info = s.catalog().info(f.pdu);
        const auto* name = row(info, "Event name");
        if (!name || name->value != "chat") continue;
        const auto* ack = row(info, "Ack id");
        if (!ack || ack->value != "0") continue; // the emit, not the relayed copy
        found = true;
        const auto bytes = s.trace().pdu_bytes(f.pdu);
        CHECK(row(info, "Engine.IO packet")->value == "message");
        CHECK(row(info, "Socket.IO packet")->value == "EVENT");
        CHECK(row(info, "Socket.IO packet")->layer == 7);
        CHECK(row(info, "Data (JSON)")->layer == 6);
        CHECK(row(info, "Argument 1")->value == R"("hello")");
        // The rows point at bytes of the frame: the masked payload, inside the PDU.
        CHECK(name->offset + name->length <= bytes.size());
        CHECK(row(info, "Masked payload"));
        CHECK(row(info, "Engine.IO packet")->offset == row(info, "Masked payload")->offset);
        break;
    }
    CHECK(found);
}

TEST_CASE("the OSI view names Engine.IO, JSON and Socket.IO for a host with the sio stage",
          "[ui][sio]") {
    const auto rows = osi_rows({"phy", "eth", "ipv4", "tcp", "http", "ws", "sio"});
    CHECK(rows[0].protocol == "Socket.IO events");
    CHECK(rows[1].protocol == "JSON (UTF-8 text)");
    CHECK(rows[2].protocol == "Engine.IO / WebSocket / HTTP Upgrade");
    const auto plain = osi_rows({"phy", "eth", "ipv4", "tcp", "http", "ws", "app"});
    CHECK(plain[0].protocol == "echo app");
    CHECK(plain[1].protocol == "UTF-8 text");
}
