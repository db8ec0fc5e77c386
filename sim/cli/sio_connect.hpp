// `wirelab sio connect URL`: the sans-I/O socketio::Client on a real loopback WebSocket,
// driven by a real clock; every Socket.IO event it sees printed as one JSON line.
#pragma once

#include <CLI/CLI.hpp>

namespace wirelab::cli {

// Registers `connect` under the `sio` subcommand.
void add_sio_connect_command(CLI::App& sio);

} // namespace wirelab::cli
