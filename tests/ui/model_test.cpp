// ui/model on traces of real lessons (played by the Player): what is in flight where, which
// layer is lit, which bytes belong to which field, where the playhead lands, what the
// narration says, the automatic layout, and a user input replayed deterministically.
#include "ui/model/inspector_model.hpp"
#include "ui/model/ladder_svg.hpp"
#include "ui/model/quiz.hpp"
#include "ui/model/session.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>

using namespace wirelab;
using namespace wirelab::ui;

namespace {

const std::string handshake = WIRELAB_SOURCE_DIR "/scenarios/tcp-handshake.toml";
const std::string lossy = WIRELAB_SOURCE_DIR "/scenarios/tcp-lossy-handshake.toml";

Session open(const std::string& path) {
    Session s;
    std::string error;
    INFO(error);
    REQUIRE(s.open(path, &error));
    return s;
}

int flight_labelled(const Session& s, const std::string& label, int nth = 1) {
    const auto& all = s.flights().all();
    for (std::size_t i = 0; i < all.size(); ++i)
        if (s.catalog().info(all[i].pdu).label == label && --nth == 0) return static_cast<int>(i);
    return -1;
}

} // namespace

TEST_CASE("labels and protocols of the handshake's frames") {
    Session s = open(handshake);
    std::vector<std::string> labels;
    for (const auto& f : s.flights().all())
        if (f.from == 0) labels.push_back(s.catalog().info(f.pdu).label);
    REQUIRE(labels.size() >= 5);
    CHECK(labels[0] == "ARP who has 10.0.0.2?");
    CHECK(labels[1] == "SYN");
    CHECK(labels[2] == "ACK");
    CHECK(labels[3] == "PSH-ACK 14 B");
    CHECK(s.catalog().info(s.flights().all()[0].pdu).protocol == Protocol::arp);
    CHECK(s.catalog().info(s.flights().all()[flight_labelled(s, "SYN")].pdu).protocol ==
          Protocol::tcp);
    CHECK(flight_labelled(s, "SYN-ACK") >= 0);
    // Colours differ between protocols (and every one is labelled anyway).
    std::set<std::uint32_t> colors;
    for (int p = 0; p < static_cast<int>(Protocol::count); ++p)
        colors.insert(protocol_color(static_cast<Protocol>(p)));
    CHECK(colors.size() == static_cast<std::size_t>(Protocol::count));
}

TEST_CASE("short labels of HTTP and WebSocket summaries") {
    wire::Dissection d;
    d.protocol = "HTTP";
    d.summary = "HTTP/1.1 101 Switching Protocols";
    CHECK(short_label(d) == "101 Switching Protocols");
    d.summary = "GET /chat HTTP/1.1 (Upgrade: websocket)";
    CHECK(short_label(d) == "GET /chat");
    d.protocol = "WebSocket";
    d.summary = "TEXT fin=1 mask=1 len=5 \"Hello\"";
    CHECK(short_label(d) == "TEXT \"Hello\"");
    d.summary = "CLOSE 1000";
    CHECK(short_label(d) == "CLOSE");
    d.summary = "TEXT fin=1 mask=0 len=12 \"42[\"chat\",\"hi\"]\"";
    CHECK(classify(d) == Protocol::socketio);
    CHECK(short_label(d) == "TEXT \"42[\"chat\",\"hi\"]\"");
    // A long text is cut with an ellipsis, also where the cut falls just after a quote...
    d.summary = "TEXT fin=1 mask=0 len=52 \"42[\"announce\",\"Lab 3 starts now, room B\"]\"";
    CHECK(short_label(d) == "TEXT \"42[\"announce\",\"Lab 3 st…\"");
    d.summary = "TEXT fin=1 mask=0 len=40 \"42[\"announce\",\"xxxxxxxxxxxxx\"]\"";
    CHECK(short_label(d) == "TEXT \"42[\"announce\",\"xxxxxxxx…\"");
    d.summary = "TEXT fin=1 mask=0 len=40 \"42[\"a\",\"bcdefghijklmn\",\"op\"]\"";
    CHECK(short_label(d) == "TEXT \"42[\"a\",\"bcdefghijklmn\",…\"");
    // ...and never inside a UTF-8 sequence (é is two bytes; the cut would split it).
    d.summary = "TEXT fin=1 mask=1 len=26 \"abcdefghijklmnopqrstuv\xc3\xa9xyz\"";
    CHECK(short_label(d) == "TEXT \"abcdefghijklmnopqrstuv…\"");
}

