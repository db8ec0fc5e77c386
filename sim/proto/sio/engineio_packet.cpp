// Engine.IO v4 packet codec (see engineio_packet.hpp): mirrors engine.io-parser 5's
// encodePacket / decodePacket / encodePayload / decodePayload.
#include "sim/proto/sio/engineio_packet.hpp"

#include "sim/proto/sio/json_text.hpp"

#include <array>

namespace wirelab::sio::engineio {
namespace {
constexpr std::array<std::string_view, 7> names{"open",    "close",   "ping", "pong",
                                                "message", "upgrade", "noop"};
}

std::string_view to_string(PacketType t) {
    return names[static_cast<std::size_t>(t)];
}

std::optional<PacketType> packet_type_from_name(std::string_view name) {
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == name) return static_cast<PacketType>(i);
    }
    return std::nullopt;
}

Frame encode_frame(const Packet& packet) {
    if (packet.binary) return {true, packet.data};
    return {false, encode_text(packet)};
}

std::string encode_text(const Packet& packet) {
    if (packet.binary) return std::string("b").append(base64_encode(packet.data));
    std::string out;
    out.reserve(1 + packet.data.size());
    out.push_back(static_cast<char>('0' + static_cast<int>(packet.type)));
    out += packet.data;
    return out;
}

std::string encode_payload(std::span<const Packet> packets) {
    std::string out;
    for (std::size_t i = 0; i < packets.size(); ++i) {
        if (i) out.push_back(record_separator);
        out += encode_text(packets[i]);
    }
    return out;
}

std::optional<Packet> decode_text(std::string_view text) {
    if (text.empty()) return std::nullopt;
    if (text[0] == 'b') {
        auto raw = base64_decode(text.substr(1));
        if (!raw) return std::nullopt;
        return Packet::bytes(std::move(*raw));
    }
    if (text[0] < '0' || text[0] > '6') return std::nullopt;
    return Packet::text(static_cast<PacketType>(text[0] - '0'), std::string(text.substr(1)));
}

Packet decode_binary(wire::ByteView data) {
    return Packet::bytes(std::string(reinterpret_cast<const char*>(data.data()), data.size()));
}

std::optional<std::vector<Packet>> decode_payload(std::string_view body) {
    std::vector<Packet> out;
    for (;;) {
        const auto sep = body.find(record_separator);
        auto packet = decode_text(body.substr(0, sep));
        if (!packet) return std::nullopt;
        out.push_back(std::move(*packet));
        if (sep == std::string_view::npos) break;
        body.remove_prefix(sep + 1);
    }
    return out;
}

std::string encode_handshake(const Handshake& h) {
    Json j;
    j["sid"] = h.sid;
    j["upgrades"] = h.upgrades;
    j["pingInterval"] = h.ping_interval_ms;
    j["pingTimeout"] = h.ping_timeout_ms;
    j["maxPayload"] = h.max_payload;
    return stringify(j);
}

std::optional<Handshake> decode_handshake(std::string_view json) {
    const auto j = parse_json(json);
    if (!j || !j->is_object()) return std::nullopt;
    Handshake h;
    const auto sid = j->find("sid");
    if (sid == j->end() || !sid->is_string()) return std::nullopt;
    h.sid = sid->get<std::string>();
    if (const auto up = j->find("upgrades"); up != j->end()) {
        if (!up->is_array()) return std::nullopt;
        for (const auto& u : *up) {
            if (!u.is_string()) return std::nullopt;
            h.upgrades.push_back(u.get<std::string>());
        }
    }
    const auto number = [&](const char* key, std::int64_t& field) {
        const auto it = j->find(key);
        if (it == j->end()) return true; // keep the default
        if (!it->is_number_integer() || it->get<std::int64_t>() < 0) return false;
        field = it->get<std::int64_t>();
        return true;
    };
    if (!number("pingInterval", h.ping_interval_ms) || !number("pingTimeout", h.ping_timeout_ms) ||
        !number("maxPayload", h.max_payload)) {
        return std::nullopt;
    }
    return h;
}

wire::FieldTable dissect_text(std::string_view text, std::uint8_t layer) {
    wire::FieldTable rows;
    rows.push_back({"Engine.IO packet", 0, text.size(), layer, 0, {}});
    const auto packet = decode_text(text);
    if (!packet) {
        rows.back().value = "malformed";
        return rows;
    }
    rows.back().value = std::string(to_string(packet->type));
    rows.push_back({"Type", 0, 1, layer, 1,
                    text[0] == 'b' ? "b (base64 message)"
                                   : std::string(1, text[0]) + " (" +
                                         std::string(to_string(packet->type)) + ")"});
    if (text.size() > 1)
        rows.push_back({"Data", 1, text.size() - 1, 6, 1, std::string(text.substr(1))});
    return rows;
}

namespace {
std::string yeast_encode(std::int64_t n) {
    static constexpr std::string_view alphabet =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
    std::string out;
    do {
        out.insert(out.begin(), alphabet[static_cast<std::size_t>(n % 64)]);
        n /= 64;
    } while (n > 0);
    return out;
}
} // namespace

std::string Yeast::next(std::int64_t now_ms) {
    std::string out = yeast_encode(now_ms);
    if (now_ms == last_ms_) return out + "." + yeast_encode(seed_++);
    last_ms_ = now_ms;
    seed_ = 0;
    return out;
}

} // namespace wirelab::sio::engineio
