// Classifying and labelling PDUs for the studio (see pdu_catalog.hpp).
#include "ui/model/pdu_catalog.hpp"

#include "sim/proto/sio/dissect.hpp"

#include <algorithm>

namespace wirelab::ui {

const char* to_string(Protocol p) {
    switch (p) {
    case Protocol::ethernet: return "Ethernet";
    case Protocol::arp: return "ARP";
    case Protocol::ipv4: return "IPv4";
    case Protocol::tcp: return "TCP";
    case Protocol::http: return "HTTP";
    case Protocol::websocket: return "WebSocket";
    case Protocol::socketio: return "Socket.IO";
    case Protocol::count: break;
    }
    return "?";
}

std::uint32_t protocol_color(Protocol p) {
    switch (p) {
    case Protocol::ethernet: return 0xff999999;  // grey
    case Protocol::arp: return 0xff00b0d8;       // dark yellow (E69F00 is HTTP's orange)
    case Protocol::ipv4: return 0xffa77b56;      // steel
    case Protocol::tcp: return 0xffb27200;       // blue 0072B2
    case Protocol::http: return 0xff009fe6;      // orange E69F00
    case Protocol::websocket: return 0xff739e00; // bluish green 009E73
    case Protocol::socketio: return 0xffa779cc;  // reddish purple CC79A7
    case Protocol::count: break;
    }
    return 0xffffffff;
}

Protocol classify(const wire::Dissection& d) {
    const std::string& p = d.protocol;
    if (p == "ARP") return Protocol::arp;
    if (p == "TCP") return Protocol::tcp;
    if (p == "HTTP") return Protocol::http;
    if (p == "WebSocket") {
        // Socket.IO rides in WebSocket text frames whose payload starts with an Engine.IO digit.
        if (d.summary.find("TEXT") == 0 && d.summary.find("\"4") != std::string::npos)
            return Protocol::socketio;
        return Protocol::websocket;
    }
    if (p == "IPv4") return Protocol::ipv4;
    return Protocol::ethernet;
}

namespace {

std::string_view first_word(std::string_view s) {
    return s.substr(0, s.find(' '));
}

std::string tcp_label(std::string_view s) {
    std::string out(first_word(s));
    auto len = s.find(" len=");
    if (len != std::string_view::npos) {
        auto digits = s.substr(len + 5);
        out += " " + std::string(digits.substr(0, digits.find_first_not_of("0123456789"))) + " B";
    }
    return out;
}

std::string http_label(std::string_view s) {
    if (s.starts_with("HTTP/")) { // "HTTP/1.1 101 Switching Protocols" -> "101 Switching Protocols"
        auto sp = s.find(' ');
        return std::string(sp == std::string_view::npos ? s : s.substr(sp + 1));
    }
    // "GET /chat HTTP/1.1 (Upgrade: websocket)" -> "GET /chat"
    auto sp = s.find(' ');
    auto sp2 = sp == std::string_view::npos ? sp : s.find(' ', sp + 1);
    return std::string(s.substr(0, sp2));
}

std::string ws_label(std::string_view s) {
    // One frame's summary: "TEXT fin=1 mask=1 len=5 \"Hello\"" -> TEXT "Hello".
    s = s.substr(0, s.find("; "));
    std::string out(first_word(s));
    auto q = s.find('"');
    if (q != std::string_view::npos) {
        auto text = s.substr(q);
        if (text.size() > 26) {
            out += " " + std::string(utf8_prefix(text, 24)) + "…\"";
        } else {
            out += " " + std::string(text);
        }
    }
    return out;
}

} // namespace

std::string_view utf8_prefix(std::string_view s, std::size_t max) {
    if (s.size() <= max) return s;
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
        --cut; // s[cut], the first byte left out, must start a character
    return s.substr(0, cut);
}

std::string short_label(const wire::Dissection& d) {
    std::string_view s = d.summary;
    if (d.protocol == "TCP") return tcp_label(s);
    if (d.protocol == "HTTP") return http_label(s);
    if (d.protocol == "WebSocket") return ws_label(s);
    if (d.protocol == "ARP") {
        if (s.starts_with("ARP who has")) return std::string(s.substr(0, s.find('?') + 1));
        return std::string(s.substr(0, s.find(" is at"))) + " is at";
    }
    return std::string(s.size() > 32 ? s.substr(0, 32) : s);
}

PduCatalog::PduCatalog(const trace::Trace& trace)
    : trace_(trace), cache_(trace.pdu_count()),
      socketio_(std::any_of(
          trace.topology.nodes.begin(), trace.topology.nodes.end(), [](const trace::Node& n) {
              return std::find(n.stack.begin(), n.stack.end(), "sio") != n.stack.end();
          })) {}

const PduInfo& PduCatalog::info(trace::PduId pdu) const {
    if (pdu >= cache_.size()) cache_.resize(trace_.pdu_count());
    auto& slot = cache_[pdu];
    if (!slot) {
        slot = std::make_unique<PduInfo>();
        auto bytes = trace_.pdu_bytes(pdu);
        if (trace_.pdu(pdu).format == trace::PduFormat::ethernet) {
            slot->dissection = wire::dissect_frame(bytes);
        } else if (!wire::dissect_stream_payload(bytes, slot->dissection)) {
            slot->dissection.summary = std::to_string(bytes.size()) + " bytes";
            slot->dissection.protocol = "Data";
            slot->dissection.rows.push_back({"Data", 0, bytes.size(), 7, 1, wire::to_hex(bytes)});
        }
        // In a lesson with Socket.IO hosts, WebSocket text frames carry Engine.IO packets:
        // their fields join the rows (elsewhere "2 apples" is chat, not an Engine.IO ping).
        if (socketio_) sio::add_socketio_rows(bytes, slot->dissection);
        slot->protocol = classify(slot->dissection);
        slot->label = short_label(slot->dissection);
    }
    return *slot;
}

} // namespace wirelab::ui
