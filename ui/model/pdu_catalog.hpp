// What the studio shows about one PDU: which protocol it belongs to (for colour and legend),
// its short label on the topology and ladder ("SYN", "101 Switching Protocols", `TEXT "Hello"`)
// and its full dissection for the inspector. Plain C++, no ImGui (ui/model).
//   trace::Trace -> PduCatalog::info(pdu) (dissected lazily, cached) -> views
#pragma once

#include "sim/trace/trace.hpp"
#include "sim/wire/dissect.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace wirelab::ui {

enum class Protocol : std::uint8_t { ethernet, arp, ipv4, tcp, http, websocket, socketio, count };
const char* to_string(Protocol);

// Colours as 0xAABBGGRR (the layout of ImGui's IM_COL32), from the Okabe–Ito palette so that
// colour-blind viewers can tell them apart; every coloured thing is also labelled.
std::uint32_t protocol_color(Protocol p);
inline constexpr std::uint32_t drop_color = 0xff005ed5; // vermillion

struct PduInfo {
    Protocol protocol = Protocol::ethernet;
    std::string label;           // short: what fits on an arrow
    wire::Dissection dissection; // rows with absolute offsets, summary, protocol
};

// Short label from a dissection summary: the TCP flags ("SYN", "PSH-ACK 14 B"), the HTTP start
// line ("GET /chat", "101 Switching Protocols"), the WebSocket opcode and text (`TEXT "Hi"`).
std::string short_label(const wire::Dissection& d);

// The longest prefix of `s` of at most `max` bytes that does not end inside a UTF-8
// sequence; `s` itself when it fits. Labels are cut with it, then an ellipsis appended.
std::string_view utf8_prefix(std::string_view s, std::size_t max);
Protocol classify(const wire::Dissection& d);

class PduCatalog {
public:
    explicit PduCatalog(const trace::Trace& trace);
    const PduInfo& info(trace::PduId pdu) const;
    const trace::Trace& trace() const { return trace_; }

private:
    const trace::Trace& trace_;
    mutable std::vector<std::unique_ptr<PduInfo>> cache_;
    bool socketio_ = false; // a host runs the "sio" stage: dissect Engine.IO / Socket.IO
};

} // namespace wirelab::ui
