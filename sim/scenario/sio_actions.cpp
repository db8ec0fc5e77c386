// The keys of the sio.* actions in a lesson file: event, args (a JSON array) and room.
#include "sim/scenario/load.hpp"
#include "sim/scenario/loader.hpp"

#include <algorithm>

namespace wirelab::scenario::detail {

namespace {
// Socket.IO's reserved event names, which an application may not emit.
constexpr std::string_view reserved_events[] = {"connect",       "connect_error", "disconnect",
                                                "disconnecting", "newListener",   "removeListener"};

} // namespace

// transport = "websocket" (the default) or "polling": HTTP long-polling first, then the
// upgrade to a WebSocket, as the reference client does by default.
void read_transport(Loader& loader, TableReader& r, Action& action) {
    auto transport = r.string("transport");
    if (!transport) return;
    if (*transport == "polling")
        action.polling = true;
    else if (*transport != "websocket")
        loader.diag.error(r.pos("transport"), "unknown transport " + quoted(*transport) +
                                                  ": write \"websocket\" or \"polling\"");
}

// event = "chat" (required, not reserved).
void read_event(Loader& loader, TableReader& r, Action& action) {
    auto event = r.string("event", true);
    if (!event) return;
    if (event->empty())
        loader.diag.error(r.pos("event"), "\"event\" must not be empty");
    else if (std::find(std::begin(reserved_events), std::end(reserved_events), *event) !=
             std::end(reserved_events))
        loader.diag.error(r.pos("event"), quoted(*event) + " is a reserved Socket.IO event "
                                                           "name; pick another, e.g. \"chat\"");
    action.event = *event;
}

// args = '["hi", 1]': the event's arguments, a JSON array (default: none).
void read_args(Loader& loader, TableReader& r, Action& action) {
    auto args = r.string("args");
    if (!args) return;
    if (!is_json_array(*args)) {
        loader.diag.error(r.pos("args"), "bad \"args\" " + quoted(*args) +
                                             ": write a JSON array, e.g. '[\"hi\"]'");
        return;
    }
    action.args = *args;
}

// room = "a" (required, not empty).
void read_room(Loader& loader, TableReader& r, Action& action) {
    auto room = r.string("room", true);
    if (!room) return;
    if (room->empty()) loader.diag.error(r.pos("room"), "\"room\" must not be empty");
    action.room = *room;
}

// The Engine.IO heartbeat of sio.listen and the connect timeout of sio.connect: durations
// in whole milliseconds (the protocol's unit), more than 0.
void read_sio_timers(Loader& loader, TableReader& r, Action& action) {
    auto one = [&](std::string_view key, std::int64_t& into) {
        auto v = r.duration(key);
        if (!v) return;
        if (*v <= 0 || *v % 1'000'000 != 0)
            loader.diag.error(r.pos(key), quoted(std::string(key)) +
                                              " must be a whole number of milliseconds, more "
                                              "than 0 (Engine.IO counts in ms)");
        else
            into = *v;
    };
    if (action.kind == ActionKind::sio_listen) {
        one("ping_interval", action.ping_interval);
        one("ping_timeout", action.ping_timeout);
    } else {
        one("timeout", action.connect_timeout);
    }
}

} // namespace wirelab::scenario::detail
