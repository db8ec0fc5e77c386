// `wirelab ws`: subcommands over sim/proto/http and sim/proto/ws.
#include "sim/cli/ws_cmd.hpp"

#include <iostream>

#include "sim/proto/http/websocket_key.hpp"

namespace wirelab::cli {

void add_ws_command(CLI::App& app) {
    CLI::App* ws = app.add_subcommand("ws", "WebSocket tools: handshake keys, frames, echo server");
    ws->require_subcommand(1);

    auto key = std::make_shared<std::string>();
    CLI::App* accept = ws->add_subcommand("accept", "print the Sec-WebSocket-Accept for a key");
    accept->add_option("KEY", *key, "Sec-WebSocket-Key (base64 of 16 bytes)")->required();
    accept->callback([key] { std::cout << http::accept_value(*key) << "\n"; });
}

} // namespace wirelab::cli