TEST_CASE("utf8_prefix cuts at most max bytes and never inside a character") {
    CHECK(utf8_prefix("hello", 10) == "hello");
    CHECK(utf8_prefix("hello", 3) == "hel");
    CHECK(utf8_prefix("ab\xc3\xa9z", 3) == "ab"); // é is two bytes: not half of it
    CHECK(utf8_prefix("ab\xc3\xa9z", 4) == "ab\xc3\xa9");
    CHECK(utf8_prefix("\xe2\x86\x92x", 2).empty()); // → is three bytes
    CHECK(utf8_prefix("", 0).empty());
}

TEST_CASE("the SYN is on the cable between its send and its arrival, head before tail") {
    Session s = open(handshake);
    const int i = flight_labelled(s, "SYN");
    REQUIRE(i >= 0);
    const Flight& f = s.flights().all()[i];
    CHECK(f.serialization == 5120); // 64 bytes at 100 Mbit/s
    CHECK(f.delay == ms(5));
    CHECK(f.end == f.start + 5120 + ms(5)); // arrival of the last bit
    CHECK_FALSE(f.dropped);
    CHECK(s.trace().topology.nodes[f.from].name == "client");
    CHECK(s.trace().topology.nodes[f.to].name == "server");

    const auto find = [&](Time t) -> std::optional<InFlight> {
        std::vector<InFlight> in;
        s.flights().in_flight(t, in);
        for (const auto& x : in)
            if (x.flight == static_cast<std::uint32_t>(i)) return x;
        return std::nullopt;
    };
    CHECK_FALSE(find(f.start - 1));
    auto mid = find(f.start + ms(5) / 2);
    REQUIRE(mid);
    CHECK(mid->head == Approx(0.5).margin(0.01));
    CHECK(mid->tail < mid->head);
    CHECK(mid->head - mid->tail == Approx(5120.0 / ms(5)).margin(1e-4)); // its length on the wire
    auto late = find(f.end - 1);
    REQUIRE(late);
    CHECK(late->head == 1.0f);
    CHECK(late->tail == Approx(1.0).margin(1e-3));
    CHECK_FALSE(find(f.end));
}

TEST_CASE("a lost SYN flies, ends dropped at the server with its reason, and is marked") {
    Session s = open(lossy);
    const int first = flight_labelled(s, "SYN");
    const int second = flight_labelled(s, "SYN", 2);
    REQUIRE(first >= 0);
    REQUIRE(second > first);
    const Flight& f = s.flights().all()[first];
    CHECK(f.dropped);
    CHECK(f.reason == trace::DropReason::scripted);
    CHECK(s.trace().topology.nodes[f.to].name == "server");
    CHECK_FALSE(s.flights().all()[second].dropped);
    // The resend leaves after the 1 s RTO.
    CHECK(s.flights().all()[second].start - f.start == seconds(1));
    REQUIRE(s.marks().drops.size() == 1);
    CHECK(s.flights().drops().size() == 1);
    CHECK(s.trace()[s.marks().drops[0]].time == f.end);
}

TEST_CASE("in_flight at 20 ms of the handshake: only the ARP reply, then the SYN") {
    Session s = open(handshake);
    std::vector<InFlight> in;
    s.flights().in_flight(ms(20), in);
    REQUIRE(in.size() == 1);
    CHECK(s.catalog().info(s.flights().all()[in[0].flight].pdu).label.find("is at") !=
          std::string::npos);
    in.clear();
    s.flights().in_flight(ms(22), in);
    REQUIRE(in.size() == 1);
    CHECK(s.catalog().info(s.flights().all()[in[0].flight].pdu).label == "SYN");
}

