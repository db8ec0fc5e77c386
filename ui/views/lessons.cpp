// Lesson browser and interact panels (see lessons.hpp).
#include "ui/views/lessons.hpp"

#include <algorithm>
#include <filesystem>

namespace wirelab::ui {

std::vector<LessonEntry> scan_lessons(const std::string& dir) {
    std::vector<LessonEntry> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        if (e.path().extension() != ".toml") continue;
        LessonEntry l;
        l.path = e.path().string();
        auto r = scenario::load_file(l.path);
        if (r.scenario) {
            l.title = r.scenario->lesson.title;
            l.summary = r.scenario->lesson.summary;
            l.level = r.scenario->lesson.level;
            l.topics = r.scenario->lesson.topics;
            l.minutes = r.scenario->lesson.minutes;
        } else {
            l.title = e.path().filename().string();
            l.error = r.errors.empty() ? "cannot load" : r.errors[0].format();
        }
        out.push_back(std::move(l));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return out;
}

namespace {

bool input_text(const char* label, std::string& s) {
    char buf[512];
    const std::size_t n = std::min(s.size(), sizeof buf - 1);
    s.copy(buf, n);
    buf[n] = 0;
    if (!ImGui::InputText(label, buf, sizeof buf)) return false;
    s = buf;
    return true;
}

} // namespace

std::optional<std::string> draw_lessons(ViewContext& ctx, LessonsState& st) {
    std::optional<std::string> open;
    if (!st.error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(drop_color));
        text_logged(ctx, "lessons", st.error, true);
        ImGui::PopStyleColor();
        text_logged(ctx, "lessons", "Still showing: " + ctx.session.scenario().lesson.title, true);
        if (ImGui::SmallButton("Dismiss")) st.error.clear();
        ImGui::Separator();
    }
    for (std::size_t i = 0; i < st.lessons.size(); ++i) {
        const auto& l = st.lessons[i];
        ImGui::PushID(static_cast<int>(i));
        const bool current = l.path == st.current;
        if (ImGui::Selectable(l.title.c_str(), current)) open = l.path;
        ctx.labels.add("lessons", l.title, ImGui::GetFontSize());
        ImGui::Indent();
        if (!l.error.empty()) {
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(drop_color), "%s", l.error.c_str());
        } else {
            ImGui::PushTextWrapPos(0);
            ImGui::TextDisabled("%s", l.summary.c_str());
            std::string topics;
            for (const auto& t : l.topics)
                topics += (topics.empty() ? "" : " · ") + t;
            ImGui::TextDisabled("%s · %d min · %s", l.level.c_str(), l.minutes, topics.c_str());
            ImGui::PopTextWrapPos();
        }
        ImGui::Unindent();
        ImGui::PopID();
    }
    ImGui::Separator();
    ImGui::SetNextItemWidth(-80 * ctx.scale);
    const bool enter = input_text("##path", st.open_path);
    ImGui::SameLine();
    if ((ImGui::Button("Open file") ||
         (enter && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)))) &&
        !st.open_path.empty())
        open = st.open_path;
    return open;
}

std::optional<InteractRequest> draw_interact(ViewContext& ctx, InteractState& st) {
    const auto& s = ctx.session;
    const auto& sc = s.scenario();
    std::optional<InteractRequest> req;
    text_logged(ctx, "interact",
                "At t = " + format_time(ctx.playhead.time) + " (the playhead):", true);
    if (!sc.hosts.empty()) {
        st.host = std::clamp(st.host, 0, static_cast<int>(sc.hosts.size()) - 1);
        if (ImGui::BeginCombo("host", sc.hosts[st.host].name.c_str())) {
            for (int i = 0; i < static_cast<int>(sc.hosts.size()); ++i)
                if (ImGui::Selectable(sc.hosts[i].name.c_str(), i == st.host)) st.host = i;
            ImGui::EndCombo();
        }
    }
    input_text("text", st.text);
    const std::string host = sc.hosts.empty() ? "" : sc.hosts[st.host].name;
    const auto ask = [&](UserInput kind, const std::string& link) {
        std::string why;
        auto a = s.make_input(kind, ctx.playhead.time, host, link, st.text, &why);
        if (!a) {
            st.status = std::string(to_string(kind)) + ": " + why;
            return;
        }
        st.status = std::string(to_string(kind)) + " at " + format_time(ctx.playhead.time) +
                    " added; re-played.";
        req = InteractRequest{false, *a};
    };
    if (ImGui::Button("Send")) ask(UserInput::send, "");
    ImGui::SameLine();
    if (ImGui::Button("Ping")) ask(UserInput::ping, "");
    ImGui::SameLine();
    if (ImGui::Button("Close")) ask(UserInput::close, "");
    if (!sc.links.empty()) {
        st.link = std::clamp(st.link, 0, static_cast<int>(sc.links.size()) - 1);
        if (ImGui::BeginCombo("link", sc.links[st.link].name.c_str())) {
            for (int i = 0; i < static_cast<int>(sc.links.size()); ++i)
                if (ImGui::Selectable(sc.links[i].name.c_str(), i == st.link)) st.link = i;
            ImGui::EndCombo();
        }
        const std::string link = sc.links[st.link].name;
        if (ImGui::Button("Cut")) ask(UserInput::cut, link);
        ImGui::SameLine();
        if (ImGui::Button("Restore")) ask(UserInput::restore, link);
        ImGui::SameLine();
        if (ImGui::Button("Drop next (from host)")) ask(UserInput::drop_next, link);
    }
    ImGui::Separator();
    ImGui::Text("Your inputs: %zu", s.inputs().size());
    for (const auto& a : s.inputs())
        ImGui::BulletText("%s %s at %s", scenario::to_string(a.kind),
                          a.host.empty() ? a.link.c_str() : a.host.c_str(),
                          format_time(a.at).c_str());
    if (!s.inputs().empty() && ImGui::Button("Undo last input")) {
        req = InteractRequest{true, {}};
        st.status = "undone; re-played.";
    }
    if (!st.status.empty()) ImGui::TextWrapped("%s", st.status.c_str());
    return req;
}

} // namespace wirelab::ui
