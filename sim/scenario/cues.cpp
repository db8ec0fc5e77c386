// [[cue]] (narration) and [[quiz]] in a lesson file, each at a moment: `at`, a `when` trigger
// on the trace (a state reached, a PDU sent or arriving, a drop, an app event) or, for a
// quiz, after the end. Read after the topology and the actions (script.cpp).
#include "sim/scenario/load.hpp"
#include "sim/scenario/loader.hpp"

#include <algorithm>

namespace wirelab::scenario::detail {

namespace {

constexpr std::string_view event_kinds[] = {"state", "arrive", "send", "drop", "app"};
// RFC 9293 TCP states and RFC 6455 WebSocket states, spelt as the trace prints them.
constexpr std::string_view state_names[] = {
    "CLOSED",     "LISTEN",  "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2",
    "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",    "CONNECTING",  "OPEN"};

// `when = { event = ..., ... }`
std::optional<Trigger> read_trigger(Loader& loader, const toml::node& node) {
    const toml::table* table = node.as_table();
    if (table == nullptr) {
        loader.diag.error(node, "expected a table for \"when\", e.g. when = { event = \"state\", "
                                "host = \"client\", state = \"ESTABLISHED\" }");
        return std::nullopt;
    }
    Trigger trigger;
    auto event = table->get("event");
    std::string context = "\"when\"";
    if (event && event->is_string())
        context = "\"when\" (event " + quoted(*event->value<std::string>()) + ")";
    TableReader r(*table, context, loader.diag);
    auto kind = r.string("event", true);
    if (!kind) return std::nullopt;
    if (std::find(std::begin(event_kinds), std::end(event_kinds), *kind) == std::end(event_kinds)) {
        loader.diag.error(r.pos("event"),
                          "unknown event " + quoted(*kind) +
                              ": use \"state\", \"arrive\", \"send\", \"drop\" or \"app\"" +
                              did_you_mean(*kind, event_kinds));
        return std::nullopt;
    }
    trigger.event = *kind;
    bool ok = true;
    // "host" is required where an event without it would be ambiguous (state, app).
    auto host = [&](bool required) {
        if (auto v = read_host_ref(loader, r, "host", required, "", ""))
            trigger.host = *v;
        else if (required || r.has("host"))
            ok = false;
    };
    if (*kind == "state") {
        host(true);
        if (auto state = r.string("state", true)) {
            if (std::find(std::begin(state_names), std::end(state_names), *state) ==
                std::end(state_names)) {
                loader.diag.error(r.pos("state"), "unknown state " + quoted(*state) +
                                                      did_you_mean(*state, state_names));
                ok = false;
            }
            trigger.state = *state;
        } else {
            ok = false;
        }
    } else if (*kind == "arrive" || *kind == "send") {
        host(false);
        if (auto pdu = r.string("pdu", true)) {
            if (pdu->empty()) {
                loader.diag.error(r.pos("pdu"), "\"pdu\" must not be empty");
                ok = false;
            }
            trigger.pdu = *pdu;
        } else {
            ok = false;
        }
    } else if (*kind == "drop") {
        host(false);
        if (r.has("link")) {
            if (auto link = read_link_ref(loader, r))
                trigger.link = *link;
            else
                ok = false;
        } else {
            r.allow("link");
        }
    } else { // app
        host(true);
        if (auto name = r.string("name", true))
            trigger.name = *name;
        else
            ok = false;
    }
    if (auto nth = r.integer("nth", false, 1, 1'000'000))
        trigger.nth = static_cast<int>(*nth);
    else if (r.has("nth"))
        ok = false;
    r.finish();
    if (!ok) return std::nullopt;
    return trigger;
}

// at = "15ms" | when = {...} | (quizzes only) after = "end": exactly one.
template <class Item> bool read_moment(Loader& loader, TableReader& r, Item& item, bool allow_end) {
    std::vector<std::string_view> given;
    if (auto at = r.duration("at")) {
        item.at = *at;
        check_before_until(loader, r, "at", *at);
    }
    if (r.has("at")) given.push_back("at");
    if (const toml::node* when = r.get("when")) {
        item.when = read_trigger(loader, *when);
        given.push_back("when");
    }
    if (allow_end) {
        if (auto after = r.string("after")) {
            if (*after != "end")
                loader.diag.error(r.pos("after"),
                                  "\"after\" can only be \"end\" (got " + quoted(*after) + ")");
            if constexpr (requires { item.at_end; }) item.at_end = true;
        }
        if (r.has("after")) given.push_back("after");
    }
    std::string keys = allow_end ? "\"at\", \"when\" or \"after\"" : "\"at\" or \"when\"";
    if (given.empty()) {
        loader.diag.error(r.pos(), r.context() + " needs " + keys);
        return false;
    }
    if (given.size() > 1) {
        loader.diag.error(r.pos(given[1]), "give only one of " + keys);
        return false;
    }
    return true;
}

} // namespace

void read_cue(Loader& loader, const toml::table& table) {
    TableReader r(table, "[[cue]]", loader.diag);
    Cue cue;
    cue.pos = r.pos();
    read_moment(loader, r, cue, false);
    if (auto text = r.string("text", true)) cue.text = *text;
    r.finish();
    loader.scenario.cues.push_back(std::move(cue));
}

void read_quiz(Loader& loader, const toml::table& table) {
    TableReader r(table, "[[quiz]]", loader.diag);
    Quiz quiz;
    quiz.pos = r.pos();
    read_moment(loader, r, quiz, true);
    if (auto question = r.string("question", true)) quiz.question = *question;
    auto choices = r.strings("choices");
    if (choices) {
        if (choices->size() < 2)
            loader.diag.error(r.pos("choices"), "a quiz needs at least 2 choices (got " +
                                                    std::to_string(choices->size()) + ")");
        quiz.choices = *choices;
    }
    auto answer = r.integer("answer", false, 0);
    auto answer_text = r.string("answer_text");
    if (answer && answer_text) {
        loader.diag.error(r.pos("answer_text"), "give either \"answer\" (a choice index) or "
                                                "\"answer_text\" (fill-in), not both");
    } else if (answer) {
        if (!r.has("choices"))
            loader.diag.error(r.pos("answer"), "\"answer\" is an index into \"choices\", but "
                                               "there are no choices");
        else if (choices && choices->size() >= 2 &&
                 *answer >= static_cast<std::int64_t>(choices->size()))
            loader.diag.error(r.pos("answer"), "\"answer\" is " + std::to_string(*answer) +
                                                   " but the choices are "
                                                   "numbered 0 to " +
                                                   std::to_string(choices->size() - 1));
        quiz.answer = static_cast<int>(*answer);
    } else if (answer_text) {
        if (r.has("choices"))
            loader.diag.error(r.pos("answer_text"), "a quiz with \"choices\" takes \"answer\" "
                                                    "(the index of the right choice)");
        else if (answer_text->empty())
            loader.diag.error(r.pos("answer_text"), "\"answer_text\" must not be empty");
        quiz.answer_text = *answer_text;
    } else if (!r.has("answer") && !r.has("answer_text")) {
        loader.diag.error(r.pos(), std::string("missing ") +
                                       (r.has("choices") ? "\"answer\" (the index of the right "
                                                           "choice)"
                                                         : "\"answer_text\" (or \"choices\" and "
                                                           "\"answer\")") +
                                       " in [[quiz]]");
    }
    if (auto explain = r.string("explain")) quiz.explain = *explain;
    r.finish();
    loader.scenario.quizzes.push_back(std::move(quiz));
}

} // namespace wirelab::scenario::detail
