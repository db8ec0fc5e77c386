// Narration panel: the lesson's explanation for the current moment, with its cue number, and
// the quizzes whose point has been reached, answerable in place (a choice is checked against
// the lesson's answer and its explanation shown). In presenter mode the cue is also a caption.
#include "ui/model/quiz.hpp"
#include "ui/views/view_context.hpp"

#include <algorithm>
#include <cstdio>

namespace wirelab::ui {

namespace {
constexpr const char* view = "narration";
}

void draw_narration(ViewContext& ctx, NarrationState& st) {
    const auto& s = ctx.session;
    const auto& sc = s.scenario();
    if (st.generation != s.generation() || st.chosen.size() != sc.quizzes.size()) {
        st.chosen.assign(sc.quizzes.size(), -1);
        st.verdict.assign(sc.quizzes.size(), 0);
        st.typed.assign(sc.quizzes.size(), {});
        st.generation = s.generation();
    }
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(ctx.theme.narration));
    text_logged(ctx, view, sc.lesson.title, true);
    ImGui::PopStyleColor();
    const auto now = narration_at(s.trace(), s.marks(), ctx.playhead.time);
    if (now.event == trace::no_event) {
        text_logged(ctx, view, sc.lesson.summary, true);
    } else {
        char head[80];
        std::snprintf(head, sizeof head, "Cue %u of %zu · at %s", now.cue + 1, sc.cues.size(),
                      format_time(now.time).c_str());
        ImGui::TextDisabled("%s", head);
        text_logged(ctx, view, now.text, true);
    }
    const auto reached = quizzes_reached(s.trace(), s.marks(), ctx.playhead.time);
    for (auto q : reached) {
        if (q >= sc.quizzes.size()) continue;
        const auto& quiz = sc.quizzes[q];
        ImGui::Separator();
        ImGui::PushID(static_cast<int>(q));
        text_logged(ctx, view, "Quiz: " + quiz.question, true);
        for (std::size_t c = 0; c < quiz.choices.size(); ++c) {
            if (ImGui::RadioButton(quiz.choices[c].c_str(), st.chosen[q] == static_cast<int>(c))) {
                st.chosen[q] = static_cast<int>(c);
                st.verdict[q] = 0;
            }
            ctx.labels.add(view, quiz.choices[c], ImGui::GetFontSize());
        }
        if (quiz.choices.empty()) {
            char buf[256];
            const std::size_t n = std::min(st.typed[q].size(), sizeof buf - 1);
            st.typed[q].copy(buf, n);
            buf[n] = 0;
            ImGui::SetNextItemWidth(-1);
            if (ImGui::InputText("##answer", buf, sizeof buf)) {
                st.typed[q] = buf;
                st.verdict[q] = 0;
            }
        }
        if (ImGui::Button("Check") && (st.chosen[q] >= 0 || !st.typed[q].empty()))
            st.verdict[q] = answer_is_right(quiz, st.chosen[q], st.typed[q]) ? 1 : -1;
        if (st.verdict[q] == 1) {
            ImGui::SameLine();
            text_logged(ctx, view, "✓ Right.");
            if (!quiz.explain.empty()) text_logged(ctx, view, quiz.explain, true);
        } else if (st.verdict[q] == -1) {
            ImGui::SameLine();
            text_logged(ctx, view, "✗ Not quite — try again.");
        }
        ImGui::PopID();
    }
}

void draw_caption(ViewContext& ctx) {
    const auto now = narration_at(ctx.session.trace(), ctx.session.marks(), ctx.playhead.time);
    const std::string_view text = now.event == trace::no_event
                                      ? std::string_view(ctx.session.scenario().lesson.summary)
                                      : now.text;
    // Captions read from the back of the room: the large font built beside the regular one.
    ImFont* large = ImGui::GetIO().Fonts->Fonts.Size > 1 ? ImGui::GetIO().Fonts->Fonts[1] : nullptr;
    if (large) ImGui::PushFont(large);
    text_logged(ctx, "caption", text, true);
    if (large) ImGui::PopFont();
}

} // namespace wirelab::ui
