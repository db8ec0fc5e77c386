// The lesson subcommands. Exit codes: 0 done, 1 an output file could not be written,
// 2 a scenario error (printed as file:line:col: error: …).
#include "sim/cli/play_cmd.hpp"

#include "sim/export/jsonl.hpp"
#include "sim/export/ladder.hpp"
#include "sim/export/pcap.hpp"
#include "sim/scenario/player.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace wirelab::cli {

namespace {

Time parse_until(const std::string& text) {
    auto t = parse_duration(text);
    if (!t) throw CLI::ValidationError("--until", "not a duration: " + text + " (try 2s, 250ms)");
    return *t;
}

// Loads a scenario or prints its errors; nullopt means "exit 2".
std::optional<scenario::Scenario> load_or_report(const std::string& path) {
    auto result = scenario::load_file(path);
    for (const auto& e : result.errors)
        std::cerr << e.format() << "\n";
    if (!result.errors.empty() || !result.scenario) return std::nullopt;
    return std::move(result.scenario);
}

struct PlayArgs {
    std::string file, until, pcap, capture, pcap_dir, trace;
    std::uint64_t seed = 0;
    bool seed_given = false, quiet = false, no_color = false;
};

int play(const PlayArgs& args) {
    auto sc = load_or_report(args.file);
    if (!sc) return 2;
    scenario::PlayOptions opts;
    if (args.seed_given) opts.seed = args.seed;
    if (!args.until.empty()) opts.until = parse_until(args.until);
    scenario::Player player(*sc, opts);

    exporter::LadderOptions lo;
    lo.color = !args.no_color && isatty(STDOUT_FILENO);
    lo.quiet = args.quiet;
    exporter::LadderPrinter ladder(player.trace(), lo);
    if (!sc->lesson.title.empty()) std::cout << sc->lesson.title << "\n";
    // Print as the simulation runs, a simulated millisecond at a time.
    while (!player.finished()) {
        player.run_until(player.world().now() + 1'000'000);
        ladder.print_new(std::cout);
    }
    std::cout.flush();

    const auto& trace = player.trace();
    int rc = 0;
    std::string error;
    if (!args.pcap.empty()) {
        trace::NodeId node = 0;
        if (!args.capture.empty()) {
            auto* n = player.world().node(args.capture);
            if (!n) {
                std::cerr << "wirelab: --capture: no host or switch named \"" << args.capture
                          << "\"\n";
                return 2;
            }
            node = n->id();
        }
        if (!exporter::write_pcap_node(trace, node, args.pcap, &error)) {
            std::cerr << "wirelab: " << error << "\n";
            rc = 1;
        }
    }
    if (!args.pcap_dir.empty()) {
        std::filesystem::create_directories(args.pcap_dir);
        if (!exporter::write_pcap_dir(trace, args.pcap_dir, &error)) {
            std::cerr << "wirelab: " << error << "\n";
            rc = 1;
        }
    }
    if (!args.trace.empty()) {
        std::ofstream out(args.trace);
        exporter::write_jsonl(trace, out);
        if (!out) {
            std::cerr << "wirelab: cannot write " << args.trace << "\n";
            rc = 1;
        }
    }
    return rc;
}

} // namespace

void add_play_command(CLI::App& app) {
    auto args = std::make_shared<PlayArgs>();
    auto* cmd = app.add_subcommand("play", "Play a lesson and print its ladder diagram as it runs");
    cmd->add_option("file", args->file, "Scenario file (TOML)")->required();
    cmd->add_option("--until", args->until, "Stop at this simulated time (e.g. 2s, 150ms)");
    cmd->add_option("--seed", args->seed, "Random seed (overrides the scenario's)")
        ->each([args](const std::string&) { args->seed_given = true; });
    cmd->add_option("--pcap", args->pcap, "Write what a capture on one interface sees (pcap)");
    cmd->add_option("--capture", args->capture,
                    "Host whose interface --pcap captures (default: the first)");
    cmd->add_option("--pcap-dir", args->pcap_dir, "Write one pcap file per link into this folder");
    cmd->add_option("--trace", args->trace, "Write the whole trace as JSON Lines");
    cmd->add_flag("--quiet", args->quiet,
                  "Only arrows, narration and drops: no layer-by-layer events");
    cmd->add_flag("--no-color", args->no_color, "Plain text, no ANSI colours");
    cmd->callback([args] { throw CLI::RuntimeError(play(*args)); });
}

void add_check_command(CLI::App& app) {
    auto files = std::make_shared<std::vector<std::string>>();
    auto* cmd = app.add_subcommand("check", "Validate scenario files; errors as file:line:col");
    cmd->add_option("files", *files, "Scenario files (TOML)")->required();
    cmd->callback([files] {
        int rc = 0;
        for (const auto& f : *files) {
            auto sc = load_or_report(f);
            if (!sc) {
                rc = 2;
                continue;
            }
            std::cout << f << ": ok";
            if (!sc->lesson.title.empty()) std::cout << " (" << sc->lesson.title << ")";
            std::cout << "\n";
        }
        throw CLI::RuntimeError(rc);
    });
}

void add_lessons_command(CLI::App& app) {
    auto dir = std::make_shared<std::string>("scenarios");
    auto* cmd = app.add_subcommand("lessons", "List the lessons in a folder");
    cmd->add_option("--dir", *dir, "Folder of lessons")->capture_default_str();
    cmd->callback([dir] {
        std::vector<std::filesystem::path> files;
        std::error_code ec;
        for (const auto& e : std::filesystem::directory_iterator(*dir, ec))
            if (e.path().extension() == ".toml") files.push_back(e.path());
        if (ec) {
            std::cerr << "wirelab: cannot read " << *dir << ": " << ec.message() << "\n";
            throw CLI::RuntimeError(1);
        }
        std::sort(files.begin(), files.end());
        int rc = 0;
        for (const auto& f : files) {
            auto result = scenario::load_file(f.string());
            if (!result.scenario) {
                for (const auto& e : result.errors)
                    std::cerr << e.format() << "\n";
                rc = 2;
                continue;
            }
            const auto& l = result.scenario->lesson;
            std::cout << f.stem().string() << "\n  " << l.title;
            if (!l.level.empty()) std::cout << " · " << l.level;
            if (l.minutes) std::cout << " · " << l.minutes << " min";
            std::cout << "\n";
            if (!l.summary.empty()) std::cout << "  " << l.summary << "\n";
        }
        throw CLI::RuntimeError(rc);
    });
}

} // namespace wirelab::cli
