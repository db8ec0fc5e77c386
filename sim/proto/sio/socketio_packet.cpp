// Socket.IO v5 packet codec (see socketio_packet.hpp): mirrors socket.io-parser 4.2's
// Encoder, Decoder.decodeString, isPayloadValid and the binary (de)construction.
#include "sim/proto/sio/socketio_packet.hpp"

#include <algorithm>
#include <array>

namespace wirelab::sio::socketio {
namespace {

constexpr std::array<std::string_view, 7> names{"CONNECT",       "DISCONNECT",   "EVENT",     "ACK",
                                                "CONNECT_ERROR", "BINARY_EVENT", "BINARY_ACK"};
constexpr std::array<std::string_view, 6> reserved_events{
    "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"};

bool is_binary_type(PacketType t) {
    return t == PacketType::binary_event || t == PacketType::binary_ack;
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

Json deconstruct(const Json& data, std::vector<std::string>& buffers) {
    if (data.is_binary()) {
        const auto& b = data.get_binary();
        buffers.emplace_back(b.begin(), b.end());
        Json placeholder;
        placeholder["_placeholder"] = true;
        placeholder["num"] = buffers.size() - 1;
        return placeholder;
    }
    if (data.is_array() || data.is_object()) {
        Json out = data.is_array() ? Json::array() : Json::object();
        for (auto it = data.begin(); it != data.end(); ++it) {
            if (data.is_array()) {
                out.push_back(deconstruct(*it, buffers));
            } else {
                out[it.key()] = deconstruct(it.value(), buffers);
            }
        }
        return out;
    }
    return data;
}

// Replaces placeholders by their buffers; counts the placeholders seen. False on a bad index.
bool reconstruct(Json& data, const std::vector<std::string>& buffers, std::size_t& used) {
    if (data.is_object()) {
        const auto ph = data.find("_placeholder");
        if (ph != data.end() && ph->is_boolean() && ph->get<bool>()) {
            const auto num = data.find("num");
            if (num == data.end() || !num->is_number_integer() || num->get<std::int64_t>() < 0 ||
                num->get<std::uint64_t>() >= buffers.size()) {
                return false;
            }
            const auto& b = buffers[num->get<std::size_t>()];
            data = Json::binary(Json::binary_t::container_type(b.begin(), b.end()));
            ++used;
            return true;
        }
    }
    if (data.is_array() || data.is_object()) {
        for (auto& item : data) {
            if (!reconstruct(item, buffers, used)) return false;
        }
    }
    return true;
}

bool payload_valid(PacketType type, const std::optional<Json>& payload) {
    switch (type) {
    case PacketType::connect: return payload && payload->is_object();
    case PacketType::disconnect: return !payload;
    case PacketType::connect_error:
        return payload && (payload->is_string() || payload->is_object());
    case PacketType::event:
    case PacketType::binary_event: {
        if (!payload || !payload->is_array() || payload->empty()) return false;
        const Json& first = payload->front();
        if (first.is_number()) return true;
        if (!first.is_string()) return false;
        const auto& name = first.get_ref<const std::string&>();
        return std::find(reserved_events.begin(), reserved_events.end(), name) ==
               reserved_events.end();
    }
    case PacketType::ack:
    case PacketType::binary_ack: return payload && payload->is_array();
    }
    return false;
}

} // namespace

std::string_view to_string(PacketType t) {
    return names[static_cast<std::size_t>(t)];
}

bool has_binary(const Json& value) {
    if (value.is_binary()) return true;
    if (value.is_array() || value.is_object()) {
        for (const auto& item : value) {
            if (has_binary(item)) return true;
        }
    }
    return false;
}

std::string encode_string(const Packet& packet) {
    std::string out(1, static_cast<char>('0' + static_cast<int>(packet.type)));
    if (is_binary_type(packet.type)) {
        out += std::to_string(packet.attachments);
        out.push_back('-');
    }
    if (!packet.nsp.empty() && packet.nsp != "/") {
        out += packet.nsp;
        out.push_back(',');
    }
    if (packet.id) out += std::to_string(*packet.id);
    if (packet.data) stringify_to(out, *packet.data);
    return out;
}

Encoded encode(const Packet& packet) {
    if ((packet.type == PacketType::event || packet.type == PacketType::ack) && packet.data &&
        has_binary(*packet.data)) {
        Encoded out;
        Packet p = packet;
        p.type =
            packet.type == PacketType::event ? PacketType::binary_event : PacketType::binary_ack;
        p.data = deconstruct(*packet.data, out.attachments);
        p.attachments = out.attachments.size();
        out.text = encode_string(p);
        return out;
    }
    return {encode_string(packet), {}};
}

namespace {

// decode_string into `p` (a default Packet): nullptr, or why the text is refused.
const char* decode_into(std::string_view str, Packet& p) {
    if (str.empty() || str[0] < '0' || str[0] > '6') return "unknown packet type";
    p.type = static_cast<PacketType>(str[0] - '0');
    std::size_t i = 1; // next unread character
    if (is_binary_type(p.type)) {
        const auto dash = str.find('-', i);
        if (dash == std::string_view::npos || dash == i || dash - i > 9) {
            return "Illegal attachments";
        }
        std::size_t n = 0;
        for (std::size_t k = i; k < dash; ++k) {
            if (!is_digit(str[k])) return "Illegal attachments";
            n = n * 10 + static_cast<std::size_t>(str[k] - '0');
        }
        p.attachments = n;
        i = dash + 1;
    }
    if (i < str.size() && str[i] == '/') {
        const auto comma = str.find(',', i);
        if (comma == std::string_view::npos) {
            p.nsp = std::string(str.substr(i));
            i = str.size();
        } else {
            p.nsp = std::string(str.substr(i, comma - i));
            i = comma + 1;
        }
    }
    if (i < str.size() && is_digit(str[i])) {
        std::uint64_t id = 0;
        std::size_t k = i;
        for (; k < str.size() && is_digit(str[k]); ++k) {
            if (k - i >= 16) return "invalid ack id"; // beyond JS's exact integers
            id = id * 10 + static_cast<std::uint64_t>(str[k] - '0');
        }
        p.id = id;
        i = k;
    }
    if (i < str.size()) {
        auto payload = parse_json(str.substr(i));
        if (!payload) return "invalid payload";
        p.data = std::move(*payload);
    }
    if (i < str.size() || p.type == PacketType::disconnect) {
        if (!payload_valid(p.type, p.data)) return "invalid payload";
    }
    return nullptr;
}

} // namespace

std::optional<Packet> decode_string(std::string_view str, DecodeError* error) {
    std::optional<Packet> p(std::in_place);
    if (const char* why = decode_into(str, *p)) {
        if (error) error->message = why;
        p.reset();
    }
    return p;
}

Decoder::Result Decoder::add_text(std::string_view text) {
    if (pending_) {
        pending_.reset();
        buffers_.clear();
        return {std::nullopt, DecodeError{"got plaintext data when reconstructing a packet"}};
    }
    // Decoded in place in the result (one per message on the hot path), not moved into it.
    Result r;
    Packet& packet = r.packet.emplace();
    if (const char* why = decode_into(text, packet)) {
        r.packet.reset();
        r.error = DecodeError{why};
        return r;
    }
    if (!is_binary_type(packet.type)) return r;
    if (packet.attachments > max_attachments) {
        return {std::nullopt, DecodeError{"too many attachments"}};
    }
    packet.type = packet.type == PacketType::binary_event ? PacketType::event : PacketType::ack;
    if (packet.attachments == 0) return r;
    pending_ = std::move(r.packet);
    return {};
}

bool Decoder::add_event_text(std::string_view text, std::string& name,
                             std::string_view& args_tail) {
    // "2[": an EVENT, no attachments, namespace "/" (no '/'), no ack id (no digit); then
    // decode_into's payload: valid JSON (parse_json), an array, a string first (not a
    // number), not a reserved name (payload_valid).
    if (pending_ || text.size() < 2 || text[0] != '2' || text[1] != '[') return false;
    if (!scan_json_event(text.substr(1), name, args_tail)) return false;
    return std::find(reserved_events.begin(), reserved_events.end(), name) == reserved_events.end();
}

Decoder::Result Decoder::add_binary(std::string_view bytes) {
    if (!pending_)
        return {std::nullopt, DecodeError{"got binary data when not reconstructing a packet"}};
    buffers_.emplace_back(bytes);
    if (buffers_.size() < pending_->attachments) return {};
    Packet packet = std::move(*pending_);
    pending_.reset();
    std::size_t used = 0;
    const bool ok = !packet.data || reconstruct(*packet.data, buffers_, used);
    buffers_.clear();
    // Stricter than the reference, which ignores surplus attachments: the count announced in
    // the `5N-` prefix must equal the placeholders in the data.
    if (!ok || used != packet.attachments)
        return {std::nullopt, DecodeError{"illegal attachments"}};
    packet.attachments = 0;
    return {std::move(packet), std::nullopt};
}

wire::FieldTable dissect(std::string_view text, std::uint8_t layer) {
    wire::FieldTable rows;
    rows.push_back({"Socket.IO packet", 0, text.size(), layer, 0, {}});
    const auto p = decode_string(text);
    if (!p) {
        rows.back().value = "malformed";
        return rows;
    }
    rows.back().value = std::string(to_string(p->type));
    rows.push_back({"Type", 0, 1, layer, 1,
                    std::string(1, text[0]) + " (" + std::string(to_string(p->type)) + ")"});
    std::size_t i = 1;
    if (is_binary_type(p->type)) {
        const auto dash = text.find('-');
        rows.push_back({"Attachments", 1, dash, layer, 1, std::to_string(p->attachments)});
        i = dash + 1;
    }
    if (i < text.size() && text[i] == '/') {
        const auto len = p->nsp.size() + (i + p->nsp.size() < text.size() ? 1 : 0);
        rows.push_back({"Namespace", i, len, layer, 1, p->nsp});
        i += len;
    }
    if (p->id) {
        const auto len = std::to_string(*p->id).size();
        rows.push_back({"Ack id", i, len, layer, 1, std::to_string(*p->id)});
        i += len;
    }
    if (i < text.size())
        rows.push_back({"Data (JSON)", i, text.size() - i, 6, 1, std::string(text.substr(i))});
    return rows;
}

} // namespace wirelab::sio::socketio
