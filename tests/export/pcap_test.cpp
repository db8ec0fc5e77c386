// pcap export: records chosen from the trace, read back with libpcap and dissected by tshark.
#include "fixture.hpp"
#include "sim/export/pcap.hpp"

#include <catch2/catch.hpp>
#include <pcap/pcap.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <sstream>

using namespace wirelab;

namespace {
std::string temp_path(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / "wirelab_export_test";
    std::filesystem::create_directories(dir);
    return (dir / name).string();
}

struct Packet {
    std::int64_t ts_ns;
    std::uint32_t caplen, len;
    wire::Bytes bytes;
};

std::vector<Packet> read_back(const std::string& path, int* linktype = nullptr) {
    char err[PCAP_ERRBUF_SIZE];
    pcap_t* p =
        pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
    REQUIRE(p);
    if (linktype) *linktype = pcap_datalink(p);
    std::vector<Packet> out;
    pcap_pkthdr* h;
    const u_char* data;
    while (pcap_next_ex(p, &h, &data) == 1)
        out.push_back({std::int64_t{h->ts.tv_sec} * 1'000'000'000 + h->ts.tv_usec, h->caplen,
                       h->len, wire::Bytes(data, data + h->caplen)});
    pcap_close(p);
    return out;
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
} // namespace

TEST_CASE("capture_node: what the client's interface sees, in trace order", "[pcap]") {
    const trace::Trace t = fixture::handshake();
    const auto recs = exporter::capture_node(t, fixture::client);
    // 6 frames sent (ARP request, SYN, ACK, GET, GET again, WebSocket text) + 3 received.
    REQUIRE(recs.size() == 9);
    std::size_t sent = 0, arrived = 0;
    for (const auto& e : t.events()) {
        if (e.node != fixture::client) continue;
        if (e.kind == trace::Kind::tx_start) ++sent;
        if (e.kind == trace::Kind::arrive) ++arrived;
    }
    CHECK(sent == 6);
    CHECK(arrived == 3);
    for (std::size_t i = 1; i < recs.size(); ++i)
        CHECK(recs[i - 1].time <= recs[i].time);
    CHECK(exporter::capture_link(t, fixture::server_link).size() == 9);
    CHECK(exporter::capture_node(t, fixture::sw).size() == 18);
}

TEST_CASE("write_pcap_node: libpcap reads back nanosecond stamps, lengths without FCS", "[pcap]") {
    const trace::Trace t = fixture::handshake();
    const std::string path = temp_path("client.pcap");
    std::string error;
    REQUIRE(exporter::write_pcap_node(t, fixture::client, path, &error));
    CHECK(error.empty());
    int linktype = -1;
    const auto packets = read_back(path, &linktype);
    CHECK(linktype == DLT_EN10MB);
    const auto recs = exporter::capture_node(t, fixture::client);
    REQUIRE(packets.size() == recs.size());
    for (std::size_t i = 0; i < packets.size(); ++i) {
        const auto frame = t.pdu_bytes(recs[i].pdu);
        INFO("packet " << i);
        CHECK(packets[i].ts_ns == recs[i].time);
        CHECK(packets[i].len == frame.size() - 4);
        CHECK(packets[i].caplen == packets[i].len);
        CHECK(packets[i].bytes == wire::Bytes(frame.begin(), frame.end() - 4));
    }
    CHECK(packets[0].len == 60); // the ARP request, padded to the Ethernet minimum
    // The first arrival at the client is the ARP reply, after two hops of 500 us each.
    CHECK(packets[1].ts_ns > packets[0].ts_ns + 2 * fixture::link_delay);
    CHECK(packets.back().ts_ns > 200'000'000); // after the 200 ms retransmission timeout
}

TEST_CASE("write_pcap_link / write_pcap_dir: one file per link named after it", "[pcap]") {
    const trace::Trace t = fixture::handshake();
    const std::string dir = temp_path("links");
    std::filesystem::remove_all(dir);
    std::string error;
    REQUIRE(exporter::write_pcap_dir(t, dir, &error));
    CHECK(read_back(dir + "/client-sw1.pcap").size() == 9);
    CHECK(read_back(dir + "/sw1-server.pcap").size() == 9);
    CHECK_FALSE(exporter::write_pcap_link(t, 7, temp_path("x.pcap"), &error));
    CHECK(error.find("no link 7") != std::string::npos);
    CHECK_FALSE(exporter::write_pcap_node(t, 0, "/nonexistent-dir/x.pcap", &error));
    CHECK_FALSE(error.empty());
}

TEST_CASE("tshark dissects the exported capture: flags, good checksums, nothing malformed",
          "[pcap][tshark]") {
    if (std::system("command -v tshark >/dev/null 2>&1") != 0) {
        WARN("tshark not installed; skipping the oracle check");
        return;
    }
    const trace::Trace t = fixture::handshake();
    const std::string path = temp_path("client-tshark.pcap");
    REQUIRE(exporter::write_pcap_node(t, fixture::client, path));
    const std::string out = run(
        "tshark -r '" + path +
        "' -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -o "
        "tcp.relative_sequence_numbers:FALSE"
        " -T fields -E separator=, -e frame.protocols -e tcp.flags -e tcp.seq_raw -e tcp.ack_raw"
        " -e tcp.checksum.status -e ip.checksum.status -e _ws.malformed -e _ws.expert.severity "
        "2>/dev/null");
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    INFO(out);
    REQUIRE(lines.size() == 9);
    // Columns: protocols, flags, seq, ack, tcp.checksum.status, ip.checksum.status (1 = Good),
    // _ws.malformed, the highest expert severity (chat 0x200000, note 0x400000, warn 0x600000).
    CHECK(lines[0] == "eth:ethertype:arp,,,,,,,");
    CHECK(lines[1] == "eth:ethertype:arp,,,,,,,");
    CHECK(lines[2].starts_with("eth:ethertype:ip:tcp,0x0002,1000,0,1,1,,"));    // SYN
    CHECK(lines[3].starts_with("eth:ethertype:ip:tcp,0x0012,5000,1001,1,1,,")); // SYN-ACK
    CHECK(lines[4].starts_with("eth:ethertype:ip:tcp,0x0010,1001,5001,1,1,,")); // ACK
    CHECK(lines[5].starts_with("eth:ethertype:ip:tcp:http,0x0018,1001,5001,1,1,,"));
    CHECK(lines[6].starts_with("eth:ethertype:ip:tcp,0x0018,1001,5001,1,1,,")); // retransmission
    CHECK(lines[7].starts_with("eth:ethertype:ip:tcp:http,0x0018,5001,1150,1,1,,"));
    CHECK(lines[8].starts_with("eth:ethertype:ip:tcp:http:websocket:"));
    for (const auto& l : lines) {
        const std::string severity = l.substr(l.rfind(',') + 1);
        CHECK((severity.empty() || std::stol(severity) < 0x600000)); // nothing above "note"
    }
}
