// sio-polling-upgrade: the facts its narration states — the handshake GET, CONNECT by POST,
// the answer in the held GET, the chat and its ack over polling, the probe, the NOOP that ends
// the last poll, UPGRADE, then the chat in a frame; both events reach friend; the two polling
// connections close after the upgrade.
#include "lesson_facts.hpp"

using namespace lessons;

namespace {
std::size_t count_starting(const std::vector<Seen>& v, std::string_view prefix) {
    std::size_t n = 0;
    for (const auto& m : v)
        n += starts(m.summary, prefix) ? 1 : 0;
    return n;
}
std::size_t index_of(const std::vector<std::string>& v, std::string_view prefix) {
    for (std::size_t i = 0; i < v.size(); ++i)
        if (starts(v[i], prefix)) return i;
    return v.size();
}
} // namespace

TEST_CASE("sio-polling-upgrade: polling, the probe, the upgrade, as the narration says") {
    auto sc = load_lesson("sio-polling-upgrade");
    scenario::Player p(sc);
    p.run();
    const auto& t = p.trace();

    // HTTP requests of the browser: the handshake and the polls, two POSTs (CONNECT, the
    // first chat), one Upgrade with the session's sid.
    const auto sent = messages(t, "browser", false);
    CHECK(count_starting(sent, "GET /socket.io/?EIO=4&transport=polling&t=") == 1);
    CHECK(count_starting(sent, "GET /socket.io/?EIO=4&transport=polling&sid=") >= 2);
    CHECK(count_starting(sent, "POST /socket.io/?EIO=4&transport=polling&sid=") == 2);
    CHECK(count_starting(sent, "GET /socket.io/?EIO=4&transport=websocket&sid=") == 1);
    bool post_ok = false;
    for (const auto& m : sent) {
        if (!starts(m.summary, "POST ")) continue;
        const std::string text(m.bytes.begin(), m.bytes.end());
        post_ok =
            text.find("\r\nContent-Type: text/plain;charset=UTF-8\r\n") != std::string::npos &&
            text.ends_with("\r\n\r\n40");
        break;
    }
    CHECK(post_ok); // the first POST carries exactly 40
    // The server answered the held GETs with the packets, the POSTs with "ok".
    const auto got = messages(t, "browser", true);
    CHECK(count_starting(got, "HTTP/1.1 200 OK (2 B)") == 2);
    CHECK(count_starting(got, "HTTP/1.1 101 Switching Protocols") == 1);

    // The order at the browser, as the cues tell it.
    const auto app = texts(t, trace::Kind::app, "browser", 7);
    const std::size_t open = index_of(app, "OPEN {\"sid\":");
    const std::size_t connected = index_of(app, "CONNECT / {\"sid\":");
    const std::size_t ack0 = index_of(app, "ACK 0 [1] received");
    const std::size_t probe = index_of(app, "PING probe sent");
    const std::size_t pong = index_of(app, "PONG probe received");
    const std::size_t noop = index_of(app, "NOOP received");
    const std::size_t upgrade = index_of(app, "UPGRADE sent");
    const std::size_t frame = index_of(app, "EVENT \"chat\" [\"sent in a frame\"] (ack id 1) sent");
    const std::size_t ack1 = index_of(app, "ACK 1 [1] received");
    CHECK(ack1 < app.size());
    CHECK(open < connected);
    CHECK(connected < ack0);
    CHECK(ack0 < upgrade); // the first chat was answered while still polling
    CHECK(probe < pong);
    CHECK(pong < noop);
    CHECK(noop < upgrade);
    CHECK(upgrade < frame);
    CHECK(frame < ack1);
    // The open packet offers the upgrade.
    CHECK(app[open].find("\"upgrades\":[\"websocket\"]") != std::string::npos);

    // friend, on WebSocket only, receives both messages.
    const auto at_friend = texts(t, trace::Kind::app, "friend", 7);
    CHECK(contains(at_friend, "EVENT \"chat\" [\"sent by POST\"] received"));
    CHECK(contains(at_friend, "EVENT \"chat\" [\"sent in a frame\"] received"));

    // After the upgrade the browser closes both HTTP connections (it sends their FINs).
    int closes = 0;
    bool upgraded = false;
    for (const auto& e : t.events()) {
        if (node_name(t, e) != "browser") continue;
        const auto text = t.text(e.text);
        if (e.kind == trace::Kind::state &&
            text == "Socket.IO client: transport upgraded to websocket")
            upgraded = true;
        if (upgraded && e.kind == trace::Kind::state && e.layer == 4 &&
            text == "ESTABLISHED → FIN-WAIT-1")
            ++closes;
    }
    CHECK(closes == 2);
}