TEST_CASE("OSI rows name the real protocol at each layer of the host's stack") {
    Session s = open(handshake);
    const auto rows = osi_rows(s.trace().topology.nodes[0].stack);
    CHECK(rows[0].layer == 7);
    CHECK(rows[6].layer == 1);
    CHECK(rows[3].protocol == "TCP");
    CHECK(std::string(rows[3].osi_name) == "Transport");
    CHECK(std::string(tcpip_name(rows[3].tcpip)) == "Transport");
    CHECK(rows[4].protocol == "IPv4");
    CHECK(std::string(tcpip_name(rows[4].tcpip)) == "Internet");
    CHECK(rows[5].protocol == "Ethernet II + ARP");
    CHECK(std::string(tcpip_name(rows[6].tcpip)) == "Link");
    CHECK(rows[2].protocol.empty()); // no session layer in a TCP-only lesson
    const auto ws = osi_rows({"phy", "eth", "ipv4", "tcp", "http", "ws", "json", "app"});
    CHECK(ws[2].protocol == "HTTP/1.1 Upgrade + WebSocket");
    CHECK(ws[1].protocol == "UTF-8 / JSON");
    CHECK(ws[0].protocol == "echo app");
    const auto plain = osi_rows({"phy", "eth", "ipv4", "tcp", "http", "ws"});
    CHECK(plain[1].protocol == "UTF-8 text");
    // A host that only speaks HTTP (the polling page): HTTP is its application.
    const auto http = osi_rows({"phy", "eth", "ipv4", "tcp", "http"});
    CHECK(http[0].protocol == "HTTP/1.1 requests");
    CHECK(http[1].protocol == "UTF-8 text (bodies)");
    CHECK(http[2].protocol.empty());
    const auto deflate = osi_rows({"phy", "eth", "ipv4", "tcp", "ws", "deflate", "chat"});
    CHECK(deflate[1].protocol == "permessage-deflate");
    CHECK(deflate[0].protocol == "chat app");
}

TEST_CASE("the sending stack lights from L7 down before the data leaves, the receiver from L1 up") {
    Session s = open(handshake);
    const Flight& f = s.flights().all()[flight_labelled(s, "PSH-ACK 14 B")];
    const Time dwell = ms(4);
    auto a = s.stacks().activity(f.from, f.start - dwell + 1, dwell, 0);
    REQUIRE(a);
    CHECK(a->pass->down);
    CHECK(a->pass->pdu == f.pdu);
    CHECK(a->pass->layers == std::vector<std::uint8_t>{7, 4, 3, 2, 1});
    CHECK(a->layer() == 7);
    auto b = s.stacks().activity(f.from, f.start - 1, dwell, 0);
    REQUIRE(b);
    CHECK(b->layer() == 1);
    CHECK_FALSE(s.stacks().activity(f.from, f.start + ms(2), dwell, 0)); // idle while it flies
    auto up0 = s.stacks().activity(f.to, f.end, dwell, 0);
    REQUIRE(up0);
    CHECK_FALSE(up0->pass->down);
    CHECK(up0->pass->pdu == f.pdu);
    CHECK(up0->layer() == 1);
    // The server acknowledges at the instant the data arrives: its ACK goes down only after the
    // data has climbed (first half of the dwell up, second half down).
    auto up1 = s.stacks().activity(f.to, f.end + dwell / 2 - 1, dwell, 0);
    REQUIRE(up1);
    CHECK(up1->pass->pdu == f.pdu);
    CHECK(up1->layer() == 4);
    auto reply = s.stacks().activity(f.to, f.end + dwell / 2 + 1, dwell, 0);
    REQUIRE(reply);
    CHECK(reply->pass->down);
    CHECK(s.catalog().info(reply->pass->pdu).label == "ACK");
    CHECK(reply->layer() == 4);
    // With a hold, the finished pass stays shown after its window.
    auto held = s.stacks().activity(f.to, f.end + dwell + ms(1), dwell, ms(2));
    REQUIRE(held);
    CHECK(held->progress == 1.0f);
}

