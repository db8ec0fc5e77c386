// `wirelab quiz LESSON`: a lesson's quiz questions in the terminal, answers from stdin or
// from `--answers`, right/wrong with the explanation, then the score.
#pragma once

#include <CLI/CLI.hpp>

namespace wirelab::cli {

void add_quiz_command(CLI::App& app);

} // namespace wirelab::cli
