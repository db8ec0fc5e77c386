// The `wirelab` command: one CLI11 app, one subcommand per job. Minimal for now; each
// subcommand registers itself through an add_*_command function.
#include <CLI/CLI.hpp>

#include "sim/cli/ws_cmd.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Wirelab: an educational networking simulator"};
    app.set_version_flag("--version", std::string("wirelab ") + WIRELAB_VERSION);
    app.require_subcommand(1);
    wirelab::cli::add_ws_command(app);
    CLI11_PARSE(app, argc, argv);
    return 0;
}