TEST_CASE("inspector: every byte of a SYN belongs to the most specific field") {
    Session s = open(handshake);
    const Flight& f = s.flights().all()[flight_labelled(s, "SYN")];
    const auto& rows = s.catalog().info(f.pdu).dissection.rows;
    const auto bytes = s.trace().pdu_bytes(f.pdu);
    const auto owner = byte_owners(rows, bytes.size());
    REQUIRE(owner.size() == bytes.size());
    for (std::size_t b = 0; b < owner.size(); ++b) {
        INFO("byte " << b);
        REQUIRE(owner[b] >= 0);
        CHECK(row_covers(rows[owner[b]], b));
        CHECK(rows[owner[b]].depth >= 1); // a field, not the whole layer
    }
    CHECK(rows[owner[0]].layer == 2);  // destination MAC
    CHECK(rows[owner[14]].layer == 3); // IPv4 version/IHL
    CHECK(rows[owner[34]].layer == 4); // TCP source port
    CHECK(rows[owner[34]].offset == 34);
    CHECK(rows[owner[34]].length == 2);
    CHECK(rows[owner[bytes.size() - 1]].layer == 2); // the FCS
    const auto parents = row_parents(rows);
    CHECK(parents[0] == -1);
    CHECK(rows[parents[owner[34]]].depth < rows[owner[34]].depth);
}

TEST_CASE("playhead: speed, end, stepping between events and cues, narration at t") {
    Session s = open(handshake);
    const auto& t = s.trace();
    Playhead p;
    p.end = s.end_time();
    p.set_speed(0.01);
    p.playing = true;
    p.advance(1.0); // one wall second at 0.01x = 10 ms
    CHECK(p.time == ms(10));
    p.set_speed(1000);
    CHECK(p.speed == max_speed);
    p.advance(10.0);
    CHECK(p.time == p.end);
    CHECK_FALSE(p.playing);
    p.seek(-5);
    CHECK(p.time == 0);

    CHECK(next_event_time(t, 0) == ms(10));
    CHECK(prev_event_time(t, ms(10)) == 0);
    CHECK(happened(t, 0) == 3); // listen, LISTEN state, first cue
    CHECK(next_event_time(t, ms(10)) == ms(15) + 5120);

    auto n0 = narration_at(t, s.marks(), 0);
    CHECK(n0.cue == 0);
    CHECK(n0.text.find("LISTEN") != std::string_view::npos);
    auto n1 = narration_at(t, s.marks(), ms(21));
    CHECK(n1.text.find("Step 1") != std::string_view::npos);
    const Time cue2 = next_mark_time(t, s.marks().narration, ms(21));
    CHECK(narration_at(t, s.marks(), cue2).text.find("Step 2") != std::string_view::npos);
    CHECK(prev_mark_time(t, s.marks().narration, cue2) == n1.time);
    CHECK(quizzes_reached(t, s.marks(), ms(20)).empty());
    CHECK(quizzes_reached(t, s.marks(), ms(31)) == std::vector<std::uint32_t>{0});
}

