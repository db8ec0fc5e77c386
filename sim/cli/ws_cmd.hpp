// `wirelab ws ...`: the HTTP Upgrade and WebSocket engines from the terminal — accept keys,
// encode and decode frames, and an echo server / client on real loopback sockets.
#pragma once

#include <CLI/CLI.hpp>

namespace wirelab::cli {

// Registers the `ws` subcommand and its children (accept, encode, decode, serve, connect).
void add_ws_command(CLI::App& app);

} // namespace wirelab::cli
