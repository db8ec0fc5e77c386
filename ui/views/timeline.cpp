// Timeline panel: play/pause, step to the previous/next moment something happened, jump to the
// previous/next narration cue, speed (0.0001x–100x, log slider and presets), and a scrubber
// with marks for cues (blue), quizzes (?) and drops (✗). Seeking is a binary search in the
// trace, so dragging backwards is as instant as forwards.
#include "ui/views/view_context.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace wirelab::ui {

namespace {
constexpr const char* view = "timeline";
}

void draw_timeline(ViewContext& ctx, TimelineState& st) {
    const auto& s = ctx.session;
    const auto& t = s.trace();
    Playhead& ph = ctx.playhead;

    if (ImGui::Button("|◀ Start")) ph.seek(0);
    ImGui::SameLine();
    if (ImGui::Button("◀◀ Cue")) ph.seek(prev_mark_time(t, s.marks().narration, ph.time));
    ImGui::SameLine();
    if (ImGui::Button("◀ Step")) ph.seek(prev_event_time(t, ph.time));
    ImGui::SameLine();
    if (ImGui::Button(ph.playing ? "❚❚ Pause" : "▶ Play ",
                      {ImGui::CalcTextSize("❚❚ Pause").x + 16 * ctx.scale, 0})) {
        if (!ph.playing && ph.time >= ph.end) ph.seek(0);
        ph.toggle();
    }
    ImGui::SameLine();
    if (ImGui::Button("Step ▶")) ph.seek(next_event_time(t, ph.time));
    ImGui::SameLine();
    if (ImGui::Button("Cue ▶▶")) ph.seek(next_mark_time(t, s.marks().narration, ph.time));
    ImGui::SameLine();
    if (ImGui::Button("End ▶|")) ph.seek(ph.end);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(220 * ctx.scale);
    float lg = static_cast<float>(std::log10(ph.speed));
    char speed_text[32];
    std::snprintf(speed_text, sizeof speed_text, "speed %g×", ph.speed);
    if (ImGui::SliderFloat("##speed", &lg, std::log10(static_cast<float>(min_speed)),
                           std::log10(static_cast<float>(max_speed)), speed_text))
        ph.set_speed(std::pow(10.0, lg));
    ctx.labels.add(view, speed_text, ImGui::GetFontSize());
    ImGui::SameLine();
    char now[96];
    std::snprintf(now, sizeof now, "t = %s / %s", format_time(ph.time).c_str(),
                  format_time(ph.end).c_str());
    text_logged(ctx, view, now);

    // The scrubber.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x,
                h = std::max(ImGui::GetContentRegionAvail().y, 24.0f * ctx.scale);
    ImGui::InvisibleButton("scrub", {w, h});
    const float x0 = p0.x + 8 * ctx.scale, x1 = p0.x + w - 8 * ctx.scale;
    const float ym = p0.y + h * 0.55f;
    const auto x_of = [&](Time v) {
        return x0 +
               (x1 - x0) * static_cast<float>(ph.end > 0 ? static_cast<double>(v) / ph.end : 0.0);
    };
    if (ImGui::IsItemActive()) {
        const float k =
            std::clamp((ImGui::GetIO().MousePos.x - x0) / std::max(x1 - x0, 1.0f), 0.0f, 1.0f);
        ph.seek(static_cast<Time>(k * static_cast<double>(ph.end)));
        st.dragging = true;
    } else {
        st.dragging = false;
    }
    dl->AddRectFilled({x0, ym - 3 * ctx.scale}, {x1, ym + 3 * ctx.scale}, ctx.theme.link, 3);
    dl->AddRectFilled({x0, ym - 3 * ctx.scale}, {x_of(ph.time), ym + 3 * ctx.scale},
                      ctx.theme.narration, 3);
    const float k = 6 * ctx.scale;
    for (auto id : s.marks().narration) {
        const float x = x_of(t[id].time);
        dl->AddTriangleFilled({x, ym - k}, {x - k, ym - 2.6f * k}, {x + k, ym - 2.6f * k},
                              ctx.theme.narration);
    }
    for (auto id : s.marks().quizzes) {
        const float x = x_of(t[id].time);
        dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), {x - 4 * ctx.scale, ym + k},
                    ctx.theme.text, "?");
    }
    for (auto id : s.marks().drops) {
        const float x = x_of(t[id].time);
        dl->AddLine({x - k, ym - k}, {x + k, ym + k}, drop_color, 3 * ctx.scale);
        dl->AddLine({x - k, ym + k}, {x + k, ym - k}, drop_color, 3 * ctx.scale);
    }
    const float xp = x_of(ph.time);
    dl->AddLine({xp, p0.y}, {xp, p0.y + h}, ctx.theme.playhead, 3 * ctx.scale);
    dl->AddCircleFilled({xp, ym}, 7 * ctx.scale, ctx.theme.playhead);
}

} // namespace wirelab::ui
