// What every panel of the studio receives each frame: the open lesson (read-only), the
// playhead, the selection, the theme and the UI scale, and the label log the screenshot tests
// read. Each panel keeps its own small state struct beside its draw function (Tracy's one file
// per panel, without its one do-everything class).
#pragma once

#include "ui/model/session.hpp"

#include <imgui.h>

#include <string>
#include <string_view>
#include <vector>

namespace wirelab::ui {

// The texts the views drew this frame and at what size: `--dump-labels FILE` writes them so a
// test can check that "SYN" was drawn, and drawn larger in presenter mode, without reading
// pixels.
struct LabelLog {
    struct Entry {
        std::string view, text;
        float size = 0;
    };
    std::vector<Entry> entries;
    bool enabled = false;
    void add(std::string_view view, std::string_view text, float size) {
        if (enabled) entries.push_back({std::string(view), std::string(text), size});
    }
};

struct Theme {
    bool light = false; // high-contrast light (presenter) or dark
    ImU32 text = IM_COL32(230, 230, 230, 255);
    ImU32 text_dim = IM_COL32(150, 150, 150, 255);
    ImU32 canvas = IM_COL32(24, 26, 30, 255);
    ImU32 node_fill = IM_COL32(52, 58, 68, 255);
    ImU32 node_edge = IM_COL32(200, 200, 200, 255);
    ImU32 link = IM_COL32(120, 120, 120, 255);
    ImU32 lit = IM_COL32(255, 214, 0, 255);
    ImU32 panel = IM_COL32(40, 44, 52, 255);
    ImU32 playhead = IM_COL32(255, 80, 80, 255);
    ImU32 narration = IM_COL32(120, 190, 255, 255);
};
Theme dark_theme();
Theme light_theme();

struct Selection {
    int flight = -1;     // index into FlightIndex::all(), -1: follow the playhead
    int node = -1;       // NodeId, -1: none
    bool pinned = false; // the user (or --select-pdu) chose it
};

struct ViewContext {
    const Session& session;
    Playhead& playhead;
    Selection& selection;
    const Theme& theme;
    LabelLog& labels;
    float scale = 1.0f; // UI scale (presenter 1–3x)
    Time dwell = 0;     // how long a stack pass is spread over (simulated ns)
    bool presenter = false;
};

// Draws text on a draw list at `size` pixels and records it in the label log.
void draw_label(ViewContext& ctx, ImDrawList* dl, std::string_view view, ImVec2 pos, ImU32 col,
                std::string_view text, float size = 0);
// `text` cut at a character, trailing spaces dropped, with "…" appended, so that it is at most
// `room` pixels wide at `size` pixels (unchanged when it already fits).
std::string ellipsize(std::string text, float room, float size);
// ImGui::TextUnformatted / TextWrapped that also record the text.
void text_logged(ViewContext& ctx, std::string_view view, std::string_view text,
                 bool wrapped = false);

// The flight the inspector and OSI view follow: the selection when pinned, else the latest
// frame put on a link at or before the playhead (-1 before the first).
int current_flight(const ViewContext& ctx);

// A label's box on screen. Views place labels greedily, each where it overlaps none drawn
// before it, so that crowded moments stay readable (topology map, ladder).
struct ScreenBox {
    ImVec2 p0, p1;
    bool overlaps(const ScreenBox& o) const {
        return p0.x < o.p1.x && o.p0.x < p1.x && p0.y < o.p1.y && o.p0.y < p1.y;
    }
};
// True when `box` overlaps none of `taken`.
inline bool is_free(const std::vector<ScreenBox>& taken, const ScreenBox& box) {
    for (const ScreenBox& t : taken)
        if (t.overlaps(box)) return false;
    return true;
}

// The panels. Each `draw_*` is called inside its own ImGui window (Begin/End by the app).
struct TopologyState {
    ImVec2 pan{0, 0};  // = (0,0) // offset in pixels
    float zoom = 1.0f; // = 1     // 1 = fit the panel
    bool show_legend = true;
};
void draw_topology(ViewContext& ctx, TopologyState& st);

struct OsiStackState {
    bool both_ends = true; // = true // sender and receiver side by side
};
void draw_osi_stack(ViewContext& ctx, OsiStackState& st);

struct LadderState {
    float zoom = 1.0f; // = 1 // wheel: >1 shows less time, larger
    LadderAxis axis;   // built per trace (squeezes quiet gaps)
    Time longest = 0;  // the longest flight, for the look-back of arrows_in
    std::uint64_t generation = ~std::uint64_t{0};
};
void draw_ladder(ViewContext& ctx, LadderState& st);

struct InspectorState {
    int hovered_row = -1;                   // field under the mouse (tree or hex), -1 none
    int bytes_per_row = 16;                 // = 16  // hex dump width
    std::uint32_t scrolled_to = 0xffffffff; // = none  // PDU whose top layer was scrolled into view
};
void draw_inspector(ViewContext& ctx, InspectorState& st);

struct TimelineState {
    bool dragging = false;
};
void draw_timeline(ViewContext& ctx, TimelineState& st);

struct NarrationState {
    std::vector<int> chosen;        // per quiz: the choice ticked, -1 none
    std::vector<int> verdict;       // per quiz: 0 unchecked, 1 right, -1 wrong
    std::vector<std::string> typed; // per quiz: the typed answer (quizzes without choices)
    std::uint64_t generation = 0;
};
void draw_narration(ViewContext& ctx, NarrationState& st);
// Presenter mode: the current cue as a caption bar.
void draw_caption(ViewContext& ctx);

} // namespace wirelab::ui
