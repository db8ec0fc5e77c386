// `wirelab sio ...`: the Engine.IO / Socket.IO codecs from the terminal — encode one packet,
// decode packets (arguments or stdin lines) to JSON Lines with their meaning.
#pragma once

#include <CLI/CLI.hpp>

namespace wirelab::cli {

// Registers the `sio` subcommand and its children (encode, decode, serve).
void add_sio_command(CLI::App& app);

} // namespace wirelab::cli
