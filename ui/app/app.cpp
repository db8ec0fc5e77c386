// One frame of the studio: the panel layout (normal and presenter), the menu bar, the keys,
// and the requests that change the lesson (open, interact, undo) or leave the app (exports).
// Sections: init / open · keys · menu · frame layout · exports.
#include "ui/app/app.hpp"

#include "sim/export/pcap.hpp"
#include "ui/model/ladder_svg.hpp"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h> // key codes: ImGui 1.86's KeysDown[] is indexed by them

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace wirelab::ui {

namespace {

std::string lessons_dir() {
    if (std::filesystem::is_directory("scenarios")) return "scenarios";
    return WIRELAB_SOURCE_DIR "/scenarios";
}

std::string stem(const std::string& path) {
    return std::filesystem::path(path).stem().string();
}

} // namespace

// --- init / open ---------------------------------------------------------------------------

bool App::init(const Options& o, std::string* error) {
    lessons_.lessons = scan_lessons(lessons_dir());
    std::string path = o.lesson;
    if (path.empty() && !lessons_.lessons.empty()) path = lessons_.lessons.front().path;
    if (path.empty()) {
        *error = "no lesson given and none found in " + lessons_dir();
        return false;
    }
    if (!session_.open(path, error)) {
        // A lesson with errors: say where in the app (Lessons tab) and open the first lesson.
        const std::string fallback = lessons_.lessons.empty() ? "" : lessons_.lessons.front().path;
        if (o.lesson.empty() || fallback.empty() || fallback == path) return false;
        lessons_.error = *error;
        std::fputs(error->c_str(), stderr);
        path = fallback;
        if (!session_.open(path, error)) return false;
    }
    lessons_.current = path;
    playhead_ = {};
    playhead_.end = session_.end_time();
    playhead_.set_speed(o.speed);
    playhead_.seek(o.at.value_or(0));
    if (o.at_fraction)
        playhead_.seek(static_cast<Time>(*o.at_fraction * static_cast<double>(playhead_.end)));
    playhead_.playing = o.play;
    seen_generation_ = session_.generation();
    if (o.select_pdu >= 0) {
        selection_.flight = session_.flights().find_by_pdu(static_cast<trace::PduId>(o.select_pdu));
        selection_.pinned = selection_.flight >= 0;
    }
    scale_ = o.scale > 0 ? o.scale : (o.presenter ? 1.6f : 1.0f);
    set_presenter(o.presenter);
    return true;
}

void App::list_pdus() const {
    const auto& topo = session_.trace().topology;
    for (const auto& f : session_.flights().all())
        std::printf("%6u  %14s  %s -> %s  %s\n", f.pdu, format_time(f.start).c_str(),
                    topo.nodes[f.from].name.c_str(), topo.nodes[f.to].name.c_str(),
                    session_.catalog().info(f.pdu).dissection.summary.c_str());
}

void App::open_lesson(const std::string& path) {
    std::string error;
    if (!session_.open(path, &error)) {
        lessons_.error = error; // the current lesson stays open
        return;
    }
    lessons_.error.clear();
    lessons_.current = path;
    const double speed = playhead_.speed;
    playhead_ = {};
    playhead_.speed = speed;
    playhead_.end = session_.end_time();
    selection_ = {};
    topology_ = {};
    ladder_ = {};
    status_ = "opened " + path;
}

void App::set_presenter(bool on) {
    presenter_ = on;
    theme_ = on ? light_theme() : dark_theme();
    if (on && scale_ < 1.4f) scale_ = 1.6f;
    if (!on) scale_ = std::min(scale_, 1.0f);
    fonts_dirty_ = true;
}

// --- keys ----------------------------------------------------------------------------------

void App::handle_keys() {
    ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput) return;
    const auto& t = session_.trace();
    const auto pressed = [](int key) { return ImGui::IsKeyPressed(key, false); };
    if (pressed(GLFW_KEY_SPACE)) {
        if (!playhead_.playing && playhead_.time >= playhead_.end) playhead_.seek(0);
        playhead_.toggle();
    }
    if (ImGui::IsKeyPressed(GLFW_KEY_RIGHT)) playhead_.seek(next_event_time(t, playhead_.time));
    if (ImGui::IsKeyPressed(GLFW_KEY_LEFT)) playhead_.seek(prev_event_time(t, playhead_.time));
    if (pressed(GLFW_KEY_HOME)) playhead_.seek(0);
    if (pressed(GLFW_KEY_END)) playhead_.seek(playhead_.end);
    if (pressed(GLFW_KEY_N))
        playhead_.seek(next_mark_time(t, session_.marks().narration, playhead_.time));
    if (pressed(GLFW_KEY_B))
        playhead_.seek(prev_mark_time(t, session_.marks().narration, playhead_.time));
    for (int k = 0; k < 9; ++k)
        if (!io.KeyCtrl && pressed(GLFW_KEY_1 + k)) playhead_.set_speed(speed_presets[k]);
    if (pressed(GLFW_KEY_P) || pressed(GLFW_KEY_F5)) set_presenter(!presenter_);
    if (pressed(GLFW_KEY_F11)) fullscreen_toggle_ = true;
    if (io.KeyCtrl && (pressed(GLFW_KEY_EQUAL) || pressed(GLFW_KEY_KP_ADD))) {
        scale_ = std::min(scale_ + 0.25f, 3.0f);
        fonts_dirty_ = true;
    }
    if (io.KeyCtrl && (pressed(GLFW_KEY_MINUS) || pressed(GLFW_KEY_KP_SUBTRACT))) {
        scale_ = std::max(scale_ - 0.25f, 1.0f);
        fonts_dirty_ = true;
    }
    if (io.KeyCtrl && pressed(GLFW_KEY_Z) && session_.undo()) {
        playhead_.end = session_.end_time();
        status_ = "undone";
    }
    if (pressed(GLFW_KEY_ESCAPE)) selection_.pinned = false;
}

