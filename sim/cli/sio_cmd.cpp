// `wirelab sio`: sim/proto/sio's packet codecs from the terminal, as `wirelab ws` is for frames.
//   encode --event E --args JSON [--binary HEX].. [--nsp N] [--ack ID]
//          -> socketio::encode -> engineio message(s): the text frame, then one hex line per
//             binary attachment (or, with --polling, the long-polling body)
//   decode [LINE..] (else stdin lines) -> engineio::decode_text (or decode_payload with
//          --payload) -> socketio::Decoder -> one JSON object per packet: its meaning
//   serve --port P [--host H] [--once] [--ping-interval MS] [--ping-timeout MS]
//          -> sio_serve.cpp: a Socket.IO chat on real sockets
// decode prints {"error": ...} in a bad packet's place, goes on, and exits 1 if there was
// one; 0 when every line decoded, 2 for bad usage.
#include "sim/cli/sio_cmd.hpp"

#include "sim/cli/sio_connect.hpp"
#include "sim/cli/sio_serve.hpp"

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "sim/proto/sio/engineio_packet.hpp"
#include "sim/proto/sio/json_text.hpp"
#include "sim/proto/sio/socketio_packet.hpp"
#include "sim/wire/bytes.hpp"

namespace wirelab::cli {
namespace {

using sio::Json;
namespace eio = sio::engineio;
namespace sock = sio::socketio;

struct EncodeArgs {
    std::string type = "event";
    std::string event;
    std::string args = "[]";
    std::optional<std::string> data;
    std::vector<std::string> binary;
    std::string nsp = "/";
    std::optional<std::uint64_t> ack;
    bool polling = false;
};

struct DecodeArgs {
    std::vector<std::string> lines;
    bool payload = false;  // each line is a long-polling body (packets joined by 0x1e)
    bool socketio = false; // each line is a bare Socket.IO packet (no Engine.IO type)
};

[[noreturn]] void usage(const std::string& what) {
    std::cerr << "wirelab sio: " << what << "\n";
    throw CLI::RuntimeError(2);
}

Json parse_or_usage(const std::string& text, const char* option) {
    auto j = sio::parse_json(text);
    if (!j) usage(std::string(option) + " is not valid JSON");
    return *j;
}

std::string hex_of(std::string_view raw) {
    return wire::to_hex(
        wire::ByteView{reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size()});
}

int run_encode(const EncodeArgs& a) {
    sock::Packet p;
    p.nsp = a.nsp;
    if (p.nsp.empty() || p.nsp[0] != '/') usage("--nsp must start with '/'");
    p.id = a.ack;
    if (a.type == "event" || a.type == "ack") {
        Json args = parse_or_usage(a.args, "--args");
        if (!args.is_array()) usage("--args must be a JSON array");
        for (const auto& h : a.binary) {
            wire::Bytes b;
            if (!wire::from_hex(h, b)) usage("--binary expects hex bytes");
            args.push_back(Json::binary(Json::binary_t::container_type(b.begin(), b.end())));
        }
        if (a.type == "event") {
            if (a.event.empty()) usage("an event needs --event NAME");
            args.insert(args.begin(), a.event);
            p.type = sock::PacketType::event;
        } else {
            if (!a.ack) usage("an ack needs --ack ID");
            p.type = sock::PacketType::ack;
        }
        p.data = std::move(args);
    } else if (a.type == "connect" || a.type == "connect_error") {
        p.type = a.type == "connect" ? sock::PacketType::connect : sock::PacketType::connect_error;
        if (a.data) p.data = parse_or_usage(*a.data, "--data");
        if (p.data && !p.data->is_object()) usage("--data must be a JSON object");
    } else if (a.type == "disconnect") {
        p.type = sock::PacketType::disconnect;
    } else {
        usage("unknown --type " + a.type);
    }
    const sock::Encoded e = sock::encode(p);
    std::vector<eio::Packet> packets{eio::Packet::text(eio::PacketType::message, e.text)};
    for (const auto& att : e.attachments)
        packets.push_back(eio::Packet::bytes(att));
    if (a.polling) {
        std::cout << eio::encode_payload(packets) << "\n";
        return 0;
    }
    // Over WebSocket: one text frame, then each attachment as a raw binary frame (hex here).
    for (const auto& pk : packets) {
        const eio::Frame f = eio::encode_frame(pk);
        std::cout << (f.binary ? hex_of(f.data) : f.data) << "\n";
    }
    return 0;
}

// Binary values print as {"_binary": "hex"} so the line stays JSON.
Json printable(const Json& v) {
    if (v.is_binary()) {
        const auto& b = v.get_binary();
        return Json{{"_binary", hex_of(std::string(b.begin(), b.end()))}};
    }
    if (v.is_array()) {
        Json out = Json::array();
        for (const auto& x : v)
            out.push_back(printable(x));
        return out;
    }
    if (v.is_object()) {
        Json out = Json::object();
        for (auto it = v.begin(); it != v.end(); ++it)
            out[it.key()] = printable(it.value());
        return out;
    }
    return v;
}

void print(const Json& j) {
    std::cout << sio::stringify(j) << "\n";
}

Json meaning(const sock::Packet& p) {
    Json j = Json::object();
    j["engineio"] = "message";
    j["socketio"] = std::string(sock::to_string(p.type));
    j["nsp"] = p.nsp;
    if (p.id) j["id"] = *p.id;
    const bool with_name =
        p.type == sock::PacketType::event || p.type == sock::PacketType::binary_event;
    if (with_name && p.data && p.data->is_array() && !p.data->empty()) {
        j["event"] = printable((*p.data)[0]);
        Json args = Json::array();
        for (std::size_t i = 1; i < p.data->size(); ++i)
            args.push_back(printable((*p.data)[i]));
        j["args"] = std::move(args);
    } else if (p.type == sock::PacketType::ack || p.type == sock::PacketType::binary_ack) {
        j["args"] = p.data ? printable(*p.data) : Json::array();
    } else if (p.data) {
        j["data"] = printable(*p.data);
    }
    return j;
}

class LineDecoder {
public:
    explicit LineDecoder(const DecodeArgs& a) : args_(a) {}
    bool had_error() const { return had_error_; }

