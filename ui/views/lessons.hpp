// The two panels that change what is played rather than how it is shown: the lesson browser
// (scenarios/*.toml with title, summary and topics; open any file; a scenario's errors shown
// while the current lesson stays open) and the interact panel (send / ping / close / cut /
// restore / drop the next frame at the playhead, undo). Both hand a request back to the app,
// which owns the Session.
#pragma once

#include "ui/views/view_context.hpp"

#include <optional>
#include <string>
#include <vector>

namespace wirelab::ui {

struct LessonEntry {
    std::string path, title, summary, level, error;
    std::vector<std::string> topics;
    int minutes = 0;
};
// Every *.toml in `dir`, sorted by file name, each loaded for its [lesson] table.
std::vector<LessonEntry> scan_lessons(const std::string& dir);

struct LessonsState {
    std::vector<LessonEntry> lessons;
    std::string open_path; // the "open file" box
    std::string error;     // the last failed open's messages, shown until the next success
    std::string current;   // path of the open lesson
};
// Returns the path the user asked to open.
std::optional<std::string> draw_lessons(ViewContext& ctx, LessonsState& st);

struct InteractState {
    int host = 0; // index among the hosts (not switches)
    int link = 0; // index among the links
    std::string text = "Hello!";
    std::string status; // what the last request did, or why it could not
};
struct InteractRequest {
    bool undo = false;
    scenario::Action action; // when !undo
};
std::optional<InteractRequest> draw_interact(ViewContext& ctx, InteractState& st);

} // namespace wirelab::ui
