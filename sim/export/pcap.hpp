// pcap export: the simulated wire as Wireshark opens it. Reads the trace only (DESIGN.md,
// idea 4): tx_start and arrive events of Ethernet PDUs become records with nanosecond
// timestamps from the simulated clock, LINKTYPE_ETHERNET, FCS stripped (as a Linux capture
// shows frames). Written with libpcap's pcap_open_dead + pcap_dump.
//   trace::Trace -> capture_node / capture_link -> write_pcap
#pragma once

#include "sim/trace/trace.hpp"

#include <string>
#include <vector>

namespace wirelab::exporter {

// One record of a capture: when, and which PDU of the trace (stored with its FCS).
struct CaptureRecord {
    Time time = 0;
    trace::PduId pdu = trace::no_pdu;
};

// What a capture on `node`'s interface(s) sees, in trace order: every Ethernet frame it put on
// a link (tx_start at that node, stamped with the start of transmission) and every one that
// reached it (arrive at that node, stamped with the arrival of the last bit).
std::vector<CaptureRecord> capture_node(const trace::Trace& trace, trace::NodeId node);
// Every Ethernet frame put on `link` (tx_start events on it), stamped at transmission start.
std::vector<CaptureRecord> capture_link(const trace::Trace& trace, trace::LinkId link);

// Writes records as a nanosecond pcap file; false with `*error` set if the file cannot be
// written.
bool write_pcap(const trace::Trace& trace, const std::vector<CaptureRecord>& records,
                const std::string& path, std::string* error = nullptr);

bool write_pcap_node(const trace::Trace& trace, trace::NodeId node, const std::string& path,
                     std::string* error = nullptr);
bool write_pcap_link(const trace::Trace& trace, trace::LinkId link, const std::string& path,
                     std::string* error = nullptr);
// One file per link in `dir` (created if missing), named after the link: "<dir>/<name>.pcap"
// (characters other than letters, digits, '-', '_' and '.' become '_').
bool write_pcap_dir(const trace::Trace& trace, const std::string& dir,
                    std::string* error = nullptr);

} // namespace wirelab::exporter
