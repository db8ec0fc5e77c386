// The `wirelab` command: one CLI11 app, one subcommand per job, each registered by an
// add_*_command function beside it.
#include <CLI/CLI.hpp>

#include "sim/cli/play_cmd.hpp"
#include "sim/cli/quiz_cmd.hpp"
#include "sim/cli/sio_cmd.hpp"
#include "sim/cli/ws_cmd.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Wirelab: an educational networking simulator"};
    app.set_version_flag("--version", std::string("wirelab ") + WIRELAB_VERSION);
    app.require_subcommand(1);
    wirelab::cli::add_play_command(app);
    wirelab::cli::add_check_command(app);
    wirelab::cli::add_lessons_command(app);
    wirelab::cli::add_quiz_command(app);
    wirelab::cli::add_ws_command(app);
    wirelab::cli::add_sio_command(app);
    CLI11_PARSE(app, argc, argv);
    return 0;
}
