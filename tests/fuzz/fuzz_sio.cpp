// libFuzzer target over the Engine.IO and Socket.IO decoders: any bytes must decode or be
// rejected without a crash, and whatever decodes must re-encode to something that decodes
// to the same packet (Socket.IO) or to the same bytes (Engine.IO text packets). The
// polling transport gets the same bytes as a POST body, a GET answer and an HTTP target;
// parse_json is compared with nlohmann's parser on them, and the client's event scan
// (scan_json_event, which builds nothing) with parse_json.
#include "sim/proto/sio/engineio_packet.hpp"
#include "sim/proto/sio/engineio_session.hpp"
#include "sim/proto/sio/event_args.hpp"
#include "sim/proto/sio/json_text.hpp"
#include "sim/proto/sio/socketio_client.hpp"
#include "sim/proto/sio/socketio_packet.hpp"
#include "sim/proto/sio/socketio_server.hpp"

#include <algorithm>
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

    // Polling, server side: the bytes as a POST body, with a GET held and a probe open.
    engineio::ServerSession polling({"s", {}, 10, 10, 64});
    polling.open_polling(0);
    (void)polling.handle_poll_get(0);
    (void)polling.handle_poll_get(0);
    polling.open_upgrade(0);
    const auto posted = polling.handle_poll_post(in, 1);
    if (posted.status != 200 && posted.status != 413 && posted.status != 400) std::abort();
    polling.receive_text(in, 2);
    (void)polling.take_poll_response();
    polling.handle_timeout(20 * engineio::ns_per_ms);

    // Polling, client side: the bytes as the answer to the handshake GET, then to a poll.
    engineio::ClientSession client(engineio::Transport::polling);
    client.start(0);
    client.receive_poll_response("GET", 200, in, 0);
    client.receive_poll_response("GET", 200, in, 0);
    client.receive_text(in, 0);
    (void)client.poll_requests();

    // socketio::Server's HTTP entry: the first line is the target, the rest the body, tried
    // as a handshake and on a live session (its sid put in front of the input's query).
    socketio::Server server;
    const auto nl = in.find('\n');
    const std::string target(in.substr(0, nl));
    const std::string body(nl == std::string_view::npos ? "" : in.substr(nl + 1));
    for (const char* method : {"GET", "POST", "PUT"})
        for (const bool upgrade : {false, true})
            (void)server.handle_http({method, target, body, upgrade}, 0);
    const auto hs =
        server.handle_http({"GET", "/socket.io/?EIO=4&transport=polling", "", false}, 0);
    const std::string sid(server.session_id(hs.conn));
    const std::string live = "/socket.io/?EIO=4&transport=polling&sid=" + sid + "&" + target;
    (void)server.handle_http({"GET", live, "", false}, 0);
    (void)server.handle_http({"POST", live, body, false}, 0);
    (void)server.handle_http({"POST", live, std::string(in), false}, 0);
    server.handle_timeout(60'000 * engineio::ns_per_ms);
    (void)server.events();
    (void)server.poll_replies();

    // JSON.parse: the same verdict and the same value as nlohmann's parser, which it
    // replaced. nlohmann skips a leading UTF-8 BOM, stops at a NUL byte as at the end of a
    // C string (JSON.parse refuses both) and has no nesting limit: those inputs are not
    // compared.
    if (!in.starts_with("\xEF\xBB\xBF") && in.find('\0') == std::string_view::npos &&
        std::count_if(in.begin(), in.end(), [](char c) { return c == '[' || c == '{'; }) <= 512) {
        const auto ours = parse_json(in);
        const Json theirs = Json::parse(in.begin(), in.end(), nullptr, false);
        if (ours.has_value() == theirs.is_discarded()) std::abort();
        if (ours && !(*ours == theirs)) std::abort();
    }

    // scan_json_event: yes exactly when parse_json gives an array with a string first, and
    // then that name and (as EventArgs) the items after it.
    std::string name;
    std::string_view tail;
    const bool scanned = scan_json_event(in, name, tail);
    const auto whole = parse_json(in);
    if (scanned != (whole && whole->is_array() && !whole->empty() && (*whole)[0].is_string()))
        std::abort();
    if (scanned) {
        const auto& items = whole->get_ref<const Json::array_t&>();
        if (name != items[0].get_ref<const std::string&>()) std::abort();
        if (!(EventArgs::from_tail(tail).json() ==
              Json(Json::array_t(items.begin() + 1, items.end()))))
            std::abort();
    }
    return 0;
}
