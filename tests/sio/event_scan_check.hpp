// The client's fast path for an event against the general one, for json_event_test and
// json_parse_test: scan_json_event must say yes exactly when parse_json gives an array
// whose first item is a string, and then give that name and, through EventArgs, the value
// of the items after it.
#pragma once

#include "sim/proto/sio/event_args.hpp"
#include "sim/proto/sio/json_text.hpp"

#include <string>
#include <string_view>

namespace wirelab::sio::test {

// parse_json's array without its first item.
inline Json rest_of(const Json& array) {
    Json rest = Json::array();
    for (std::size_t i = 1; i < array.size(); ++i)
        rest.push_back(array[i]);
    return rest;
}

inline bool event_agrees(std::string_view text) {
    std::string name = "stale";
    std::string_view tail;
    const bool fast = scan_json_event(text, name, tail);
    const auto full = parse_json(text);
    const bool expect = full && full->is_array() && !full->empty() && (*full)[0].is_string();
    if (fast != expect) return false;
    if (!fast) return true;
    // The tail is a suffix of the text, and the arguments it makes are the same value.
    if (tail.data() + tail.size() != text.data() + text.size()) return false;
    const EventArgs args = EventArgs::from_tail(tail);
    return name == (*full)[0].get_ref<const std::string&>() && args.is_text() &&
           args.text() == "[" + std::string(tail) && args.json() == rest_of(*full);
}

} // namespace wirelab::sio::test
