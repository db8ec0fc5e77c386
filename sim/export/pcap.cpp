// pcap export (see pcap.hpp): select the capture's records from the trace, then dump them
// through libpcap with nanosecond precision.
#include "sim/export/pcap.hpp"

#include "sim/wire/ethernet.hpp"

#include <pcap/pcap.h>

#include <filesystem>
#include <memory>
#include <system_error>

namespace wirelab::exporter {

namespace {
bool is_frame(const trace::Trace& trace, const trace::Event& e) {
    return e.pdu != trace::no_pdu && e.pdu < trace.pdu_count() &&
           trace.pdu(e.pdu).format == trace::PduFormat::ethernet;
}

bool fail(std::string* error, std::string what) {
    if (error) *error = std::move(what);
    return false;
}
} // namespace

std::vector<CaptureRecord> capture_node(const trace::Trace& trace, trace::NodeId node) {
    std::vector<CaptureRecord> out;
    for (const auto& e : trace.events()) {
        if (e.node != node || !is_frame(trace, e)) continue;
        if (e.kind == trace::Kind::tx_start || e.kind == trace::Kind::arrive)
            out.push_back({e.time, e.pdu});
    }
    return out;
}

std::vector<CaptureRecord> capture_link(const trace::Trace& trace, trace::LinkId link) {
    std::vector<CaptureRecord> out;
    for (const auto& e : trace.events())
        if (e.kind == trace::Kind::tx_start && e.link == link && is_frame(trace, e))
            out.push_back({e.time, e.pdu});
    return out;
}

bool write_pcap(const trace::Trace& trace, const std::vector<CaptureRecord>& records,
                const std::string& path, std::string* error) {
    constexpr int snaplen = 65535;
    std::unique_ptr<pcap_t, decltype(&pcap_close)> dead(
        pcap_open_dead_with_tstamp_precision(DLT_EN10MB, snaplen, PCAP_TSTAMP_PRECISION_NANO),
        &pcap_close);
    if (!dead) return fail(error, "pcap_open_dead failed");
    std::unique_ptr<pcap_dumper_t, decltype(&pcap_dump_close)> dumper(
        pcap_dump_open(dead.get(), path.c_str()), &pcap_dump_close);
    if (!dumper) return fail(error, path + ": " + pcap_geterr(dead.get()));
    for (const auto& r : records) {
        const auto bytes = trace.pdu_bytes(r.pdu);
        // The FCS is checked and removed by the NIC before a capture sees the frame.
        const std::size_t len =
            bytes.size() >= wire::ethernet_fcs_len ? bytes.size() - wire::ethernet_fcs_len : 0;
        pcap_pkthdr h{};
        const Time t = r.time < 0 ? 0 : r.time;
        h.ts.tv_sec = static_cast<decltype(h.ts.tv_sec)>(t / 1'000'000'000);
        h.ts.tv_usec = static_cast<decltype(h.ts.tv_usec)>(t % 1'000'000'000); // ns: NANO precision
        h.caplen = static_cast<bpf_u_int32>(std::min<std::size_t>(len, snaplen));
        h.len = static_cast<bpf_u_int32>(len);
        pcap_dump(reinterpret_cast<u_char*>(dumper.get()), &h, bytes.data());
    }
    if (pcap_dump_flush(dumper.get()) != 0) return fail(error, path + ": write failed");
    return true;
}

bool write_pcap_node(const trace::Trace& trace, trace::NodeId node, const std::string& path,
                     std::string* error) {
    if (node >= trace.topology.nodes.size())
        return fail(error, "no node " + std::to_string(node) + " in the topology");
    return write_pcap(trace, capture_node(trace, node), path, error);
}

bool write_pcap_link(const trace::Trace& trace, trace::LinkId link, const std::string& path,
                     std::string* error) {
    if (link >= trace.topology.links.size())
        return fail(error, "no link " + std::to_string(link) + " in the topology");
    return write_pcap(trace, capture_link(trace, link), path, error);
}

static std::string file_name_for(const std::string& name, std::size_t index) {
    std::string s = name.empty() ? "link" + std::to_string(index) : name;
    for (char& c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        if (!ok) c = '_';
    }
    if (s.front() == '.') s.front() = '_';
    return s + ".pcap";
}

bool write_pcap_dir(const trace::Trace& trace, const std::string& dir, std::string* error) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return fail(error, dir + ": " + ec.message());
    const auto& links = trace.topology.links;
    for (std::size_t i = 0; i < links.size(); ++i) {
        const auto path = (std::filesystem::path(dir) / file_name_for(links[i].name, i)).string();
        if (!write_pcap_link(trace, static_cast<trace::LinkId>(i), path, error)) return false;
    }
    return true;
}

} // namespace wirelab::exporter
