// The exporters on a trace the simulator produced (not hand-built): a client and a server
// behind a switch, a lossy link, a handshake and some data. tshark must find every frame
// well-formed with good checksums; the ladder and JSON Lines must account for every frame.
#include "sim/export/jsonl.hpp"
#include "sim/export/ladder.hpp"
#include "sim/export/pcap.hpp"
#include "sim/stack/tcp_stage.hpp"
#include "sim/stack/world.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

using namespace wirelab;
using namespace wirelab::stack;

namespace {
HostConfig host(std::string name, std::uint8_t last) {
    HostConfig c;
    c.name = std::move(name);
    c.ip = 0x0a000000u | last;
    c.mac = {0x02, 0, 0, 0, 0, last};
    return c;
}

std::string run(const std::string& cmd) {
    std::string out;
    FILE* f = popen(cmd.c_str(), "r");
    REQUIRE(f);
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), f)) > 0)
        out.append(buf.data(), n);
    pclose(f);
    return out;
}

struct Net {
    World world{42};
    Host& client = world.add_host(host("client", 1));
    Host& server = world.add_host(host("server", 2));
    Switch& sw = world.add_switch("sw1");
    Net(double loss) {
        LinkParams p;
        p.delay = ms(2);
        world.add_link("client-sw1", client, sw, p);
        p.loss = loss;
        Link& lossy = world.add_link("sw1-server", sw, server, p);
        server.tcp()->listen(80, trace::no_event);
        world.at(ms(1), [this] { client.tcp()->connect(server.ip(), 80, trace::no_event); });
        // The first data segment is lost on its second hop, whatever the seed draws.
        world.at(ms(100), [this, &lossy] {
            lossy.drop_next(1, &sw);
            const ConnId id = client.tcp()->find(server.ip());
            const std::string msg(3000, 'a');
            client.tcp()->send(
                id, wire::ByteView(reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size()),
                trace::no_event);
        });
        world.run_until(seconds(5));
    }
};
} // namespace

TEST_CASE("simulated trace: tshark finds every exported frame well-formed",
          "[pcap][tshark][world]") {
    if (std::system("command -v tshark >/dev/null 2>&1") != 0) {
        WARN("tshark not installed; skipping the oracle check");
        return;
    }
    Net net(0.2);
    const auto& t = net.world.trace();
    const auto dir = std::filesystem::temp_directory_path() / "wirelab_export_world";
    std::filesystem::remove_all(dir);
    REQUIRE(exporter::write_pcap_dir(t, dir.string()));
    const std::string path = (dir / "sw1-server.pcap").string();
    const auto frames = exporter::capture_link(t, 1).size();
    REQUIRE(frames > 8);
    const std::string out =
        run("tshark -r '" + path +
            "' -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -T fields -E separator=,"
            " -e frame.protocols -e tcp.checksum.status -e ip.checksum.status"
            " -e _ws.malformed 2>/dev/null");
    std::istringstream in(out);
    std::size_t lines = 0, tcp = 0;
    for (std::string line; std::getline(in, line); ++lines) {
        INFO(line);
        if (line.starts_with("eth:ethertype:arp")) continue;
        REQUIRE(line.starts_with("eth:ethertype:ip:tcp"));
        ++tcp;
        CHECK(line.substr(line.find(',')) == ",1,1,"); // both checksums good, nothing malformed
    }
    CHECK(lines == frames);
    CHECK(tcp > 6);
}

TEST_CASE("simulated trace: the ladder draws one arrow per frame reaching a host",
          "[ladder][world]") {
    Net net(0.2);
    const auto& t = net.world.trace();
    std::size_t arrivals = 0, drops_on_wire = 0;
    for (const auto& e : t.events()) {
        if (e.kind == trace::Kind::arrive && !t.topology.nodes[e.node].is_switch) ++arrivals;
        if (e.kind == trace::Kind::drop && e.link != trace::no_link) ++drops_on_wire;
    }
    REQUIRE(drops_on_wire > 0); // the seed loses something on the way
    exporter::LadderOptions o;
    o.color = false;
    o.quiet = true;
    const std::string text = exporter::ladder_text(t, o);
    std::size_t arrows = 0, crosses = 0;
    for (std::size_t at = 0; (at = text.find("▶", at)) != std::string::npos; ++at)
        ++arrows;
    for (std::size_t at = 0; (at = text.find("◀", at)) != std::string::npos; ++at)
        ++arrows;
    for (std::size_t at = 0; (at = text.find("✗", at)) != std::string::npos; ++at)
        ++crosses;
    CHECK(arrows == arrivals);
    CHECK(crosses == drops_on_wire);
    if (std::getenv("WIRELAB_SHOW_LADDER")) {
        o.quiet = false;
        o.color = true;
        exporter::LadderPrinter(t, o).print_new(std::cout);
    }

    std::ostringstream jsonl;
    exporter::write_jsonl(t, jsonl);
    std::size_t lines = 0;
    for (char c : jsonl.str())
        lines += c == '\n';
    CHECK(lines == t.size());
}
