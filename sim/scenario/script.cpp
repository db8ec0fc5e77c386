// The script half of a lesson file: [[action]] (scripted inputs), [[cue]] (narration) and
// [[quiz]], with their `when` triggers. Runs after the topology is read (load.cpp), so every
// host and link a script names is checked where it is named.
#include "sim/scenario/load.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/wire/bytes.hpp"

#include <algorithm>

namespace wirelab::scenario::detail {

namespace {

constexpr std::string_view event_kinds[] = {"state", "arrive", "send", "drop", "app"};
// RFC 9293 TCP states and RFC 6455 WebSocket states, spelt as the trace prints them.
constexpr std::string_view state_names[] = {
    "CLOSED",     "LISTEN",  "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2",
    "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",    "CONNECTING",  "OPEN"};

// "host": a host (not a switch) that has `stage` in its stack (when stage is not empty).
std::optional<std::string> read_host_ref(Loader& loader, TableReader& r, std::string_view key,
                                         bool required, std::string_view stage,
                                         std::string_view what) {
    auto name = r.string(key, required);
    if (!name) return std::nullopt;
    auto it = loader.nodes.find(*name);
    if (it != loader.nodes.end() && !it->second.is_host) {
        loader.diag.error(r.pos(key),
                          quoted(*name) + " is a switch; " + quoted(key) + " must name a host");
        return std::nullopt;
    }
    const HostSpec* host = loader.host(*name);
    if (host == nullptr) {
        loader.diag.error(r.pos(key), "unknown host " + quoted(*name) +
                                          did_you_mean(*name, loader.host_names()));
        return std::nullopt;
    }
    if (!stage.empty() &&
        std::find(host->stack.begin(), host->stack.end(), stage) == host->stack.end()) {
        loader.diag.error(r.pos(key), "host " + quoted(*name) + " has no " + quoted(stage) +
                                          " stage in its stack, needed for " + std::string(what));
        return std::nullopt;
    }
    return name;
}

// A remote end: a host name or an IPv4 address, not the acting host itself.
bool check_peer(Loader& loader, TableReader& r, std::string_view key, const std::string& peer,
                const std::string& self, std::string_view shown) {
    if (!parse_ipv4(peer) && loader.host(peer) == nullptr) {
        loader.diag.error(r.pos(key), "unknown host " + quoted(peer) + " in " + quoted(key) +
                                          did_you_mean(peer, loader.host_names()));
        return false;
    }
    const HostSpec* me = loader.host(self);
    bool is_self = peer == self || (me != nullptr && parse_ipv4(peer) == me->ip);
    if (is_self) {
        loader.diag.error(r.pos(key), quoted(std::string(shown)) +
                                          " names the acting host itself; wirelab has no "
                                          "loopback");
        return false;
    }
    return true;
}

std::optional<std::string> read_link_ref(Loader& loader, TableReader& r) {
    auto name = r.string("link", true);
    if (!name) return std::nullopt;
    if (!loader.links.contains(*name)) {
        loader.diag.error(r.pos("link"), "unknown link " + quoted(*name) +
                                             did_you_mean(*name, loader.link_names()));
        return std::nullopt;
    }
    return name;
}

// "server:80" -> peer, port.
void read_to(Loader& loader, TableReader& r, Action& action) {
    auto to = r.string("to", true);
    if (!to) return;
    std::size_t colon = to->rfind(':');
    std::string peer = to->substr(0, colon == std::string::npos ? to->size() : colon);
    std::string port = colon == std::string::npos ? "" : to->substr(colon + 1);
    bool digits =
        !port.empty() && port.size() <= 5 &&
        std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (colon == std::string::npos || peer.empty() || !digits) {
        loader.diag.error(r.pos("to"),
                          "bad \"to\" " + quoted(*to) + ": write host:port, e.g. \"server:80\"");
        return;
    }
    int number = std::stoi(port);
    if (number < 1 || number > 65535) {
        loader.diag.error(r.pos("to"), "port " + port + " in \"to\" is out of range (1 to 65535)");
        return;
    }
    if (!check_peer(loader, r, "to", peer, action.host, *to)) return;
    action.peer = peer;
    action.port = static_cast<std::uint16_t>(number);
}

void read_optional_peer(Loader& loader, TableReader& r, Action& action) {
    if (auto peer = r.string("peer"))
        if (check_peer(loader, r, "peer", *peer, action.host, *peer)) action.peer = *peer;
}

// text = "..." or hex = "..." (exactly one unless optional).
void read_payload(Loader& loader, TableReader& r, Action& action, bool allow_hex, bool required) {
    auto text = r.string("text");
    std::optional<std::string> hex = allow_hex ? r.string("hex") : std::nullopt;
    if (text && hex) {
        loader.diag.error(r.pos("hex"), "give either \"text\" or \"hex\", not both");
        return;
    }
    if (text) {
        action.data.assign(text->begin(), text->end());
    } else if (hex) {
        if (!wire::from_hex(*hex, action.data)) {
            loader.diag.error(r.pos("hex"), "bad \"hex\" " + quoted(*hex) +
                                                ": write pairs of hex digits, e.g. \"48656c6c6f\"");
            return;
        }
        action.binary = true;
    } else if (required && !r.has("text") && !r.has("hex")) {
        loader.diag.error(r.pos(), std::string("missing \"text\"") +
                                       (allow_hex ? " or \"hex\"" : "") + " in " + r.context());
    }
}

void read_path(Loader& loader, TableReader& r, Action& action) {
    action.path = "/";
    if (auto path = r.string("path")) {
        if (path->empty() || path->front() != '/' ||
            path->find_first_of(" \t\r\n") != std::string::npos)
            loader.diag.error(r.pos("path"), "bad \"path\" " + quoted(*path) +
                                                 ": it starts with \"/\" and has no spaces");
        else
            action.path = *path;
    }
}

bool valid_close_code(std::int64_t code) {
    // RFC 6455 7.4: codes an endpoint may send (1004-1006 and 1015 are reserved).
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

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

void check_before_until(Loader& loader, TableReader& r, std::string_view key, std::int64_t at) {
    const auto& until = loader.scenario.until;
    if (until && at > *until)
        loader.diag.error(r.pos(key), quoted(format_duration(at)) +
                                          " is after the end of the lesson ([world] until = " +
                                          quoted(format_duration(*until)) + ")");
}

} // namespace

void read_action(Loader& loader, const toml::table& table) {
    const toml::node* kind_node = table.get("do");
    std::optional<ActionKind> kind;
    if (kind_node && kind_node->is_string())
        kind = parse_action_kind(*kind_node->value<std::string>());
    TableReader r(table, kind ? std::string(to_string(*kind)) + " action" : "[[action]]",
                  loader.diag);
    Action action;
    action.pos = r.pos();
    bool ok = true;
    if (auto at = r.duration("at", true)) {
        action.at = *at;
        check_before_until(loader, r, "at", *at);
    } else {
        ok = false;
    }
    auto name = r.string("do", true);
    if (!kind) {
        if (name)
            loader.diag.error(r.pos("do"), "unknown action " + quoted(*name) +
                                               did_you_mean(*name, action_kind_names));
        return; // without a kind the other keys cannot be checked
    }
    action.kind = *kind;

    using K = ActionKind;
    const bool is_http = *kind >= K::http_serve;
    const bool is_tcp = *kind <= K::tcp_abort, is_sio = *kind >= K::sio_listen && !is_http;
    const bool is_ws = *kind >= K::ws_listen && !is_sio && !is_http;
    if (is_tcp || is_ws || is_sio || is_http) {
        const std::string_view stage = is_tcp ? "tcp" : is_sio ? "sio" : is_http ? "http" : "ws";
        auto host = r.has("hosts")
                        ? read_group_ref(loader, r, stage, to_string(*kind))
                        : read_host_ref(loader, r, "host", true, stage, to_string(*kind));
        if (host)
            action.host = *host;
        else
            ok = false;
    }
    switch (*kind) {
    case K::sio_listen:
        if (auto port = r.integer("port", true, 1, 65535))
            action.port = static_cast<std::uint16_t>(*port);
        read_sio_timers(loader, r, action);
        break;
    case K::sio_connect:
        if (ok)
            read_to(loader, r, action);
        else
            r.allow("to");
        read_transport(loader, r, action);
        read_sio_timers(loader, r, action);
        break;
    case K::sio_emit:
        read_event(loader, r, action);
        read_args(loader, r, action);
        if (auto ack = r.boolean("ack")) action.ack = *ack;
        break;
    case K::sio_join:
    case K::sio_leave: read_room(loader, r, action); break;
    case K::sio_broadcast:
    case K::sio_to:
        if (*kind == K::sio_to) read_room(loader, r, action);
        read_event(loader, r, action);
        read_args(loader, r, action);
        break;
    case K::http_serve:
    case K::http_update:
    case K::http_get:
    case K::http_poll:
        if (*kind == K::http_serve)
            if (auto port = r.integer("port", true, 1, 65535))
                action.port = static_cast<std::uint16_t>(*port);
        if (*kind == K::http_get || *kind == K::http_poll) {
            if (ok)
                read_to(loader, r, action);
            else
                r.allow("to");
        }
        read_path(loader, r, action);
        read_http(loader, r, action);
        break;
    case K::tcp_listen:
    case K::ws_listen:
        if (auto port = r.integer("port", true, 1, 65535))
            action.port = static_cast<std::uint16_t>(*port);
        if (*kind == K::ws_listen) read_path(loader, r, action);
        break;
    case K::tcp_connect:
    case K::ws_connect:
        if (ok)
            read_to(loader, r, action);
        else
            r.allow("to");
        if (*kind == K::ws_connect) read_path(loader, r, action);
        break;
    case K::tcp_send:
    case K::ws_send:
        if (ok)
            read_optional_peer(loader, r, action);
        else
            r.allow("peer");
        read_payload(loader, r, action, true, true);
        if (*kind == K::tcp_send && r.has("text") && action.data.empty() && !r.has("hex"))
            loader.diag.error(r.pos("text"), "nothing to send: \"text\" is empty");
        if (*kind == K::ws_send)
            if (auto fragment = r.integer("fragment", false, 0, 1 << 24))
                action.fragment = static_cast<std::size_t>(*fragment);
        break;
    case K::tcp_close:
    case K::tcp_abort:
        if (ok)
            read_optional_peer(loader, r, action);
        else
            r.allow("peer");
        break;
    case K::ws_ping:
        if (ok)
            read_optional_peer(loader, r, action);
        else
            r.allow("peer");
        read_payload(loader, r, action, false, false);
        if (action.data.size() > 125)
            loader.diag.error(r.pos("text"), "a ping carries at most 125 bytes (got " +
                                                 std::to_string(action.data.size()) + ")");
        break;
    case K::ws_close:
        if (ok)
            read_optional_peer(loader, r, action);
        else
            r.allow("peer");
        if (auto code = r.integer("code")) {
            if (valid_close_code(*code))
                action.code = static_cast<std::uint16_t>(*code);
            else
                loader.diag.error(r.pos("code"), "close code " + std::to_string(*code) +
                                                     " may not be sent: use 1000-1003, "
                                                     "1007-1014 or 3000-4999");
        }
        if (auto reason = r.string("reason")) {
            if (reason->size() > 123)
                loader.diag.error(r.pos("reason"), "a close reason is at most 123 bytes (got " +
                                                       std::to_string(reason->size()) + ")");
            action.reason = *reason;
        }
        break;
    case K::link_cut:
    case K::link_restore:
        if (auto link = read_link_ref(loader, r)) action.link = *link;
        break;
    case K::drop_next: {
        auto link = read_link_ref(loader, r);
        if (link) action.link = *link;
        if (auto count = r.integer("count", false, 1, 1'000'000))
            action.count = static_cast<int>(*count);
        if (auto from = r.string("from"); from && link) {
            const LinkSpec& spec = loader.scenario.links[loader.links.at(*link)];
            if (*from != spec.a && *from != spec.b)
                loader.diag.error(r.pos("from"), "\"from\" must be one end of link " +
                                                     quoted(*link) + ": " + quoted(spec.a) +
                                                     " or " + quoted(spec.b));
            action.from = *from;
        }
        break;
    }
    }
    r.finish();
    push_action(loader, r, std::move(action));
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
