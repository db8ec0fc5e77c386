// `wirelab ws`: the HTTP Upgrade (sim/proto/http) and the WebSocket connection (sim/proto/ws)
// from the terminal.
//   accept KEY         -> Sec-WebSocket-Accept
//   encode ...         -> ws::Connection::send_* -> data_to_send() -> one hex line per frame
//   decode ...         -> stdin chunks -> ws::Connection::receive_data -> JSON Lines of events
//                         (exit 1 when the bytes failed the connection)
//   serve / connect    -> live_socket.cpp (real loopback sockets, poll())
#include "sim/cli/ws_cmd.hpp"

#include <charconv>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/cli/live_socket.hpp"
#include "sim/proto/http/websocket_key.hpp"
#include "sim/proto/ws/connection.hpp"
#include "sim/wire/bytes.hpp"

namespace wirelab::cli {
namespace {

struct EncodeArgs {
    bool client = false;
    std::string mask;
    std::size_t fragment = 0;
    std::optional<std::string> text, binary, ping;
    std::vector<std::string> close;
};

struct DecodeArgs {
    std::string role = "server";
    bool hex = false;
    std::uint64_t max_message_size = 64ull << 20;
    std::string mask;
};

// Splits the writer's output back into frames so each prints on its own line.
std::vector<wire::ByteView> split_frames(wire::ByteView bytes) {
    std::vector<wire::ByteView> frames;
    while (!bytes.empty()) {
        wire::websocket::FrameHeader h;
        if (wire::websocket::parse_header(bytes, h) != wire::websocket::HeaderStatus::complete)
            break;
        std::size_t size = h.header_size + static_cast<std::size_t>(h.length);
        frames.push_back(bytes.first(size));
        bytes = bytes.subspan(size);
    }
    return frames;
}

// A fixed mask key from 8 hex digits, so the bytes a client writes are reproducible.
ws::MaskSource fixed_mask(const std::string& hex) {
    wire::Bytes key;
    if (!wire::from_hex(hex, key) || key.size() != 4)
        throw CLI::ValidationError("--mask", "expects 4 bytes as 8 hex digits");
    ws::MaskKey fixed{key[0], key[1], key[2], key[3]};
    return [fixed] { return fixed; };
}

int run_encode(const EncodeArgs& a) {
    ws::Config config;
    config.role = a.client ? ws::Role::client : ws::Role::server;
    if (!a.mask.empty()) {
        if (!a.client) throw CLI::ValidationError("--mask", "only a client masks (add --client)");
        config.mask_source = fixed_mask(a.mask);
    }
    ws::Connection conn{config};
    bool ok = false;
    if (a.text) {
        ok = conn.send_text(*a.text, a.fragment);
    } else if (a.binary) {
        wire::Bytes data;
        if (!wire::from_hex(*a.binary, data))
            throw CLI::ValidationError("--binary", "expects hex bytes");
        ok = conn.send_binary(data, a.fragment);
    } else if (a.ping) {
        ok =
            conn.send_ping({reinterpret_cast<const std::uint8_t*>(a.ping->data()), a.ping->size()});
    } else if (!a.close.empty()) {
        unsigned code = 0;
        const std::string& c = a.close[0];
        auto [end, ec] = std::from_chars(c.data(), c.data() + c.size(), code);
        if (ec != std::errc{} || end != c.data() + c.size() || code > 0xffff)
            throw CLI::ValidationError("--close", "CODE must be a number 0-65535");
        ok =
            conn.send_close(static_cast<std::uint16_t>(code), a.close.size() > 1 ? a.close[1] : "");
    } else {
        throw CLI::ValidationError("encode", "give one of --text, --binary, --ping, --close");
    }
    if (!ok) {
        std::cerr << "wirelab ws encode: the connection refused to write that frame\n";
        return 1;
    }
    wire::Bytes out = conn.data_to_send();
    for (wire::ByteView frame : split_frames(out))
        std::cout << wire::to_hex(frame) << "\n";
    return 0;
}

void print(const nlohmann::ordered_json& j) {
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

std::string text_of(wire::ByteView b) {
    return {b.begin(), b.end()};
}

int run_decode(const DecodeArgs& a) {
    std::vector<wire::Bytes> chunks;
    std::ios::sync_with_stdio(false);
    if (a.hex) {
        std::string line;
        for (std::size_t n = 0; std::getline(std::cin, line); ++n) {
            wire::Bytes chunk;
            if (!wire::from_hex(line, chunk)) {
                std::cerr << "wirelab ws decode: line " << n + 1 << " is not hex\n";
                return 2;
            }
            chunks.push_back(std::move(chunk));
        }
    } else {
        std::string all{std::istreambuf_iterator<char>(std::cin), {}};
        chunks.emplace_back(all.begin(), all.end());
    }

    ws::Config config;
    config.role = a.role == "client" ? ws::Role::client : ws::Role::server;
    config.max_message_size = a.max_message_size;
    config.frame_events = true;
    if (!a.mask.empty()) config.mask_source = fixed_mask(a.mask);
    ws::Connection conn{config};
    bool failed = false;
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        conn.receive_data(chunks[i]);
        for (const ws::Event& e : conn.events()) {
            nlohmann::ordered_json j;
            j["type"] = std::string(ws::to_string(e.kind));
            switch (e.kind) {
            case ws::Event::Kind::frame:
                j["fin"] = e.frame.fin;
                j["rsv"] = e.frame.rsv;
                j["opcode"] = static_cast<int>(e.frame.opcode);
                j["masked"] = e.frame.masked;
                j["len"] = e.frame.length;
                break;
            case ws::Event::Kind::text: j["text"] = text_of(e.payload); break;
            case ws::Event::Kind::binary:
            case ws::Event::Kind::ping:
            case ws::Event::Kind::pong: j["hex"] = wire::to_hex(e.payload); break;
            case ws::Event::Kind::close:
                j["code"] = e.code;
                j["reason"] = std::string(e.reason);
                break;
            case ws::Event::Kind::fail:
                failed = true;
                j["code"] = e.code;
                j["why"] = std::string(e.reason);
                break;
            }
            j["chunk"] = i;
            print(j);
        }
        wire::Bytes reply = conn.data_to_send();
        if (!reply.empty()) print({{"type", "reply"}, {"hex", wire::to_hex(reply)}, {"chunk", i}});
    }
    std::string state = failed ? "failed" : std::string(ws::to_string(conn.state()));
    for (char& c : state)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    print({{"type", "end"}, {"state", state}});
    return failed ? 1 : 0; // the bytes broke the protocol: said above, and to the shell
}

} // namespace

void add_ws_command(CLI::App& app) {
    CLI::App* ws = app.add_subcommand("ws", "WebSocket tools: handshake keys, frames, echo server");
    ws->require_subcommand(1);

    auto key = std::make_shared<std::string>();
    CLI::App* accept = ws->add_subcommand("accept", "print the Sec-WebSocket-Accept for a key");
    accept->add_option("KEY", *key, "Sec-WebSocket-Key (base64 of 16 bytes)")->required();
    accept->callback([key] { std::cout << http::accept_value(*key) << "\n"; });

    auto enc = std::make_shared<EncodeArgs>();
    CLI::App* encode = ws->add_subcommand("encode", "print the frames of one message as hex");
    encode->add_flag("--client", enc->client, "write as a client (masked frames)");
    encode->add_option("--mask", enc->mask, "fixed mask key, 8 hex digits (with --client)");
    encode->add_option("--fragment", enc->fragment, "split into frames of N payload bytes");
    auto* t = encode->add_option("--text", enc->text, "a text message");
    auto* b = encode->add_option("--binary", enc->binary, "a binary message, hex");
    auto* p = encode->add_option("--ping", enc->ping, "a ping with this payload");
    auto* c =
        encode->add_option("--close", enc->close, "a close frame: CODE [REASON]")->expected(1, 2);
    for (auto* o : {t, b, p, c})
        for (auto* other : {t, b, p, c})
            if (o != other) o->excludes(other);
    encode->callback([enc] { std::exit(run_encode(*enc)); });

    auto dec = std::make_shared<DecodeArgs>();
    CLI::App* decode = ws->add_subcommand(
        "decode", "feed stdin to a WebSocket connection and print its events as JSON Lines "
                  "(exit 1 if the bytes fail the connection)");
    decode->add_option("--role", dec->role, "the role of the receiving side")
        ->check(CLI::IsMember({"server", "client"}));
    decode->add_flag("--hex", dec->hex, "stdin is hex text, one chunk per line");
    decode->add_option("--max-message-size", dec->max_message_size,
                       "largest message in bytes (0 = no limit)");
    decode->add_option("--mask", dec->mask, "fixed mask key for a client's replies, 8 hex digits");
    decode->callback([dec] { std::exit(run_decode(*dec)); });

    add_live_commands(*ws);
}

} // namespace wirelab::cli