    void line(const std::string& text) {
        if (args_.socketio) return socketio_text(text);
        if (args_.payload) {
            auto packets = eio::decode_payload(text);
            if (!packets) return error("malformed Engine.IO payload");
            for (const auto& p : *packets)
                engineio_packet(p);
            return;
        }
        auto p = eio::decode_text(text);
        if (!p) return error("malformed Engine.IO packet");
        engineio_packet(*p);
    }

private:
    void engineio_packet(const eio::Packet& p) {
        if (p.type == eio::PacketType::message) {
            return p.binary ? report(decoder_.add_binary(p.data), true)
                            : report(decoder_.add_text(p.data), false);
        }
        Json j = Json::object();
        j["engineio"] = std::string(eio::to_string(p.type));
        if (p.type == eio::PacketType::open) {
            auto h = eio::decode_handshake(p.data);
            if (!h) return error("malformed open packet");
            j["sid"] = h->sid;
            j["upgrades"] = h->upgrades;
            j["pingInterval"] = h->ping_interval_ms;
            j["pingTimeout"] = h->ping_timeout_ms;
            j["maxPayload"] = h->max_payload;
        } else if (!p.data.empty()) {
            j["data"] = p.data;
        }
        print(j);
    }

    void socketio_text(const std::string& text) {
        // A bare attachment line is hex when the decoder is waiting for one.
        if (decoder_.reconstructing()) {
            wire::Bytes b;
            if (!wire::from_hex(text, b)) return error("attachment is not hex");
            return report(decoder_.add_binary(std::string(b.begin(), b.end())), true);
        }
        report(decoder_.add_text(text), false);
    }

    void report(const sock::Decoder::Result& r, bool attachment) {
        if (r.error) return error(r.error->message);
        if (r.packet) {
            Json j = meaning(*r.packet);
            if (args_.socketio) j.erase("engineio");
            return print(j);
        }
        if (attachment || decoder_.reconstructing()) {
            // A BINARY_* header or an attachment that is not the last: say we are waiting.
            print(Json{{"waiting", "attachments"}});
        }
    }