// --- menu ----------------------------------------------------------------------------------

void App::menu_bar() {
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu("Lesson")) {
        for (const auto& l : lessons_.lessons)
            if (ImGui::MenuItem(l.title.c_str(), nullptr, l.path == lessons_.current))
                open_lesson(l.path);
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Export")) {
        if (ImGui::MenuItem("Ladder diagram as SVG")) export_svg();
        if (ImGui::MenuItem("This view as PNG"))
            png_request_ = stem(lessons_.current) + "-view.png";
        if (ImGui::MenuItem("pcap of every link")) export_pcap();
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
        if (ImGui::MenuItem("Presenter mode", "P / F5", presenter_)) set_presenter(!presenter_);
        if (ImGui::MenuItem("Larger text", "Ctrl +")) {
            scale_ = std::min(scale_ + 0.25f, 3.0f);
            fonts_dirty_ = true;
        }
        if (ImGui::MenuItem("Smaller text", "Ctrl -")) {
            scale_ = std::max(scale_ - 0.25f, 1.0f);
            fonts_dirty_ = true;
        }
        if (ImGui::MenuItem("Full screen", "F11")) fullscreen_toggle_ = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Keys")) {
        ImGui::TextUnformatted(
            "Space play/pause · ←/→ step · Home/End\nN / B next / previous cue · 1–9 speed\n"
            "P or F5 presenter · Ctrl +/− text size · F11 full screen\nCtrl Z undo your last "
            "input");
        ImGui::EndMenu();
    }
    const std::string title = session_.scenario().lesson.title;
    ImGui::SameLine(ImGui::GetWindowWidth() - ImGui::CalcTextSize(title.c_str()).x - 20);
    ImGui::TextUnformatted(title.c_str());
    ImGui::EndMainMenuBar();
}

// --- frame layout --------------------------------------------------------------------------

template <class F>
void App::panel(const char* title, ImVec2 pos, ImVec2 size, F&& body, ImGuiWindowFlags extra) {
    ImGui::SetNextWindowPos(pos, ImGuiCond_Always);
    ImGui::SetNextWindowSize(size, ImGuiCond_Always);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                   extra;
    if (ImGui::Begin(title, nullptr, flags)) body();
    ImGui::End();
}

