// libFuzzer target over the Engine.IO and Socket.IO decoders: any bytes must decode or be
// rejected without a crash, and whatever decodes must re-encode to something that decodes
// to the same packet (Socket.IO) or to the same bytes (Engine.IO text packets).
#include "sim/proto/sio/engineio_packet.hpp"
#include "sim/proto/sio/engineio_session.hpp"
#include "sim/proto/sio/socketio_packet.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace wirelab::sio;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    // Engine.IO: a text packet that decodes re-encodes to itself (except 'b' base64, whose
    // padding is optional on input).
    if (const auto p = engineio::decode_text(in); p && !p->binary) {
        if (engineio::encode_text(*p) != in) std::abort();
    }
    (void)engineio::decode_payload(in);
    (void)engineio::decode_handshake(in);
    // Socket.IO: split the input at 0x1f into messages; a leading 0x00 marks a binary one.
    socketio::Decoder decoder;
    std::string_view rest = in;
    while (!rest.empty()) {
        const auto cut = rest.find('\x1f');
        const auto msg = rest.substr(0, cut);
        const auto r = !msg.empty() && msg[0] == '\0' ? decoder.add_binary(msg.substr(1))
                                                      : decoder.add_text(msg);
        if (r.packet) {
            const auto enc = socketio::encode(*r.packet);
            socketio::Decoder again;
            auto back = again.add_text(enc.text);
            for (const auto& a : enc.attachments)
                back = again.add_binary(a);
            if (!back.packet || !(*back.packet == *r.packet)) std::abort();
        }
        (void)socketio::dissect(msg);
        if (cut == std::string_view::npos) break;
        rest.remove_prefix(cut + 1);
    }
    // The server session never crashes on any message.
    engineio::ServerSession session({"s", {}, 10, 10, 64});
    session.open(0);
    session.receive_text(in, 1);
    return 0;
}
