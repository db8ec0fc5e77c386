// The terminal ladder: a golden rendering of the handshake fixture, and the properties the
// CLI relies on (incremental printing, quiet, every hop, colour, many hosts, width).
#include "fixture.hpp"
#include "sim/export/ladder.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace wirelab;
using exporter::LadderOptions;

namespace {
LadderOptions plain() {
    LadderOptions o;
    o.color = false;
    return o;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

std::size_t count(const std::string& text, std::string_view needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++n;
    return n;
}

std::size_t code_points(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}

// The fixture's trace copied event by event into `into`, calling `step` after each event.
template <class Step> void replay(const trace::Trace& from, trace::Trace& into, Step step) {
    into.topology = from.topology;
    for (trace::PduId p = 0; p < from.pdu_count(); ++p)
        into.add_pdu(from.pdu_bytes(p), from.pdu_spans(p), from.pdu(p).format);
    for (const auto& e : from.events()) {
        trace::Event copy = e;
        if (e.text != trace::no_text) copy.text = into.add_text(from.text(e.text));
        into.append(copy);
        step();
    }
}
} // namespace

TEST_CASE("ladder: the handshake fixture matches the golden text (no colour)", "[ladder]") {
    const trace::Trace t = fixture::handshake();
    const std::string text = exporter::ladder_text(t, plain());
    const std::string path =
        std::string(WIRELAB_SOURCE_DIR) + "/tests/export/golden/handshake_ladder.txt";
    if (std::getenv("WIRELAB_UPDATE_GOLDEN")) std::ofstream(path, std::ios::binary) << text;
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    const std::string golden((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
    CHECK(text == golden);
}

TEST_CASE("ladder: arrows carry the summary, state changes sit on the lifeline", "[ladder]") {
    const std::string text = exporter::ladder_text(fixture::handshake(), plain());
    const auto lines = lines_of(text);
    REQUIRE(lines.size() > 3);
    CHECK(lines[0].find("client") < lines[0].find("server"));
    CHECK(lines[1].find("10.0.0.1") != std::string::npos);
    auto line_with = [&](std::string_view s) -> std::string {
        for (const auto& l : lines)
            if (l.find(s) != std::string::npos) return l;
        return {};
    };
    const std::string syn = line_with("SYN seq=1000 win=65535 mss=1460");
    CHECK(syn.starts_with("   3.082 ms"));
    CHECK(syn.find("├─") != std::string::npos);
    CHECK(syn.find("─▶│") != std::string::npos); // client → server: left to right
    const std::string synack = line_with("SYN-ACK seq=5000 ack=1001");
    CHECK(synack.find("│◀─") != std::string::npos);
    CHECK(synack.find("─┤") != std::string::npos);
    CHECK(line_with("client: SYN-SENT → ESTABLISHED").find("●") != std::string::npos);
    CHECK(line_with("GET /chat HTTP/1.1 (Upgrade: websocket)").size() > 0);
    CHECK(line_with("✗ lost on the link").find("GET /chat") != std::string::npos);
    CHECK(line_with("HTTP/1.1 101 Switching Protocols").find("◀") != std::string::npos);
    CHECK(line_with("TEXT fin=1 mask=1 len=5 \"Hello\"").find("▶") != std::string::npos);
    CHECK(line_with("» The client does not know").size() > 0);
    CHECK(count(text, "▶") + count(text, "◀") == 8); // 9 frames, one lost
    for (const auto& l : lines)
        CHECK(code_points(l) <= 100);
}

TEST_CASE("ladder: print_new prints only what was appended since the last call", "[ladder]") {
    const trace::Trace full = fixture::handshake();
    trace::Trace growing;
    std::ostringstream out;
    exporter::LadderPrinter printer(growing, plain());
    std::size_t calls = 0;
    replay(full, growing, [&] {
        if (++calls % 3 == 0) printer.print_new(out);
    });
    printer.print_new(out);
    printer.print_new(out); // nothing new: prints nothing
    CHECK(out.str() == exporter::ladder_text(full, plain()));
}

TEST_CASE("ladder: quiet keeps arrows and losses only", "[ladder]") {
    LadderOptions o = plain();
    o.quiet = true;
    const std::string text = exporter::ladder_text(fixture::handshake(), o);
    CHECK(count(text, "●") == 0);
    CHECK(count(text, "»") == 0);
    CHECK(count(text, "▶") + count(text, "◀") == 8);
    CHECK(count(text, "✗") == 1);
}

TEST_CASE("ladder: hosts_only=false draws every switch hop with the switch's lifeline",
          "[ladder]") {
    LadderOptions o = plain();
    o.hosts_only = false;
    const std::string text = exporter::ladder_text(fixture::handshake(), o);
    const auto lines = lines_of(text);
    const auto c = lines[0].find("client"), s = lines[0].find("sw1"), v = lines[0].find("server");
    CHECK((c < s && s < v)); // the switch is drawn between the hosts it joins
    CHECK(lines[1].find("(switch)") != std::string::npos);
    CHECK(count(text, "▶") + count(text, "◀") == 17); // 9 frames x 2 hops, one lost on hop 2
}

TEST_CASE("ladder: colours per protocol, none without colour", "[ladder]") {
    const trace::Trace t = fixture::handshake();
    LadderOptions o;
    o.color = true;
    const std::string coloured = exporter::ladder_text(t, o);
    CHECK(coloured.find("\x1b[33m├") != std::string::npos);  // ARP: yellow
    CHECK(coloured.find("\x1b[36m├") != std::string::npos);  // TCP: cyan
    CHECK(coloured.find("\x1b[32m├") != std::string::npos);  // HTTP: green
    CHECK(coloured.find("\x1b[35m├") != std::string::npos);  // WebSocket: magenta
    CHECK(coloured.find("\x1b[1;31m") != std::string::npos); // the loss: red
    CHECK(exporter::ladder_text(t, plain()).find('\x1b') == std::string::npos);
}

TEST_CASE("ladder: many hosts switch to compact 'a → b: summary' rows", "[ladder]") {
    trace::Trace t = fixture::handshake();
    for (int i = 3; i <= 32; ++i)
        t.topology.nodes.push_back(
            {"h" + std::to_string(i), false, 0x0a000000u + static_cast<unsigned>(i), {}, {}});
    LadderOptions o = plain();
    const std::string text = exporter::ladder_text(t, o);
    const auto lines = lines_of(text);
    CHECK(lines[0].find("32 hosts: client, server, h3") != std::string::npos);
    CHECK(text.find("client → server  SYN seq=1000 win=65535 mss=1460  (1.014 ms)") !=
          std::string::npos);
    CHECK(text.find("server → client  HTTP/1.1 101 Switching Protocols") != std::string::npos);
    CHECK(text.find("server: LISTEN → SYN-RECEIVED") != std::string::npos);
    CHECK(
        text.find("client → server  GET /chat HTTP/1.1 (Upgrade: websocket)  ✗ lost on the link") !=
        std::string::npos);
    CHECK(count(text, "│") == 0);
    for (const auto& l : lines)
        CHECK(code_points(l) <= 100);
}

TEST_CASE("ladder: narrow widths and long narration wrap inside the width", "[ladder]") {
    fixture::Builder b;
    b.narrate(std::string(30, 'x') + " " + std::string(200, 'y') +
              " short words after a very long one");
    b.send(fixture::client, fixture::arp_frame(true), 2);
    LadderOptions o = plain();
    o.width = 50;
    const std::string text = exporter::ladder_text(b.t, o);
    for (const auto& l : lines_of(text))
        CHECK(code_points(l) <= 50);
    CHECK(text.find("» xxxxxxxxxx") != std::string::npos);
    CHECK(text.find("short words") != std::string::npos);
    CHECK(text.find("ARP who has") != std::string::npos);
}

TEST_CASE("ladder: a broadcast reaching many hosts is one arrow across their lifelines",
          "[ladder]") {
    trace::Trace t = fixture::handshake();
    // Two more hosts on the switch hear the ARP request (PDU 0) as well.
    trace::EventId sw_tx = trace::no_event;
    for (trace::EventId i = 0; i < t.size(); ++i)
        if (t[i].kind == trace::Kind::tx_start && t[i].node == fixture::sw && t[i].pdu == 0)
            sw_tx = i;
    REQUIRE(sw_tx != trace::no_event);
    for (trace::NodeId n : {trace::NodeId{3}, trace::NodeId{4}}) {
        t.topology.nodes.push_back({"h" + std::to_string(n), false, 0x0a000000u + n, {}, {}});
        trace::Event e = t[sw_tx];
        e.kind = trace::Kind::arrive;
        e.node = n;
        e.cause = sw_tx;
        e.time = t.end_time();
        t.append(e);
    }
    const std::string text = exporter::ladder_text(t, plain());
    CHECK(count(text, "ARP who has 10.0.0.2? tell 10.0.0.1") == 1);
    CHECK(count(text, "(broadcast)") == 1);
    for (const auto& l : lines_of(text)) // one arrow from client's lane to the last lane, h4
        if (l.find("(broadcast)") != std::string::npos) CHECK(l.ends_with("─▶│"));
    CHECK(lines_of(text)[0].ends_with("h4"));
    CHECK(count(text, "ARP 10.0.0.2 is at") == 1); // unicast replies stay one arrow each

    for (int i = 5; i <= 12; ++i)
        t.topology.nodes.push_back(
            {"h" + std::to_string(i), false, 0x0a000000u + static_cast<unsigned>(i), {}, {}});
    const std::string compact = exporter::ladder_text(t, plain());
    CHECK(count(compact, "client → all  ARP who has 10.0.0.2? tell 10.0.0.1") == 1);
}
