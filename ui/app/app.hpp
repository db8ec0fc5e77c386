// The studio's application state and one frame of its UI, between the backends' NewFrame and
// Render (ui/app/main.cpp runs the loop, as plain as Dear ImGui's example_glfw_opengl3):
//   Options -> App::open -> per frame: App::frame(dt) lays out the panels (ui/views), handles
//   the keyboard (Space, ←/→, Home/End, 1–9, P/F5, Ctrl +/−, F11), and queues what main must
//   do with the window (screenshot, full screen, font rebuild).
#pragma once

#include "ui/views/lessons.hpp"
#include "ui/views/view_context.hpp"

#include <optional>
#include <string>

namespace wirelab::ui {

struct Options {
    std::string lesson;                // file to open (default: the first of scenarios/)
    std::optional<Time> at;            // --at: start paused at this time
    std::optional<double> at_fraction; // --at 50%: that far into the lesson
    int select_pdu = -1;               // --select-pdu: PDU id to inspect
    std::string screenshot;            // --screenshot: render, write this PNG, exit
    std::string dump_labels;           // --dump-labels: the texts drawn in the last frame
    int width = 1600, height = 900;    // --size WxH
    bool presenter = false;            // --presenter
    float scale = 0;                   // --scale (0: 1, or 1.6 in presenter mode)
    double speed = 0.01;               // --speed
    bool play = false;                 // --play: start playing
    std::string export_svg;            // --export-svg FILE: the ladder as SVG, then exit
    bool list_pdus = false;            // --list-pdus: print the frames (id, time, summary) and exit
};
// nullopt after printing help or an error (exit code in *code).
std::optional<Options> parse_options(int argc, char** argv, int* code);

class App {
public:
    // Opens the lesson; false with the loader's messages in *error.
    bool init(const Options& options, std::string* error);
    // --list-pdus: one line per frame put on a link: PDU id, time, from -> to, summary.
    void list_pdus() const;
    // --export-svg: writes the ladder of the whole lesson; false with the reason in status().
    bool export_svg_to(const std::string& path);
    void frame(double wall_seconds);

    // Requests main.cpp serves after rendering the frame.
    float ui_scale() const { return scale_ * dpi_; }
    bool presenter() const { return presenter_; }
    bool take_font_rebuild() { return std::exchange(fonts_dirty_, false); }
    bool take_fullscreen_toggle() { return std::exchange(fullscreen_toggle_, false); }
    std::string take_png_request() { return std::exchange(png_request_, {}); }
    void set_dpi(float dpi) {
        dpi_ = dpi;
        fonts_dirty_ = true;
    }
    LabelLog& labels() { return labels_; }
    const Theme& theme() const { return theme_; }
    const std::string& status() const { return status_; }

private:
    void handle_keys();
    void menu_bar();
    void open_lesson(const std::string& path);
    void export_svg();
    void export_pcap();
    void set_presenter(bool on);
    template <class F>
    void panel(const char* title, ImVec2 pos, ImVec2 size, F&& body, ImGuiWindowFlags extra = 0);

    Session session_;
    Playhead playhead_;
    Selection selection_;
    Theme theme_ = dark_theme();
    LabelLog labels_;
    TopologyState topology_;
    OsiStackState osi_;
    LadderState ladder_;
    InspectorState inspector_;
    TimelineState timeline_;
    NarrationState narration_;
    LessonsState lessons_;
    InteractState interact_;
    float scale_ = 1.0f, dpi_ = 1.0f;
    bool presenter_ = false;
    bool fonts_dirty_ = true;
    bool fullscreen_toggle_ = false;
    std::string png_request_;
    std::string status_;
    double status_shown_at_ = -1;
    std::uint64_t seen_generation_ = 0;
};

// Fonts and style for a UI scale (DejaVu Sans from the system, ImGui's own font otherwise).
// Call between frames; the caller re-creates the backend's font texture.
void build_fonts_and_style(float scale, bool light);

// Writes the current framebuffer (width x height, read with glReadPixels) as a PNG.
bool write_framebuffer_png(const std::string& path, int width, int height, std::string* error);

} // namespace wirelab::ui