TEST_CASE("layout: client left, server right — a star of 150 hosts stays in the unit square") {
    Session s = open(handshake);
    const auto& l = s.layout();
    CHECK(l.nodes[0].x < l.nodes[1].x);
    CHECK(s.ladder().lanes == std::vector<trace::NodeId>{0, 1});

    trace::Topology big;
    big.nodes.push_back({"switch", true, 0, {}, {}});
    for (int i = 0; i < 150; ++i)
        big.nodes.push_back({"client" + std::to_string(i), false, 0, {}, {}});
    const Layout star = layout_topology(big);
    CHECK(star.nodes[0].x == 0.5f);
    std::set<std::pair<int, int>> seen;
    for (std::size_t i = 1; i < star.nodes.size(); ++i) {
        const auto p = star.nodes[i];
        CHECK(p.x >= 0.0f);
        CHECK(p.x <= 1.0f);
        CHECK(p.y >= 0.0f);
        CHECK(p.y <= 1.0f);
        seen.insert({static_cast<int>(p.x * 1000), static_cast<int>(p.y * 1000)});
    }
    CHECK(seen.size() == 150); // no two hosts on the same spot
    CHECK(star.node_radius < 0.01f);

    // A named server on the ring sits alone at its left, its nearest client an arc away.
    trace::Topology classroom = big;
    classroom.nodes[40].name = "server";
    const Layout ring = layout_topology(classroom);
    const auto server = ring.nodes[40];
    CHECK(server.x < 0.1f);
    CHECK(server.y == Approx(0.5f));
    float nearest = 1;
    for (std::size_t i = 1; i < ring.nodes.size(); ++i)
        if (i != 40)
            nearest = std::min(nearest,
                               std::hypot(ring.nodes[i].x - server.x, ring.nodes[i].y - server.y));
    CHECK(nearest > 0.15f); // 150 clients round the ring: without the gap, 0.018

    trace::Topology small = big;
    small.nodes.resize(4); // a switch and three clients
    small.nodes[3].name = "server";
    const Layout three = layout_topology(small);
    CHECK(three.nodes[1].x < three.nodes[0].x);
    CHECK(three.nodes[3].x > three.nodes[0].x);
}

TEST_CASE("layout: two stars side by side get one half each, none overlapping") {
    // ws-switch with ws-a, ws-b, ws-server; io-switch with io-a, io-b, io-server.
    trace::Topology t;
    const char* names[] = {"ws-switch", "ws-a", "ws-b", "ws-server",
                           "io-switch", "io-a", "io-b", "io-server"};
    for (int i = 0; i < 8; ++i)
        t.nodes.push_back({names[i], i % 4 == 0, 0, {}, {}});
    for (trace::NodeId i = 1; i < 8; ++i)
        if (i % 4 != 0)
            t.links.push_back({"l", i, static_cast<trace::NodeId>(i < 4 ? 0 : 4), 0, 0});
    const Layout l = layout_topology(t);
    CHECK_FALSE(l.round);
    CHECK(l.nodes[0].x < 0.5f);
    CHECK(l.nodes[4].x > 0.5f);
    for (trace::NodeId i = 1; i < 4; ++i) {
        CHECK(l.nodes[i].x < 0.5f);     // the first star's hosts stay in its half
        CHECK(l.nodes[i + 4].x > 0.5f); // and the second's in its own
    }
    CHECK(l.nodes[3].x > l.nodes[0].x); // each server right of its switch
    CHECK(l.nodes[7].x > l.nodes[4].x);
    CHECK(l.nodes[1].x < l.nodes[0].x); // clients left
}

TEST_CASE("ladder: one arrow per frame in time order, TCP states as notes") {
    Session s = open(handshake);
    const auto& lad = s.ladder();
    REQUIRE(lad.arrows.size() == s.flights().all().size());
    for (std::size_t i = 1; i < lad.arrows.size(); ++i)
        CHECK(lad.arrows[i - 1].t0 <= lad.arrows[i].t0);
    const auto syn = flight_labelled(s, "SYN");
    CHECK(lad.arrows[syn].from_lane == 0);
    CHECK(lad.arrows[syn].to_lane == 1);
    bool established = false;
    for (const auto& n : lad.notes)
        if (n.text == "SYN-SENT → ESTABLISHED" && n.lane == 0) established = true;
    CHECK(established);
    auto [lo, hi] = lad.arrows_in(ms(20), ms(21), ms(6));
    REQUIRE(hi > lo);
    bool has_syn = false;
    for (auto i = lo; i < hi; ++i)
        has_syn |= static_cast<int>(i) == syn;
    CHECK(has_syn);
}

