// `wirelab play`, `wirelab check` and `wirelab lessons`: lessons from the terminal.
#pragma once

#include <CLI/CLI.hpp>

namespace wirelab::cli {

void add_play_command(CLI::App& app);
void add_check_command(CLI::App& app);
void add_lessons_command(CLI::App& app);

} // namespace wirelab::cli