    // A line that is not a valid packet: said in its place, and remembered for the exit code.
    void error(std::string_view why) {
        had_error_ = true;
        print(Json{{"error", why}});
    }

    const DecodeArgs& args_;
    sock::Decoder decoder_;
    bool had_error_ = false;
};

int run_decode(const DecodeArgs& a) {
    LineDecoder d(a);
    if (!a.lines.empty()) {
        for (const auto& l : a.lines)
            d.line(l);
    } else {
        for (std::string l; std::getline(std::cin, l);) {
            if (!l.empty() && l.back() == '\r') l.pop_back();
            if (!l.empty()) d.line(l);
        }
    }
    return d.had_error() ? 1 : 0; // every line decoded or reported; 1 if any was bad
}

} // namespace

void add_sio_command(CLI::App& app) {
    CLI::App* sio =
        app.add_subcommand("sio", "Socket.IO tools: encode and decode packets, serve a chat");
    sio->require_subcommand(1);

    auto enc = std::make_shared<EncodeArgs>();
    CLI::App* encode = sio->add_subcommand(
        "encode", "print one Socket.IO packet as Engine.IO WebSocket frames (attachments as hex)");
    encode->add_option("--type", enc->type,
                       "event (default), ack, connect, connect_error, disconnect");
    encode->add_option("--event", enc->event, "event name");
    encode->add_option("--args", enc->args, "arguments as a JSON array (default [])");
    encode->add_option("--binary", enc->binary, "a binary argument as hex, appended to --args");
    encode->add_option("--data", enc->data, "CONNECT auth / CONNECT_ERROR payload (JSON object)");
    encode->add_option("--nsp", enc->nsp, "namespace (default /)");
    encode->add_option("--ack", enc->ack, "acknowledgement id");
    encode->add_flag("--polling", enc->polling, "print the HTTP long-polling body instead");
    encode->callback([enc] { throw CLI::RuntimeError(run_encode(*enc)); });

    auto dec = std::make_shared<DecodeArgs>();
    CLI::App* decode = sio->add_subcommand(
        "decode",
        "decode Engine.IO / Socket.IO packets (arguments, else stdin lines) to JSON Lines "
        "(exit 1 if any is malformed)");
    decode->add_option("packets", dec->lines, "packets as sent in WebSocket text frames");
    decode->add_flag("--payload", dec->payload,
                     "each line is a long-polling body (packets joined by 0x1e)");
    decode->add_flag("--socketio", dec->socketio,
                     "each line is a bare Socket.IO packet (attachments as hex lines)");
    decode->add_flag(
        "--engineio", [](std::int64_t) {},
        "each line is an Engine.IO packet (the default; binary as b<base64>)");
    decode->callback([dec] {
        if (dec->payload && dec->socketio) usage("--payload and --socketio exclude each other");
        throw CLI::RuntimeError(run_decode(*dec));
    });

    auto srv = std::make_shared<SioServeOptions>();
    CLI::App* serve = sio->add_subcommand(
        "serve", "run a Socket.IO chat server (polling, upgrade, WebSocket) on real sockets");
    serve->add_option("--port", srv->port, "TCP port (0 = any free one, printed)")->required();
    serve->add_option("--host", srv->host, "address to listen on (default 127.0.0.1)");
    serve->add_flag("--once", srv->once, "exit after the first connection ends");
    serve
        ->add_option("--ping-interval", srv->ping_interval_ms,
                     "Engine.IO heartbeat: ms between pings (default 25000)")
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{3'600'000}));
    serve
        ->add_option("--ping-timeout", srv->ping_timeout_ms,
                     "ms to wait for a pong before closing (default 20000)")
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{3'600'000}));
    serve->callback([srv] { throw CLI::RuntimeError(run_sio_serve(*srv)); });
    add_sio_connect_command(*sio);
}

} // namespace wirelab::cli
