// The keys of the http.* actions in a lesson file: body (http.serve, http.update) and the
// rhythm of http.poll (every, then count or until). host, port, to and path are read by
// read_action (script.cpp) as for the other actions.
#include "sim/scenario/load.hpp"
#include "sim/scenario/loader.hpp"

namespace wirelab::scenario::detail {

namespace {

constexpr std::int64_t max_polls = 100'000;

// http.update changes what an earlier (or same-time) http.serve on the host put at the path.
void check_served(Loader& loader, TableReader& r, const Action& action) {
    for (const Action& a : loader.scenario.actions)
        if (a.kind == ActionKind::http_serve && a.host == action.host && a.path == action.path &&
            a.at <= action.at)
            return;
    loader.diag.error(r.pos("path"), "nothing is served at " + quoted(action.path) + " on host " +
                                         quoted(action.host) +
                                         " before this update: add an http.serve action for it "
                                         "first");
}

void read_rhythm(Loader& loader, TableReader& r, Action& action) {
    // A plain value rather than the optional: GCC 12 misreads the optional's reset as a
    // possibly uninitialized read below (-Wmaybe-uninitialized).
    std::int64_t every = 0;
    if (auto given = r.duration("every", true)) {
        if (*given > 0)
            every = *given;
        else
            loader.diag.error(r.pos("every"), "\"every\" must be more than 0");
    }
    auto count = r.integer("count", false, 1, max_polls);
    auto until = r.duration("until");
    if (r.has("count") && r.has("until")) {
        loader.diag.error(r.pos("until"), "give either \"count\" (how many requests) or "
                                          "\"until\" (when to stop), not both");
        return;
    }
    if (!r.has("count") && !r.has("until")) {
        loader.diag.error(r.pos(), "missing \"count\" or \"until\" in http.poll: say how many "
                                   "requests, e.g. count = 6, or until when, e.g. until = \"5s\"");
        return;
    }
    if (every == 0) return;
    action.every = every;
    if (count) action.count = static_cast<int>(*count);
    if (until) {
        if (*until < action.at) {
            loader.diag.error(r.pos("until"), "\"until\" " + quoted(format_duration(*until)) +
                                                  " is before the action's \"at\" " +
                                                  quoted(format_duration(action.at)));
            return;
        }
        // Requests at at, at + every, ... up to and including until.
        std::int64_t n = (*until - action.at) / every + 1;
        if (n > max_polls) {
            loader.diag.error(r.pos("until"), "that is " + std::to_string(n) +
                                                  " requests; at most " +
                                                  std::to_string(max_polls));
            return;
        }
        action.count = static_cast<int>(n);
    }
}

} // namespace

void read_http(Loader& loader, TableReader& r, Action& action) {
    switch (action.kind) {
    case ActionKind::http_serve:
    case ActionKind::http_update:
        if (auto body = r.string("body", true)) action.data.assign(body->begin(), body->end());
        if (action.kind == ActionKind::http_update && !action.host.empty())
            check_served(loader, r, action);
        break;
    case ActionKind::http_poll: read_rhythm(loader, r, action); break;
    default: break; // http.get: host, to and path only
    }
}

} // namespace wirelab::scenario::detail
