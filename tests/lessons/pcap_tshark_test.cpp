// Every lesson's pcap export dissects in tshark with no malformed packet and no warning
// (which includes "previous segment not captured" and bad checksums), on every host's
// interface. The warnings expected are tshark's "Connection reset (RST)" on an RST segment,
// which a lesson about RST shows on purpose, and, in tcp-loss-reorder, the lost-segment and
// out-of-order warnings of the loss it teaches. tshark must be installed (the set-up does).
#include "lesson_facts.hpp"

#include "sim/export/pcap.hpp"

#include <cstdio>
#include <filesystem>

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
        scenario::Player p(load_lesson(stem));
        p.run();
        const auto& t = p.trace();
        for (trace::NodeId n = 0; n < t.topology.nodes.size(); ++n) {
            if (t.topology.nodes[n].is_switch) continue;
            auto file = (dir / (stem + "-" + t.topology.nodes[n].name + ".pcap")).string();
            INFO(file);
            std::string error;
            REQUIRE(exporter::write_pcap_node(t, n, file, &error));
            auto all = run_capture("tshark -r '" + file + "' 2>&1");
            CHECK(!all.empty());
            // The loss-and-reordering lesson shows on purpose what tshark's TCP analysis
            // warns about: a gap where a segment was lost, a segment out of order.
            const std::string expected =
                stem == "tcp-loss-reorder"
                    ? " && !tcp.analysis.lost_segment && !tcp.analysis.out_of_order"
                    : "";
            auto bad = run_capture(
                "tshark -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -r '" + file +
                "' -Y '_ws.malformed || (_ws.expert.severity >= warning && !tcp.connection.rst" +
                expected + ")' 2>/dev/null");
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
