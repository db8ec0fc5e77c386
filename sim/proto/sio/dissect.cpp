// Engine.IO / Socket.IO rows for the byte inspector (see dissect.hpp). The packet-level rows
// come from the codecs' own dissectors (engineio::dissect_text, socketio::dissect); this file
// adds the JSON array's elements (event name, arguments) and finds the text inside WebSocket
// frames.
#include "sim/proto/sio/dissect.hpp"

#include "sim/proto/sio/engineio_packet.hpp"
#include "sim/proto/sio/json_text.hpp"
#include "sim/proto/sio/socketio_packet.hpp"
#include "sim/wire/websocket.hpp"

#include <string>
#include <utility>
#include <vector>

namespace wirelab::sio {
namespace {

constexpr std::uint8_t eio_layer = 5; // Engine.IO: the session (heartbeat, sid)
constexpr std::uint8_t sio_layer = 7; // Socket.IO: events, namespaces, acks
constexpr std::size_t max_value = 60; // characters of a JSON value shown in a row

struct Span {
    std::size_t offset = 0;
    std::size_t length = 0;
};

// The elements of the JSON array that `json` is (already known to be valid JSON), as spans
// of `json`; empty if it is not an array.
std::vector<Span> array_elements(std::string_view json) {
    std::vector<Span> out;
    if (json.empty() || json.front() != '[') return out;
    int depth = 0;
    bool in_string = false;
    std::size_t start = std::string_view::npos, last = 0;
    for (std::size_t i = 1; i < json.size(); ++i) {
        const char c = json[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
            last = i;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
        if (depth == 0 && (c == ',' || c == ']')) {
            if (start != std::string_view::npos) out.push_back({start, last + 1 - start});
            start = std::string_view::npos;
            if (c == ']') break;
            continue;
        }
        if (c == '"') in_string = true;
        if (c == '[' || c == '{') ++depth;
        if (c == ']' || c == '}') --depth;
        if (start == std::string_view::npos) start = i;
        last = i;
    }
    return out;
}

std::string shorten(std::string_view s) {
    if (s.size() <= max_value) return std::string(s);
    return std::string(s.substr(0, max_value - 3)) + "...";
}

// Rows for the elements of a Socket.IO packet's data array at `at` in the Engine.IO text.
void add_data_rows(wire::FieldTable& rows, std::string_view data, std::size_t at,
                   bool first_is_name) {
    std::size_t n = 0;
    for (const Span& e : array_elements(data)) {
        const std::string_view raw = data.substr(e.offset, e.length);
        if (first_is_name && n == 0) {
            const auto name = parse_json(raw);
            rows.push_back({"Event name", at + e.offset, e.length, sio_layer, 2,
                            name && name->is_string() ? name->get<std::string>() : shorten(raw)});
        } else {
            const std::size_t index = first_is_name ? n : n + 1;
            rows.push_back({"Argument " + std::to_string(index), at + e.offset, e.length, sio_layer,
                            2, shorten(raw)});
        }
        ++n;
    }
}

} // namespace

wire::FieldTable dissect_text(std::string_view text) {
    const auto eio = engineio::decode_text(text);
    if (!eio || text.empty() || text.front() == 'b') return {};
    wire::FieldTable rows = engineio::dissect_text(text, eio_layer);
    if (eio->type != engineio::PacketType::message || text.size() < 2) return rows;

    // A message carries one Socket.IO packet: its rows replace the generic "Data" row.
    if (!rows.empty() && rows.back().name == "Data") rows.pop_back();
    const std::string_view sio = text.substr(1);
    wire::FieldTable packet = socketio::dissect(sio, sio_layer);
    std::optional<socketio::PacketType> type;
    if (auto p = socketio::decode_string(sio)) type = p->type;
    for (auto& r : packet) {
        r.offset += 1;
        if (r.name == "Data (JSON)") r.value = shorten(r.value);
        rows.push_back(std::move(r));
        if (rows.back().name != "Data (JSON)" || !type) continue;
        const std::size_t at = rows.back().offset;
        const std::string_view data = text.substr(at, rows.back().length);
        const bool event =
            *type == socketio::PacketType::event || *type == socketio::PacketType::binary_event;
        const bool ack =
            *type == socketio::PacketType::ack || *type == socketio::PacketType::binary_ack;
        if (event || ack) add_data_rows(rows, data, at, event);
    }
    return rows;
}

bool add_socketio_rows(wire::ByteView bytes, wire::Dissection& d) {
    wire::FieldTable out;
    out.reserve(d.rows.size() + 16);
    bool added = false;
    std::optional<std::size_t> frame_at; // offset of the last WebSocket frame header seen
    for (auto& row : d.rows) {
        const std::size_t offset = row.offset, length = row.length;
        const bool payload = row.name == "Payload" || row.name == "Masked payload";
        const bool body = row.name == "Body"; // an HTTP long-polling request or answer
        if (row.name == "WebSocket frame header") frame_at = offset;
        out.push_back(std::move(row));
        if (body && offset + length <= bytes.size()) {
            // Engine.IO packets joined by the record separator 0x1e.
            const std::string_view text(reinterpret_cast<const char*>(bytes.data() + offset),
                                        length);
            for (std::size_t at = 0; at <= text.size();) {
                const std::size_t end = std::min(text.find('\x1e', at), text.size());
                for (auto& r : dissect_text(text.substr(at, end - at))) {
                    r.offset += offset + at;
                    out.push_back(std::move(r));
                    added = true;
                }
                at = end + 1;
            }
            continue;
        }
        if (!payload || !frame_at || offset + length > bytes.size()) continue;
        wire::websocket::FrameHeader h;
        if (wire::websocket::parse_header(bytes.subspan(*frame_at), h) !=
                wire::websocket::HeaderStatus::complete ||
            h.opcode != wire::websocket::Opcode::text || !h.fin || h.rsv != 0 ||
            h.length != length || *frame_at + h.header_size != offset)
            continue;
        std::string text(reinterpret_cast<const char*>(bytes.data() + offset), length);
        if (h.masked) {
            for (std::size_t i = 0; i < text.size(); ++i)
                text[i] = static_cast<char>(text[i] ^ h.mask[i % 4]);
        }
        for (auto& r : dissect_text(text)) {
            r.offset += offset;
            out.push_back(std::move(r));
            added = true;
        }
    }
    d.rows = std::move(out);
    return added;
}

} // namespace wirelab::sio
