// The script half of a lesson file: [[action]] (scripted inputs); [[cue]] and [[quiz]] are
// in cues.cpp. Runs after the topology is read (load.cpp), so every host and link a script
// names is checked where it is named.
#include "sim/scenario/load.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/wire/bytes.hpp"

#include <algorithm>

namespace wirelab::scenario::detail {

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

namespace {

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
    action.path.assign(1, '/'); // (a literal here trips GCC 12's -Wrestrict false positive)
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

} // namespace

void check_before_until(Loader& loader, TableReader& r, std::string_view key, std::int64_t at) {
    const auto& until = loader.scenario.until;
    if (until && at > *until)
        loader.diag.error(r.pos(key), quoted(format_duration(at)) +
                                          " is after the end of the lesson ([world] until = " +
                                          quoted(format_duration(*until)) + ")");
}

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

} // namespace wirelab::scenario::detail
