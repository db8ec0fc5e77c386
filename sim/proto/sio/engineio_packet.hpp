// Engine.IO v4 packets (the npm engine.io-parser 5 encodings): one type character
// ('0' open .. '6' noop) then the data, as a WebSocket text frame; binary messages as raw
// WebSocket binary frames, or as 'b' + base64 inside an HTTP long-polling payload, where
// packets are joined by the record separator 0x1e.
//   ws message -> decode_text / decode_binary -> Packet -> EngineSession ;
//   Packet -> encode_frame (WebSocket) / encode_payload (polling) -> transport
#pragma once

#include "sim/wire/bytes.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wirelab::sio::engineio {

enum class PacketType : std::uint8_t { open, close, ping, pong, message, upgrade, noop };
std::string_view to_string(PacketType t); // "open", "close", ... as engine.io-parser names them
std::optional<PacketType> packet_type_from_name(std::string_view name);

constexpr char record_separator = '\x1e';

struct Packet {
    PacketType type = PacketType::message;
    std::string data;    // the text after the type character, or the raw bytes when `binary`
    bool binary = false; // a binary message (type is message)

    static Packet text(PacketType type, std::string data = {}) { return {type, std::move(data)}; }
    static Packet bytes(std::string raw) { return {PacketType::message, std::move(raw), true}; }
    bool operator==(const Packet&) const = default;
};

// One WebSocket message: a text frame or a binary frame.
struct Frame {
    bool binary = false;
    std::string data;
    bool operator==(const Frame&) const = default;
};

// encodePacket(packet, supportsBinary = true): the WebSocket transport.
Frame encode_frame(const Packet& packet);
// encodePacket(packet, supportsBinary = false): binary becomes 'b' + base64.
std::string encode_text(const Packet& packet);
// encodePayload(packets): the HTTP long-polling body.
std::string encode_payload(std::span<const Packet> packets);

// decodePacket(text): nullopt where the reference returns its error packet (unknown or
// missing type character, bad base64).
std::optional<Packet> decode_text(std::string_view text);
// decodePacket(binary): always a binary message.
Packet decode_binary(wire::ByteView data);
// decodePayload(body): nullopt if any packet is malformed (the reference stops there).
std::optional<std::vector<Packet>> decode_payload(std::string_view body);

// The open packet's JSON: {"sid":..,"upgrades":[..],"pingInterval":..,"pingTimeout":..,
// "maxPayload":..} in the reference server's key order.
struct Handshake {
    std::string sid;
    std::vector<std::string> upgrades;
    std::int64_t ping_interval_ms = 25000;
    std::int64_t ping_timeout_ms = 20000;
    std::int64_t max_payload = 1000000;
    bool operator==(const Handshake&) const = default;
};
std::string encode_handshake(const Handshake& h);
// nullopt unless sid is a string and the numbers are non-negative integers.
std::optional<Handshake> decode_handshake(std::string_view json);

// engine.io-client's yeast(): the t= query value of each polling request, a cache buster:
// the time in milliseconds in base 64 ("0-9A-Za-z-_"), with "." and a counter when two
// requests share a millisecond. The caller gives the clock (simulated or real).
class Yeast {
public:
    std::string next(std::int64_t now_ms);

private:
    std::int64_t last_ms_ = -1;
    std::int64_t seed_ = 0;
};

// Field spans for the byte inspector: the type character and the data of a text packet.
wire::FieldTable dissect_text(std::string_view text, std::uint8_t layer = 5);

} // namespace wirelab::sio::engineio
