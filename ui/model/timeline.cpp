// Playhead arithmetic and trace marks (see timeline.hpp).
#include "ui/model/timeline.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace wirelab::ui {

void Playhead::advance(double wall_seconds) {
    if (!playing) return;
    const double step = wall_seconds * speed * 1e9;
    const Time next = time + static_cast<Time>(std::llround(std::max(step, 0.0)));
    if (next >= end) {
        time = end;
        playing = false;
    } else {
        time = next;
    }
}

void Playhead::seek(Time t) {
    time = std::clamp<Time>(t, 0, std::max<Time>(end, 0));
}

void Playhead::set_speed(double s) {
    speed = std::clamp(s, min_speed, max_speed);
}

TraceMarks::TraceMarks(const trace::Trace& trace) {
    const auto events = trace.events();
    for (trace::EventId id = 0; id < events.size(); ++id) {
        switch (events[id].kind) {
        case trace::Kind::narration: narration.push_back(id); break;
        case trace::Kind::quiz: quizzes.push_back(id); break;
        case trace::Kind::drop: drops.push_back(id); break;
        case trace::Kind::input: inputs.push_back(id); break;
        default: break;
        }
    }
}

std::size_t happened(const trace::Trace& trace, Time t) {
    if (t == std::numeric_limits<Time>::max()) return trace.size();
    return trace.lower_bound(t + 1);
}

Time next_event_time(const trace::Trace& trace, Time t) {
    const std::size_t i = happened(trace, t);
    return i < trace.size() ? trace[static_cast<trace::EventId>(i)].time : t;
}

Time prev_event_time(const trace::Trace& trace, Time t) {
    const std::size_t i = trace.lower_bound(t);
    return i > 0 ? trace[static_cast<trace::EventId>(i - 1)].time : 0;
}

namespace {

// Index of the first mark whose time is > t.
std::size_t upper(const trace::Trace& trace, const std::vector<trace::EventId>& marks, Time t) {
    return static_cast<std::size_t>(
        std::upper_bound(marks.begin(), marks.end(), t,
                         [&](Time v, trace::EventId id) { return v < trace[id].time; }) -
        marks.begin());
}

} // namespace

trace::EventId last_mark(const trace::Trace& trace, const std::vector<trace::EventId>& marks,
                         Time t) {
    const std::size_t i = upper(trace, marks, t);
    return i > 0 ? marks[i - 1] : trace::no_event;
}

Time next_mark_time(const trace::Trace& trace, const std::vector<trace::EventId>& marks, Time t) {
    const std::size_t i = upper(trace, marks, t);
    return i < marks.size() ? trace[marks[i]].time : t;
}

Time prev_mark_time(const trace::Trace& trace, const std::vector<trace::EventId>& marks, Time t) {
    // The last mark strictly before t.
    const auto it = std::lower_bound(marks.begin(), marks.end(), t,
                                     [&](trace::EventId id, Time v) { return trace[id].time < v; });
    return it != marks.begin() ? trace[*(it - 1)].time : 0;
}

NarrationNow narration_at(const trace::Trace& trace, const TraceMarks& marks, Time t) {
    NarrationNow now;
    now.event = last_mark(trace, marks.narration, t);
    if (now.event == trace::no_event) return now;
    const auto& e = trace[now.event];
    now.cue = e.aux;
    now.time = e.time;
    now.text = trace.text(e.text);
    return now;
}

std::vector<std::uint32_t> quizzes_reached(const trace::Trace& trace, const TraceMarks& marks,
                                           Time t) {
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0, n = upper(trace, marks.quizzes, t); i < n; ++i)
        out.push_back(trace[marks.quizzes[i]].aux);
    return out;
}

} // namespace wirelab::ui
