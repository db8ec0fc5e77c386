// Shared helpers of the views: themes, logged text, the followed flight (view_context.hpp).
#include "ui/views/view_context.hpp"

#include <algorithm>

namespace wirelab::ui {

Theme dark_theme() {
    return Theme{};
}

Theme light_theme() {
    Theme t;
    t.light = true;
    t.text = IM_COL32(0, 0, 0, 255);
    t.text_dim = IM_COL32(60, 60, 60, 255);
    t.canvas = IM_COL32(255, 255, 255, 255);
    t.node_fill = IM_COL32(235, 238, 245, 255);
    t.node_edge = IM_COL32(0, 0, 0, 255);
    t.link = IM_COL32(70, 70, 70, 255);
    t.lit = IM_COL32(255, 200, 0, 255);
    t.panel = IM_COL32(245, 245, 245, 255);
    t.playhead = IM_COL32(200, 0, 0, 255);
    t.narration = IM_COL32(0, 70, 160, 255);
    return t;
}

void draw_label(ViewContext& ctx, ImDrawList* dl, std::string_view view, ImVec2 pos, ImU32 col,
                std::string_view text, float size) {
    if (size <= 0) size = ImGui::GetFontSize();
    dl->AddText(ImGui::GetFont(), size, pos, col, text.data(), text.data() + text.size());
    ctx.labels.add(view, text, size);
}

std::string ellipsize(std::string text, float room, float size) {
    const auto width = [size](const std::string& t) {
        return ImGui::GetFont()->CalcTextSizeA(size, 1e9f, 0, t.c_str()).x;
    };
    if (width(text) <= room) return text;
    const std::string ellipsis = "…";
    while (!text.empty() && width(text + ellipsis) > room) {
        text.resize(utf8_prefix(text, text.size() - 1).size()); // one character less
        while (!text.empty() && text.back() == ' ')
            text.pop_back();
    }
    return text + ellipsis;
}

void text_logged(ViewContext& ctx, std::string_view view, std::string_view text, bool wrapped) {
    if (wrapped) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextUnformatted(text.data(), text.data() + text.size());
        ImGui::PopTextWrapPos();
    } else {
        ImGui::TextUnformatted(text.data(), text.data() + text.size());
    }
    ctx.labels.add(view, text, ImGui::GetFontSize());
}

int current_flight(const ViewContext& ctx) {
    const auto& all = ctx.session.flights().all();
    if (ctx.selection.pinned && ctx.selection.flight >= 0 &&
        ctx.selection.flight < static_cast<int>(all.size()))
        return ctx.selection.flight;
    auto it = std::upper_bound(all.begin(), all.end(), ctx.playhead.time,
                               [](Time v, const Flight& f) { return v < f.start; });
    return it == all.begin() ? -1 : static_cast<int>(it - all.begin()) - 1;
}

} // namespace wirelab::ui