TEST_CASE("a user's drop-next input re-plays deterministically, and undo restores the trace") {
    Session s = open(handshake);
    const auto original = s.trace().hash();
    const auto gen = s.generation();
    std::string why;
    auto a = s.make_input(UserInput::drop_next, ms(15), "client", "cable", "", &why);
    REQUIRE(a);
    CHECK(a->kind == scenario::ActionKind::drop_next);
    s.add_input(*a);
    CHECK(s.generation() > gen);
    CHECK(s.trace().hash() != original);
    REQUIRE(s.flights().all().size() > 2);
    const int syn = flight_labelled(s, "SYN");
    REQUIRE(syn >= 0);
    CHECK(s.flights().all()[syn].dropped); // the SYN was the client's next frame after 15 ms

    Session again = open(handshake);
    again.add_input(*a);
    CHECK(again.trace().hash() == s.trace().hash());

    CHECK(s.undo());
    CHECK(s.trace().hash() == original);
    CHECK_FALSE(s.undo());

    CHECK_FALSE(s.make_input(UserInput::cut, 0, "", "no-such-link", "", &why));
    CHECK(why.find("no-such-link") != std::string::npos);
    CHECK_FALSE(s.make_input(UserInput::ping, 0, "client", "", "", &why)); // TCP-only lesson
    auto send = s.make_input(UserInput::send, ms(100), "server", "", "hi");
    REQUIRE(send);
    CHECK(send->kind == scenario::ActionKind::tcp_send);
    CHECK(send->peer == "client");
}

TEST_CASE("a scenario with errors leaves the open lesson open and says where") {
    Session s = open(handshake);
    const auto before = s.trace().hash();
    std::string error;
    const std::string bad = WIRELAB_BINARY_DIR "/ui-bad-lesson.toml";
    {
        std::FILE* f = std::fopen(bad.c_str(), "w");
        REQUIRE(f);
        std::fputs("[lesson]\ntitle = \"x\"\n[world]\nseeed = 3\n", f);
        std::fclose(f);
    }
    CHECK_FALSE(s.open(bad, &error));
    CHECK(error.find("ui-bad-lesson.toml:") != std::string::npos);
    CHECK(error.find("error:") != std::string::npos);
    CHECK(s.trace().hash() == before);
}

TEST_CASE("the ladder SVG has a lifeline per host and a labelled arrow per frame") {
    Session s = open(lossy);
    const std::string svg = ladder_svg(s);
    CHECK(svg.rfind("<svg", 0) == 0);
    CHECK(svg.find("</svg>") != std::string::npos);
    CHECK(svg.find(">client</text>") != std::string::npos);
    CHECK(svg.find(">server</text>") != std::string::npos);
    std::size_t lines = 0;
    for (auto p = svg.find("<line"); p != std::string::npos; p = svg.find("<line", p + 1))
        ++lines;
    CHECK(lines == 2 + s.flights().all().size()); // lifelines + arrows
    CHECK(svg.find(">SYN</text>") != std::string::npos);
    CHECK(svg.find("✗ dropped on purpose") != std::string::npos);
    CHECK(svg.find("SYN-SENT → ESTABLISHED") != std::string::npos);
}

TEST_CASE(
    "quiz answers: the choice index, or the typed text (exact for values, any case for words)") {
    scenario::Quiz choice;
    choice.choices = {"Two", "Three"};
    choice.answer = 1;
    CHECK(answer_is_right(choice, 1, ""));
    CHECK_FALSE(answer_is_right(choice, 0, ""));
    CHECK_FALSE(answer_is_right(choice, -1, "Three"));
    scenario::Quiz value;
    value.answer_text = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    CHECK(answer_is_right(value, -1, "  s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n"));
    CHECK_FALSE(answer_is_right(value, -1, "S3PPLMBITXAQ9KYGZZHZRBK+XOO="));
    CHECK_FALSE(answer_is_right(value, -1, ""));
    scenario::Quiz word;
    word.answer_text = "three";
    CHECK(answer_is_right(word, -1, "Three"));
    CHECK_FALSE(answer_is_right(word, -1, "four"));
}

