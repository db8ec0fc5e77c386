// A Player turns a validated Scenario into a running World: it builds the hosts, switches
// and links, schedules the lesson's actions, and fires its narration cues and quiz points
// when the trace reaches the moments they are tied to.
//
// scenario::load_file -> Player(scenario) -> run_until / run -> World's trace -> export
#pragma once

#include "sim/scenario/scenario.hpp"
#include "sim/stack/world.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wirelab::scenario {

struct PlayOptions {
    std::optional<std::uint64_t> seed; // overrides the scenario's
    std::optional<Time> until;         // overrides the scenario's end
};

class Player {
public:
    static constexpr Time idle_cap = 60'000'000'000; // a lesson without `until` stops here

    explicit Player(const Scenario& scenario, PlayOptions options = {});

    // Runs every event up to and including t (capped at end_time()).
    void run_until(Time t);
    void run() { run_until(end_time()); }
    bool finished() const { return finished_; }
    // Where playback stops: the options' or scenario's `until`, else when idle (≤ 60 s).
    Time end_time() const { return end_; }

    stack::World& world() { return *world_; }
    const trace::Trace& trace() const { return world_->trace(); }
    const Scenario& scenario() const { return scenario_; }
    // Cues and quizzes that have fired, by index, in firing order.
    const std::vector<std::size_t>& fired_cues() const { return fired_cues_; }
    const std::vector<std::size_t>& fired_quizzes() const { return fired_quizzes_; }

private:
    void build();
    void apply(std::size_t action_index);
    void check_triggers();
    bool matches(const Trigger& t, const trace::Event& e) const;
    void fire_cue(std::size_t i, trace::EventId cause);
    void fire_quiz(std::size_t i, trace::EventId cause);

    Scenario scenario_;
    std::unique_ptr<stack::World> world_;
    Time end_ = idle_cap;
    bool bounded_ = false; // end_ was given, not found by idling
    bool finished_ = false;
    std::size_t scanned_ = 0;               // trace events already checked against triggers
    std::vector<int> cue_hits_, quiz_hits_; // matching events seen so far (for `nth`)
    std::vector<bool> cue_done_, quiz_done_;
    std::vector<std::size_t> fired_cues_, fired_quizzes_;
};

} // namespace wirelab::scenario
