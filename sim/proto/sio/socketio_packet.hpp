// Socket.IO v5 packets (the npm socket.io-parser 4 encodings), carried in Engine.IO
// message packets: <type>[<attachments>-][<nsp>,][<ack id>][<JSON data>], e.g.
// `2["chat","hi"]`, `0/admin,{"token":"x"}`, `451-["up",{"_placeholder":true,"num":0}]`
// followed by one Engine.IO binary message per attachment.
//   Packet -> encode -> text + attachments -> engineio messages ;
//   engineio messages -> Decoder::add_text / add_binary -> Packet
#pragma once

#include "sim/proto/sio/json_text.hpp"
#include "sim/wire/bytes.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wirelab::sio::socketio {

enum class PacketType : std::uint8_t {
    connect,
    disconnect,
    event,
    ack,
    connect_error,
    binary_event,
    binary_ack
};
std::string_view to_string(PacketType t); // "CONNECT", "DISCONNECT", ... as the parser names them

struct Packet {
    PacketType type = PacketType::event;
    std::string nsp = "/";
    std::optional<std::uint64_t> id; // acknowledgement id
    std::optional<Json> data;        // binary attachments appear as Json::binary values
    std::size_t attachments = 0;     // BINARY_* on the wire only; set by encode

    bool operator==(const Packet& o) const {
        return type == o.type && nsp == o.nsp && id == o.id &&
               data.has_value() == o.data.has_value() && (!data || json_equal(*data, *o.data));
    }
};

// True if `value` holds a binary value anywhere (the reference's hasBinary).
bool has_binary(const Json& value);

// One Socket.IO packet as Engine.IO messages: a text message, then `attachments` binary ones.
struct Encoded {
    std::string text;
    std::vector<std::string> attachments;
};
// Encoder.encode: EVENT/ACK whose data holds binary become BINARY_EVENT/BINARY_ACK with
// {"_placeholder":true,"num":N} in place of each buffer, depth first.
Encoded encode(const Packet& packet);
// Encoder.encodeAsString: the text form only (placeholders must already be in `data`).
std::string encode_string(const Packet& packet);

// Reasons a decode fails (the reference throws with these messages).
struct DecodeError {
    std::string message;
};

// Decoder: feed every Engine.IO message of the connection in order. A BINARY_* packet is
// held until its attachments arrived. After an error the decoder is reset and the caller
// should close the connection (the reference server does).
class Decoder {
public:
    // Largest accepted attachment count: `51000000-` must not make us wait forever.
    static constexpr std::size_t max_attachments = 1000;

    struct Result {
        std::optional<Packet> packet; // a whole packet, when one completed
        std::optional<DecodeError> error;
    };
    Result add_text(std::string_view text);
    Result add_binary(std::string_view bytes);
    // add_text's most common case without the Packet or its JSON value: true exactly when
    // add_text(text) would give an EVENT for "/" without an ack id whose data starts with a
    // string, the event's name; `name` and `args_tail` (a view into `text`: "[" + args_tail
    // is the JSON text of the data after the name, as scan_json_event says) are then set.
    // False: nothing happened (`name` and `args_tail` unspecified), call add_text.
    bool add_event_text(std::string_view text, std::string& name, std::string_view& args_tail);
    bool reconstructing() const { return pending_.has_value(); }

private:
    std::vector<std::string> buffers_;
    std::optional<Packet> pending_; // last: its flag next to what follows the decoder
};

// Decoder.decodeString alone (no reassembly): placeholders stay as they are.
std::optional<Packet> decode_string(std::string_view text, DecodeError* error = nullptr);

// Field spans for the byte inspector (type, attachments, namespace, id, data).
wire::FieldTable dissect(std::string_view text, std::uint8_t layer = 7);

} // namespace wirelab::sio::socketio