TEST_CASE("a user's WebSocket message in a WebSocket lesson becomes a masked TEXT frame") {
    Session s = open(WIRELAB_SOURCE_DIR "/scenarios/ws-frames.toml");
    const std::size_t before = s.flights().all().size();
    std::string why;
    auto a = s.make_input(UserInput::send, ms(75), "browser", "", "Bonjour", &why);
    INFO(why);
    REQUIRE(a);
    CHECK(a->kind == scenario::ActionKind::ws_send);
    s.add_input(*a);
    CHECK(s.flights().all().size() > before);
    bool found = false;
    for (const auto& f : s.flights().all()) {
        const auto& info = s.catalog().info(f.pdu);
        if (info.label == "TEXT \"Bonjour\"" &&
            s.trace().topology.nodes[f.from].name == "browser") {
            found = true;
            CHECK(info.protocol == Protocol::websocket);
            CHECK(info.dissection.summary.find("mask=1") != std::string::npos);
            CHECK(f.start >= ms(75));
        }
    }
    CHECK(found);
    auto ping = s.make_input(UserInput::ping, ms(76), "browser", "", "");
    REQUIRE(ping);
    CHECK(ping->kind == scenario::ActionKind::ws_ping);
}

TEST_CASE("inputs that make no sense at that moment re-play without throwing") {
    Session s = open(handshake);
    // Before any connection exists, after the lesson's end, and on a cut link.
    for (Time at : {Time{0}, ms(5), seconds(2)}) {
        for (auto kind : {UserInput::send, UserInput::close}) {
            auto a = s.make_input(kind, at, "client", "", "early");
            REQUIRE(a);
            CHECK_NOTHROW(s.add_input(*a));
        }
    }
    auto cut = s.make_input(UserInput::cut, ms(12), "", "cable", "");
    REQUIRE(cut);
    CHECK_NOTHROW(s.add_input(*cut));
    // The cut link eats the SYN's ARP exchange: no SYN-ACK ever comes back.
    bool syn_ack = false;
    for (const auto& f : s.flights().all())
        syn_ack |= s.catalog().info(f.pdu).label == "SYN-ACK";
    CHECK_FALSE(syn_ack);
    while (s.undo()) {}
    CHECK(s.inputs().empty());
}

TEST_CASE("ladder axis: linear across a flight, a 1 s timeout squeezed to a few flights") {
    Session s = open(lossy);
    const auto& all = s.flights().all();
    const Time unit = all[0].end - all[0].start; // ~20 ms
    const LadderAxis axis(s.ladder(), unit, 3.0);
    const Flight& lost = all[0];
    const Flight& resent = all[1];
    // A flight spans one unit, drawn linearly.
    CHECK(axis.at(lost.end) - axis.at(lost.start) == Approx(1.0));
    CHECK(axis.at(lost.start + unit / 2) - axis.at(lost.start) == Approx(0.5).margin(1e-6));
    // The quiet second between the loss and the resend is at most three units tall.
    CHECK(axis.at(resent.start) - axis.at(lost.end) == Approx(3.0));
    CHECK(axis.squeezed(lost.end + ms(500)));
    CHECK_FALSE(axis.squeezed(lost.start + ms(1)));
    // Monotone, and time_at inverts at().
    double last = -1e9;
    for (Time t = 0; t < s.end_time(); t += ms(7)) {
        const double u = axis.at(t);
        CHECK(u >= last);
        last = u;
        if (!axis.squeezed(t)) CHECK(std::llabs(axis.time_at(u) - t) <= 1);
    }
}
