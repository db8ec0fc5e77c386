// dissect_frame(): the codecs of sim/wire chained bottom-up over one frame, the rows shifted
// to absolute offsets, and the top layer's one-line summary.
//   dissect_frame -> dissect_ethernet -> dissect_arp | dissect_ipv4 -> dissect_tcp
//                 -> dissect_stream_payload -> HTTP head | websocket::dissect_header
#include "sim/wire/dissect.hpp"

#include "sim/wire/arp.hpp"
#include "sim/wire/ethernet.hpp"
#include "sim/wire/ipv4.hpp"
#include "sim/wire/tcp.hpp"
#include "sim/wire/websocket.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace wirelab::wire {
namespace {

void append_rows(FieldTable& into, FieldTable rows, std::size_t base) {
    for (auto& r : rows) {
        r.offset += base;
        into.push_back(std::move(r));
    }
}

std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// Text as a person reads it in one line: printable ASCII kept, the rest escaped, cut at `max`.
// Quotes are kept as they are: the summary's own quotes only mark where the text starts and
// ends, and Socket.IO's JSON (42["chat","hi"]) must read as it is sent, not as 42[\"chat\"….
std::string preview(ByteView bytes, std::size_t max = 40) {
    std::string out;
    for (std::size_t i = 0; i < bytes.size() && i < max; ++i) {
        const unsigned char c = bytes[i];
        if (c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else if (c >= 0x80) {
            out += static_cast<char>(c); // UTF-8 passes through; the terminal shows it
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        }
    }
    if (bytes.size() > max) out += "…";
    return out;
}

constexpr std::string_view http_methods[] = {"GET ",  "POST ",    "PUT ",   "DELETE ",
                                             "HEAD ", "OPTIONS ", "PATCH ", "CONNECT "};

bool starts_http(std::string_view text) {
    if (text.starts_with("HTTP/1.")) return true;
    return std::any_of(std::begin(http_methods), std::end(http_methods),
                       [&](std::string_view m) { return text.starts_with(m); });
}

// An HTTP/1.x head: one row per line (layer 5), the start line as the summary.
bool dissect_http(ByteView payload, Dissection& out) {
    const std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
    if (!starts_http(text)) return false;
    const std::size_t head_end = text.find("\r\n\r\n");
    const std::size_t head_len = head_end == std::string_view::npos ? text.size() : head_end + 4;
    constexpr std::uint8_t L = 5;
    FieldTable rows;
    rows.push_back({"Hypertext Transfer Protocol", 0, head_len, L, 0, ""});
    std::string start_line;
    bool upgrade_ws = false;
    std::size_t pos = 0;
    while (pos < head_len) {
        std::size_t eol = text.find("\r\n", pos);
        if (eol == std::string_view::npos || eol >= head_len) eol = head_len;
        const std::string_view line = text.substr(pos, eol - pos);
        const std::size_t line_len = std::min(eol + 2, head_len) - pos;
        if (line.empty()) {
            rows.push_back({"End of headers", pos, line_len, L, 1, "\\r\\n"});
        } else if (start_line.empty()) {
            start_line = std::string(line);
            rows.push_back({text.starts_with("HTTP/") ? "Status Line" : "Request Line", pos,
                            line_len, L, 1, start_line});
        } else {
            const std::size_t colon = line.find(':');
            const std::string_view name = trim(line.substr(0, colon));
            const std::string_view value =
                colon == std::string_view::npos ? std::string_view{} : trim(line.substr(colon + 1));
            if (iequals(name, "Upgrade") && iequals(value, "websocket")) upgrade_ws = true;
            rows.push_back({std::string(name), pos, line_len, L, 1, std::string(value)});
        }
        pos = eol + 2;
    }
    std::string summary = preview(payload.first(std::min(start_line.size(), payload.size())), 80);
    if (upgrade_ws && !text.starts_with("HTTP/")) summary += " (Upgrade: websocket)";
    if (head_end == std::string_view::npos) summary += " [partial head]";
    rows[0].value = summary;
    const std::size_t body = payload.size() - head_len;
    if (body > 0) {
        // What follows a 101 response is already the WebSocket stream (a server may send its
        // first frame in the same segment); anything else is an HTTP body.
        Dissection rest;
        if (text.starts_with("HTTP/1.1 101") &&
            dissect_stream_payload(payload.subspan(head_len), rest) &&
            rest.protocol == "WebSocket") {
            append_rows(rows, std::move(rest.rows), head_len);
            summary += ", " + rest.summary;
        } else {
            rows.push_back({"Body", head_len, body, L, 1, std::to_string(body) + " bytes"});
        }
    }
    out.rows = std::move(rows);
    out.summary = std::move(summary);
    out.protocol = "HTTP";
    out.top_layer = L;
    return true;
}

std::string frame_summary(const websocket::FrameHeader& h, ByteView body) {
    std::string op(websocket::to_string(h.opcode));
    std::transform(op.begin(), op.end(), op.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    // The payload as the receiver sees it: unmasked.
    Bytes plain(body.begin(), body.end());
    if (h.masked)
        for (std::size_t i = 0; i < plain.size(); ++i)
            plain[i] ^= h.mask[i % 4];
    if (h.opcode == websocket::Opcode::close) {
        if (plain.size() < 2) return op;
        std::string s = op + " " + std::to_string(load_be16(plain.data()));
        if (plain.size() > 2) s += " \"" + preview(ByteView(plain).subspan(2)) + "\"";
        return s;
    }
    if (websocket::is_control(h.opcode)) {
        return plain.empty() ? op : op + " \"" + preview(plain) + "\"";
    }
    std::string s = op + " fin=" + (h.fin ? "1" : "0") + " mask=" + (h.masked ? "1" : "0") +
                    " len=" + std::to_string(h.length);
    if (h.rsv & 4)
        s += " rsv1 (compressed)";
    else if (h.opcode == websocket::Opcode::text || h.opcode == websocket::Opcode::continuation)
        s += " \"" + preview(plain) + "\"";
    return s;
}

// One or more complete WebSocket frames filling `payload` exactly.
bool dissect_websocket(ByteView payload, Dissection& out) {
    FieldTable rows;
    std::string summary;
    std::size_t pos = 0, frames = 0;
    while (pos < payload.size()) {
        websocket::FrameHeader h;
        if (websocket::parse_header(payload.subspan(pos), h) != websocket::HeaderStatus::complete)
            return false;
        if (websocket::is_reserved(h.opcode)) return false;
        if (websocket::is_control(h.opcode) &&
            (h.length > websocket::max_control_payload || !h.fin))
            return false;
        const std::size_t avail = payload.size() - pos - h.header_size;
        if (h.length > avail) return false; // a frame continued in another segment: not ours
        const ByteView body = payload.subspan(pos + h.header_size, h.length);
        append_rows(rows, websocket::dissect_header(payload.subspan(pos)), pos);
        if (h.length > 0) {
            rows.push_back({h.masked ? "Masked payload" : "Payload", pos + h.header_size, h.length,
                            5, 1, std::to_string(h.length) + " bytes"});
        }
        if (frames++ > 0) summary += "; ";
        summary += frame_summary(h, body);
        pos += h.header_size + h.length;
    }
    if (frames == 0) return false;
    out.rows = std::move(rows);
    out.summary = std::move(summary);
    out.protocol = "WebSocket";
    out.top_layer = 5;
    return true;
}

void dissect_ipv4_tcp(ByteView frame, std::size_t ip_at, std::size_t payload_end, Dissection& d) {
    const ByteView ip = frame.subspan(ip_at, payload_end - ip_at);
    append_rows(d.rows, dissect_ipv4(ip), ip_at);
    d.protocol = "IPv4";
    d.top_layer = 3;
    std::string why;
    const auto ipr = Ipv4Repr::parse(ip, false, &why);
    if (!ipr) {
        d.summary = "IPv4 [malformed: " + why + "]";
        return;
    }
    std::string ip_note;
    if (!Ipv4Repr::parse(ip, true)) ip_note = " [bad IPv4 header checksum]";
    const std::size_t ihl = (ip[0] & 0x0f) * std::size_t{4};
    const std::size_t ip_end = ip_at + ihl + ipr->payload_len;
    if (ip_end < payload_end)
        d.rows.push_back({"Padding", ip_end, payload_end - ip_end, 2, 1,
                          std::to_string(payload_end - ip_end) + " bytes"});
    const std::string addrs = format_ipv4(ipr->src) + " → " + format_ipv4(ipr->dst);
    if (ipr->protocol != ip_proto_tcp) {
        d.summary = "IPv4 " + addrs + " " + ip_protocol_name(ipr->protocol) + ip_note;
        return;
    }
    const std::size_t tcp_at = ip_at + ihl;
    const ByteView seg = frame.subspan(tcp_at, ipr->payload_len);
    append_rows(d.rows, dissect_tcp(seg), tcp_at);
    std::size_t data_at = 0;
    auto tcp = TcpRepr::parse(seg, ipr->src, ipr->dst, true, &why, &data_at);
    std::string tcp_note;
    if (!tcp) {
        std::string why2;
        tcp = TcpRepr::parse(seg, ipr->src, ipr->dst, false, &why2, &data_at);
        if (!tcp) {
            d.summary = "TCP [malformed: " + why + "]" + ip_note;
            d.protocol = "TCP";
            d.top_layer = 4;
            return;
        }
        tcp_note = " [" + why + "]";
    }
    const ByteView data = seg.subspan(std::min(data_at, seg.size()));
    d.protocol = "TCP";
    d.top_layer = 4;
    d.summary = summary(*tcp, data.size()) + tcp_note + ip_note;
    if (data.empty()) return;
    Dissection app;
    if (dissect_stream_payload(data, app)) {
        append_rows(d.rows, std::move(app.rows), tcp_at + data_at);
        d.summary = app.summary + tcp_note + ip_note;
        d.protocol = app.protocol;
        d.top_layer = app.top_layer;
    } else {
        d.rows.push_back({"TCP segment data", tcp_at + data_at, data.size(), 4, 1,
                          std::to_string(data.size()) + " bytes"});
    }
}

} // namespace

bool dissect_stream_payload(ByteView payload, Dissection& out) {
    if (payload.empty()) return false;
    return dissect_http(payload, out) || dissect_websocket(payload, out);
}

Dissection dissect_frame(ByteView frame) {
    Dissection d;
    d.protocol = "Ethernet";
    d.top_layer = 2;
    if (frame.size() < ethernet_header_len + ethernet_fcs_len) {
        d.rows.push_back({"Ethernet II", 0, frame.size(), 2, 0, "[Malformed: too short]"});
        d.summary = "Malformed Ethernet frame: " + std::to_string(frame.size()) + " bytes";
        return d;
    }
    const std::size_t fcs_at = frame.size() - ethernet_fcs_len;
    append_rows(d.rows, dissect_ethernet(frame), 0);
    const auto eth = EthernetRepr::parse(frame);
    const ByteView payload = frame.subspan(ethernet_header_len, fcs_at - ethernet_header_len);
    const bool fcs_good = check_fcs(frame);

    if (eth->ethertype == ethertype_arp) {
        const auto arp = ArpRepr::parse(payload);
        append_rows(d.rows, dissect_arp(payload), ethernet_header_len);
        if (payload.size() > ArpRepr::len)
            d.rows.push_back({"Padding", ethernet_header_len + ArpRepr::len,
                              payload.size() - ArpRepr::len, 2, 1,
                              std::to_string(payload.size() - ArpRepr::len) + " bytes"});
        d.protocol = "ARP";
        d.summary = arp ? summary(*arp) : "ARP [malformed]";
    } else if (eth->ethertype == ethertype_ipv4) {
        dissect_ipv4_tcp(frame, ethernet_header_len, fcs_at, d);
    } else {
        d.summary = "Ethernet " + format_mac(eth->src) + " → " + format_mac(eth->dst) + " type " +
                    ethertype_name(eth->ethertype);
    }

    const std::uint32_t stored =
        std::uint32_t{frame[fcs_at]} | std::uint32_t{frame[fcs_at + 1]} << 8 |
        std::uint32_t{frame[fcs_at + 2]} << 16 | std::uint32_t{frame[fcs_at + 3]} << 24;
    std::string fcs_value = hex32(stored);
    if (!fcs_good)
        fcs_value += " [incorrect, should be " + hex32(crc32_ieee(frame.first(fcs_at))) + "]";
    else
        fcs_value += " [correct]";
    d.rows.push_back({"Frame check sequence", fcs_at, 4, 2, 1, fcs_value});
    d.rows.push_back({"FCS Status", fcs_at, 4, 2, 2, fcs_good ? "Good" : "Bad"});
    if (!fcs_good) d.summary += " [bad FCS]";
    return d;
}

} // namespace wirelab::wire
