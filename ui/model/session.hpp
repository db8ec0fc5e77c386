// One open lesson in the studio: the validated Scenario, the user's own inputs on top of its
// scripted actions, and the played trace with everything the views derive from it. Adding an
// input (send, ping, close, cut, restore, drop the next frame — at the playhead) re-runs the
// Player from the start with that action appended: same scenario + seed + inputs gives the
// same trace (DESIGN.md, idea 4). Undo pops the last input and re-runs.
//   scenario::load_file -> Session::open -> Player::run -> trace + derived models -> views
#pragma once

#include "sim/scenario/player.hpp"
#include "ui/model/flights.hpp"
#include "ui/model/ladder_model.hpp"
#include "ui/model/layout.hpp"
#include "ui/model/osi.hpp"
#include "ui/model/pdu_catalog.hpp"
#include "ui/model/timeline.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wirelab::ui {

// What the interact panel can do, turned into a scenario action at time `at`.
enum class UserInput { send, ping, close, cut, restore, drop_next };
const char* to_string(UserInput);

class Session {
public:
    // Loads and plays `path`. On an error the session is unchanged (the lesson open before stays
    // open) and `*error` holds every "file:line:col: error: …" line.
    bool open(const std::string& path, std::string* error);
    // Plays an already validated scenario (tests, the lesson browser's reload).
    void open(scenario::Scenario scenario);
    // Shows a trace made elsewhere (benchmarks, a recorded trace): no scenario, no re-play.
    void adopt(std::unique_ptr<trace::Trace> trace);
    bool loaded() const { return player_ != nullptr || adopted_ != nullptr; }

    const scenario::Scenario& scenario() const { return base_; }
    const trace::Trace& trace() const { return player_ ? player_->trace() : *adopted_; }
    Time end_time() const;
    // Bumped on every (re)play: views drop what they cached about the old trace.
    std::uint64_t generation() const { return generation_; }

    // The action a UserInput means for this lesson: `host` for send/ping/close (ws.* when the host
    // speaks WebSocket, else tcp.*), `link` for cut/restore/drop_next (`host` as its `from`).
    // nullopt with `*why` when it cannot apply (no such host or link).
    std::optional<scenario::Action> make_input(UserInput kind, Time at, const std::string& host,
                                               const std::string& link, const std::string& text,
                                               std::string* why = nullptr) const;
    // Appends the action to the user's inputs and re-plays.
    void add_input(scenario::Action action);
    bool undo(); // false when there is nothing to undo
    const std::vector<scenario::Action>& inputs() const { return inputs_; }

    const PduCatalog& catalog() const { return *catalog_; }
    const FlightIndex& flights() const { return *flights_; }
    const StackIndex& stacks() const { return *stacks_; }
    const TraceMarks& marks() const { return *marks_; }
    const Layout& layout() const { return layout_; }
    const LadderModel& ladder() const { return ladder_; }

private:
    void replay();
    void derive(); // the models below, from trace()

    scenario::Scenario base_;
    std::vector<scenario::Action> inputs_;
    std::unique_ptr<scenario::Player> player_;
    std::unique_ptr<trace::Trace> adopted_;
    std::unique_ptr<PduCatalog> catalog_;
    std::unique_ptr<FlightIndex> flights_;
    std::unique_ptr<StackIndex> stacks_;
    std::unique_ptr<TraceMarks> marks_;
    Layout layout_;
    LadderModel ladder_;
    std::uint64_t generation_ = 0;
};

} // namespace wirelab::ui
