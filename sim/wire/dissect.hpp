// Whole-frame dissection: what a Wireshark packet list (one summary line) and packet details
// (the rows) show for one Ethernet frame of the simulated wire. Walks the codecs of sim/wire
// from the bottom up and, best effort, recognises what TCP carries:
//   Ethernet (+FCS) -> ARP | IPv4 -> TCP -> HTTP head | WebSocket frame(s)
// Used by the exporters (pcap summary, JSON Lines, the ladder) and the studio's inspector.
// Never throws and never reads out of bounds: a malformed frame is described, not rejected.
#pragma once

#include "sim/wire/bytes.hpp"

#include <cstdint>
#include <string>

namespace wirelab::wire {

struct Dissection {
    FieldTable rows;      // every layer's rows, offsets absolute in the frame
    std::string summary;  // the Info column: "SYN seq=0 win=65535 mss=1460", "ARP who has …"
    std::string protocol; // the top protocol recognised: "Ethernet", "ARP", "IPv4", "TCP",
                          // "HTTP", "WebSocket"
    std::uint8_t top_layer = 0; // OSI layer of `protocol` (2, 3, 4 or 5)
};

// `frame_with_fcs` is an Ethernet II frame as the trace stores it, its 4-byte FCS included.
Dissection dissect_frame(ByteView frame_with_fcs);

// Best-effort description of TCP payload bytes, offsets relative to `payload`: an HTTP/1.x
// head ("GET /chat HTTP/1.1 (Upgrade: websocket)", "HTTP/1.1 101 Switching Protocols"), or
// WebSocket frames ("TEXT fin=1 mask=1 len=5 \"Hello\"", "PING", "CLOSE 1000"). Returns
// false (and leaves `out` alone) when the bytes are neither.
bool dissect_stream_payload(ByteView payload, Dissection& out);

} // namespace wirelab::wire
