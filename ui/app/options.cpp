// Command line of wirelab-studio (see app.hpp). Times take the lesson files' spelling ("20ms").
#include "ui/app/app.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace wirelab::ui {

namespace {

constexpr const char* usage =
    "usage: wirelab-studio [LESSON.toml] [options]\n"
    "  --at TIME            start paused at TIME (\"1.25s\", \"20ms\", or \"50%\" of the lesson)\n"
    "  --select-pdu N       inspect PDU number N\n"
    "  --speed X            playback speed (simulated s per wall s), default 0.01\n"
    "  --play               start playing\n"
    "  --export-svg FILE    write the lesson's ladder diagram as SVG (no display needed), exit\n"
    "  --list-pdus          print every frame (PDU id for --select-pdu, time, summary), exit\n"
    "  --presenter          presenter mode (large fonts, light theme, captions)\n"
    "  --scale X            UI scale 1-3\n"
    "  --size WxH           window size, default 1600x900\n"
    "  --screenshot FILE    render that moment to FILE (PNG) and exit\n"
    "  --dump-labels FILE   with --screenshot: write the texts drawn (view, size, text)\n"
    "keys: Space play/pause, Left/Right step, Home/End, 1-9 speed presets, N next cue,\n"
    "      P or F5 presenter mode, Ctrl +/- UI scale, F11 full screen\n";

} // namespace

std::optional<Options> parse_options(int argc, char** argv, int* code) {
    Options o;
    const auto fail = [&](const std::string& msg) -> std::optional<Options> {
        std::fprintf(stderr, "wirelab-studio: %s\n%s", msg.c_str(), usage);
        *code = 2;
        return std::nullopt;
    };
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        if (a == "-h" || a == "--help") {
            std::fputs(usage, stdout);
            *code = 0;
            return std::nullopt;
        } else if (a == "--at") {
            const char* v = value();
            const std::string text = v ? v : "";
            if (!text.empty() && text.back() == '%') {
                o.at_fraction = std::atof(text.c_str()) / 100.0;
                continue;
            }
            auto t = parse_duration(text);
            if (!t) return fail("--at wants a time such as 20ms or 1.25s, or a share such as 50%");
            o.at = *t;
        } else if (a == "--select-pdu") {
            const char* v = value();
            if (!v) return fail("--select-pdu wants a number");
            o.select_pdu = std::atoi(v);
        } else if (a == "--speed") {
            const char* v = value();
            if (!v || std::atof(v) <= 0) return fail("--speed wants a positive number");
            o.speed = std::atof(v);
        } else if (a == "--scale") {
            const char* v = value();
            if (!v || std::atof(v) < 1 || std::atof(v) > 3) return fail("--scale wants 1 to 3");
            o.scale = static_cast<float>(std::atof(v));
        } else if (a == "--size") {
            const char* v = value();
            if (!v || std::sscanf(v, "%dx%d", &o.width, &o.height) != 2 || o.width < 320 ||
                o.height < 240)
                return fail("--size wants WxH, e.g. 1600x900");
        } else if (a == "--screenshot") {
            const char* v = value();
            if (!v) return fail("--screenshot wants a file name");
            o.screenshot = v;
        } else if (a == "--dump-labels") {
            const char* v = value();
            if (!v) return fail("--dump-labels wants a file name");
            o.dump_labels = v;
        } else if (a == "--presenter") {
            o.presenter = true;
        } else if (a == "--export-svg") {
            const char* v = value();
            if (!v) return fail("--export-svg wants a file name");
            o.export_svg = v;
        } else if (a == "--list-pdus") {
            o.list_pdus = true;
        } else if (a == "--play") {
            o.play = true;
        } else if (!a.empty() && a[0] == '-') {
            return fail("unknown option " + a);
        } else if (o.lesson.empty()) {
            o.lesson = a;
        } else {
            return fail("one lesson at a time");
        }
    }
    return o;
}

} // namespace wirelab::ui
