// The playhead and everything the timeline needs to move it: play/pause at a speed, step to
// the next or previous moment something happened, jump between narration cues, and the marks
// drawn on the scrubber (cues, quizzes, drops). Scrubbing is a binary search in the trace
// (Trace::lower_bound), so going back costs no more than going forward.
//   trace::Trace -> TraceMarks (once) ; Playhead + wall-clock dt -> time -> every view
#pragma once

#include "sim/trace/trace.hpp"

#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

namespace wirelab::ui {

// Speeds the keys 1–9 select: simulated seconds per wall-clock second. At 0.01x a 20 ms
// handshake takes two seconds to watch.
inline constexpr std::array<double, 9> speed_presets = {0.001, 0.003, 0.01, 0.03, 0.1,
                                                        0.3,   1.0,   10.0, 100.0};
inline constexpr double min_speed = 0.0001, max_speed = 100.0;

struct Playhead {
    Time time = 0;       // = 0      // simulated now, what every view shows
    Time end = 0;        // = 0      // the trace's last moment; playing stops there
    double speed = 0.01; // = 0.01  // simulated seconds per wall-clock second
    bool playing = false;

    // Moves time forward by wall_seconds * speed (when playing); stops at the end.
    void advance(double wall_seconds);
    void seek(Time t); // clamped to [0, end]
    void toggle() { playing = !playing; }
    void set_speed(double s);
};

// Event ids the timeline and narration panel look up by time, found once per trace.
struct TraceMarks {
    std::vector<trace::EventId> narration, quizzes, drops, inputs;
    explicit TraceMarks(const trace::Trace& trace);
};

// The events that have happened by t are [0, happened(trace, t)).
std::size_t happened(const trace::Trace& trace, Time t);
// The time of the first event strictly after t (t itself if none), or strictly before t.
Time next_event_time(const trace::Trace& trace, Time t);
Time prev_event_time(const trace::Trace& trace, Time t);
// The latest mark at or before t (no_event if none), and the next/previous mark times.
trace::EventId last_mark(const trace::Trace& trace, const std::vector<trace::EventId>& marks,
                         Time t);
Time next_mark_time(const trace::Trace& trace, const std::vector<trace::EventId>& marks, Time t);
Time prev_mark_time(const trace::Trace& trace, const std::vector<trace::EventId>& marks, Time t);

// The narration shown at t: the last cue fired at or before t ("" before the first).
struct NarrationNow {
    trace::EventId event = trace::no_event;
    std::uint32_t cue = 0;
    Time time = 0;
    std::string_view text;
};
NarrationNow narration_at(const trace::Trace& trace, const TraceMarks& marks, Time t);
// Quiz indices (Quiz order in the scenario) whose point has been reached by t.
std::vector<std::uint32_t> quizzes_reached(const trace::Trace& trace, const TraceMarks& marks,
                                           Time t);

} // namespace wirelab::ui