void App::frame(double wall_seconds) {
    labels_.entries.clear();
    handle_keys();
    if (!ImGui::GetIO().WantTextInput || playhead_.playing) playhead_.advance(wall_seconds);

    ViewContext ctx{session_, playhead_, selection_, theme_, labels_};
    ctx.scale = ui_scale();
    ctx.presenter = presenter_;
    // A stack pass takes 0.35 wall seconds at the current speed: enough for the eye to follow,
    // short enough not to lag far behind the frame on the wire.
    ctx.dwell = std::max<Time>(static_cast<Time>(0.35e9 * playhead_.speed), 1);

    menu_bar();
    const ImVec2 disp = ImGui::GetIO().DisplaySize;
    const float top = ImGui::GetFrameHeight();
    const float fs = ImGui::GetFontSize();
    const float timeline_h = fs * 2 + ImGui::GetFrameHeightWithSpacing() + 40 * ctx.scale;
    const float body_h = disp.y - top - timeline_h;
    const ImGuiWindowFlags no_scroll =
        ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse;

    if (presenter_) {
        // Topology and OSI stack large; ladder under the stack; narration as a caption bar.
        const float caption_h = fs * 4.2f;
        const float main_h = body_h - caption_h;
        const float left_w = disp.x * 0.45f;
        panel(
            "Network", {0, top}, {left_w, main_h}, [&] { draw_topology(ctx, topology_); },
            no_scroll);
        panel(
            "OSI stack", {left_w, top}, {disp.x - left_w, main_h * 0.55f},
            [&] { draw_osi_stack(ctx, osi_); }, no_scroll);
        panel(
            "Ladder", {left_w, top + main_h * 0.55f}, {disp.x - left_w, main_h * 0.45f},
            [&] { draw_ladder(ctx, ladder_); }, no_scroll);
        panel(
            "Narration##caption", {0, top + main_h}, {disp.x, caption_h},
            [&] { draw_caption(ctx); }, ImGuiWindowFlags_NoTitleBar);
    } else {
        const float upper_h = body_h * 0.56f, lower_h = body_h - upper_h;
        const float topo_w = disp.x * 0.58f;
        panel(
            "Network", {0, top}, {topo_w, upper_h}, [&] { draw_topology(ctx, topology_); },
            no_scroll);
        panel(
            "OSI stack", {topo_w, top}, {disp.x - topo_w, upper_h},
            [&] { draw_osi_stack(ctx, osi_); }, no_scroll);
        const float ladder_w = disp.x * 0.36f, insp_w = disp.x * 0.34f;
        panel(
            "Ladder", {0, top + upper_h}, {ladder_w, lower_h}, [&] { draw_ladder(ctx, ladder_); },
            no_scroll);
        panel("Inspector", {ladder_w, top + upper_h}, {insp_w, lower_h},
              [&] { draw_inspector(ctx, inspector_); });
        panel("Lesson", {ladder_w + insp_w, top + upper_h}, {disp.x - ladder_w - insp_w, lower_h},
              [&] {
                  if (!ImGui::BeginTabBar("side")) return;
                  if (ImGui::BeginTabItem("Narration")) {
                      draw_narration(ctx, narration_);
                      ImGui::EndTabItem();
                  }
                  if (ImGui::BeginTabItem("Interact")) {
                      if (auto req = draw_interact(ctx, interact_)) {
                          if (req->undo)
                              session_.undo();
                          else
                              session_.add_input(req->action);
                      }
                      ImGui::EndTabItem();
                  }
                  ImGuiTabItemFlags lessons_flags =
                      lessons_.error.empty() ? 0 : ImGuiTabItemFlags_SetSelected;
                  if (ImGui::BeginTabItem("Lessons", nullptr, lessons_flags)) {
                      if (auto path = draw_lessons(ctx, lessons_)) open_lesson(*path);
                      ImGui::EndTabItem();
                  }
                  ImGui::EndTabBar();
              });
    }
    panel(
        "Timeline", {0, top + body_h}, {disp.x, timeline_h}, [&] { draw_timeline(ctx, timeline_); },
        no_scroll);

    if (session_.generation() != seen_generation_) {
        // A re-play (interact, undo): the same moment of the new trace.
        seen_generation_ = session_.generation();
        playhead_.end = session_.end_time();
        playhead_.seek(playhead_.time);
        selection_.pinned = false;
    }
    // A status line (opened, wrote, undone) shows for four seconds.
    if (!status_.empty() && status_shown_at_ < 0) status_shown_at_ = ImGui::GetTime();
    if (!status_.empty() && ImGui::GetTime() - status_shown_at_ > 4.0) {
        status_.clear();
        status_shown_at_ = -1;
    }
    if (!status_.empty()) {
        ImGui::SetNextWindowPos({disp.x - 10, top + 10}, ImGuiCond_Always, {1, 0});
        ImGui::SetNextWindowBgAlpha(0.85f);
        ImGui::Begin("##status", nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                         ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoInputs);
        ImGui::TextUnformatted(status_.c_str());
        ImGui::End();
    }
}

// --- exports -------------------------------------------------------------------------------

void App::export_svg() {
    export_svg_to(stem(lessons_.current) + "-ladder.svg");
}

bool App::export_svg_to(const std::string& path) {
    std::ofstream out(path);
    out << ladder_svg(session_);
    out.close();
    status_ = out ? "wrote " + path : "cannot write " + path;
    return static_cast<bool>(out);
}

void App::export_pcap() {
    const std::string dir = stem(lessons_.current) + "-pcap";
    std::string error;
    status_ = exporter::write_pcap_dir(session_.trace(), dir, &error) ? "wrote " + dir + "/*.pcap"
                                                                      : error;
}

} // namespace wirelab::ui
