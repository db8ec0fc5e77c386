// Every lesson's pcap export dissects in tshark with no malformed packet and no warning
// (which includes "previous segment not captured" and bad checksums), on every host's
// interface in a small lesson, on a sample in a big one (see hosts_to_check). The warnings expected
// are tshark's "Connection reset (RST)" on an RST segment, which a lesson about RST shows on
// purpose, and, in tcp-loss-reorder, the lost-segment and out-of-order warnings of the loss it
// teaches. tshark must be installed (the set-up does).
#include "lesson_facts.hpp"

#include "sim/export/pcap.hpp"

#include <cstdio>
#include <filesystem>
#include <set>

using namespace lessons;

namespace {

std::string run_capture(const std::string& command) {
    std::string out;
    FILE* p = popen(command.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;)
        out.append(buf, n);
    pclose(p);
    return out;
}

// Up to this many hosts, every host's capture is checked.
constexpr std::size_t small_lesson = 4;

// The hosts whose capture is checked. A small lesson: every host. A big one (a classroom, a
// thousand phones): every host that does not open connections (the servers, whose interface
// sees every connection) and the first and last of those that do (the clients).
std::vector<std::string> hosts_to_check(const scenario::Scenario& sc) {
    std::vector<std::string> out;
    if (sc.hosts.size() <= small_lesson) {
        for (const auto& h : sc.hosts)
            out.push_back(h.name);
        return out;
    }
    std::set<std::string> clients;
    for (const auto& a : sc.actions)
        if (a.kind == scenario::ActionKind::tcp_connect ||
            a.kind == scenario::ActionKind::ws_connect ||
            a.kind == scenario::ActionKind::sio_connect)
            clients.insert(a.host);
    std::vector<std::string> in_order;
    for (const auto& h : sc.hosts)
        (clients.count(h.name) ? in_order : out).push_back(h.name);
    if (!in_order.empty()) {
        out.push_back(in_order.front());
        if (in_order.size() > 1) out.push_back(in_order.back());
    }
    return out;
}

} // namespace

TEST_CASE("every lesson's pcap dissects in tshark without a malformed packet or warning") {
    // The set-up (scripts/setup.sh) installs tshark: without it this test fails, not skips.
    REQUIRE_FALSE(run_capture("command -v tshark").empty());
    const auto dir = std::filesystem::path(WIRELAB_BINARY_DIR) / "lesson_pcaps";
    std::filesystem::create_directories(dir);
    for (const auto& e : std::filesystem::directory_iterator(WIRELAB_SOURCE_DIR "/scenarios")) {
        if (e.path().extension() != ".toml") continue;
        const auto stem = e.path().stem().string();
        INFO(stem);
        const auto sc = load_lesson(stem);
        scenario::Player p(sc);
        p.run();
        const auto& t = p.trace();
        const auto hosts = hosts_to_check(sc);
        if (sc.hosts.size() > small_lesson) CHECK(hosts.size() < sc.hosts.size());
        // The loss-and-reordering lesson shows on purpose what tshark's TCP analysis warns
        // about: a gap where a segment was lost, a segment out of order. So does the
        // heartbeat lesson's cut link: what a host sent while it was down never reached the
        // wire, and its connections go on after the gap.
        const std::string expected =
            stem == "tcp-loss-reorder"
                ? " && !tcp.analysis.lost_segment && !tcp.analysis.out_of_order"
            : stem == "sio-heartbeat-reconnect" ? " && !tcp.analysis.lost_segment"
                                                : "";
        // One tshark per file, all of a lesson's at once (tshark's start-up is most of its
        // time): each dissects every packet and prints only the bad ones; its complaints (an
        // unreadable file) land in the output too.
        std::vector<std::pair<std::string, FILE*>> running;
        for (const auto& host : hosts) {
            trace::NodeId n = 0;
            while (n < t.topology.nodes.size() && t.topology.nodes[n].name != host)
                ++n;
            REQUIRE(n < t.topology.nodes.size());
            auto file = (dir / (stem + "-" + host + ".pcap")).string();
            INFO(file);
            std::string error;
            REQUIRE(exporter::write_pcap_node(t, n, file, &error));
            // Something to dissect: more than the pcap file header and one record header.
            CHECK(std::filesystem::file_size(file) > 24 + 16);
            const std::string command =
                "tshark -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -r '" + file +
                "' -Y '_ws.malformed || (_ws.expert.severity >= warning && !tcp.connection.rst" +
                expected + ")' 2>&1";
            FILE* pipe = popen(command.c_str(), "r");
            REQUIRE(pipe != nullptr);
            running.emplace_back(file, pipe);
        }
        for (auto& [file, pipe] : running) {
            INFO(file);
            std::string bad;
            char buf[4096];
            for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;)
                bad.append(buf, n);
            CHECK(pclose(pipe) == 0);
            // (tshark's notice that it runs as root is not a complaint about the file.)
            if (bad.rfind("Running as user \"root\"", 0) == 0) bad.erase(0, bad.find('\n') + 1);
            CHECK(bad == "");
        }
    }
}

TEST_CASE("ws-upgrade's capture dissects as HTTP then WebSocket, with the payload text") {
    scenario::Player p(load_lesson("ws-upgrade"));
    p.run();
    const auto dir = std::filesystem::path(WIRELAB_BINARY_DIR) / "lesson_pcaps";
    std::filesystem::create_directories(dir);
    auto file = (dir / "ws-upgrade-websocket.pcap").string();
    std::string error;
    REQUIRE(exporter::write_pcap_node(p.trace(), 0, file, &error));
    // tshark follows the Upgrade by itself: the frames after the 101 are WebSocket.
    auto http = run_capture("tshark -r '" + file +
                            "' -Y http -T fields -e http.request.method -e http.response.code "
                            "-e http.upgrade 2>/dev/null");
    CHECK(http == "GET\t\twebsocket\n\t101\twebsocket\n");
    auto ws = run_capture("tshark -r '" + file +
                          "' -Y websocket -T fields -e websocket.opcode -e websocket.mask "
                          "-e websocket.payload.text -e websocket.payload.close.status_code "
                          "2>/dev/null");
    // The browser's masked "Hello", the server's unmasked echo, then CLOSE 1000 both ways.
    CHECK(ws == "1\t1\tHello\t\n1\t0\tHello\t\n8\t1\t\t1000\n8\t0\t\t1000\n");
}
