// Inside the loader: the state shared by the section readers while one file is loaded.
// load.cpp walks the document in dependency order — [lesson], [world], [[host]], [[switch]],
// [[link]], then the script: [[action]], [[cue]], [[quiz]] (script.cpp) — so a reference can be
// checked, with its position, the moment it is read.
#pragma once

#include "sim/scenario/reader.hpp"

#include <map>
#include <string>

namespace wirelab::scenario::detail {

struct Loader {
    explicit Loader(const std::string& file) : diag(file) { scenario.path = file; }

    Diagnostics diag;
    Scenario scenario;

    struct NodeInfo {
        bool is_host = false;
        std::size_t index = 0; // into scenario.hosts or scenario.switches
        SourcePos pos;
    };
    std::map<std::string, NodeInfo, std::less<>> nodes;        // hosts and switches by name
    std::map<std::string, std::size_t, std::less<>> links;     // by name, into scenario.links
    std::map<std::string, std::string, std::less<>> host_link; // host -> its one link
    std::vector<std::optional<SourcePos>> mac_pos; // per host: where "mac" was given, if it was

    // A [[hosts]] group: its members (hosts, in order) and the switch they are linked to.
    struct HostGroup {
        std::vector<std::string> members;
        std::string switch_name;
        LinkSpec link; // bandwidth, delay, loss, queue for each member's link
        SourcePos pos, switch_pos;
    };
    std::map<std::string, HostGroup, std::less<>> groups;
    // The action being read names a group: its name and the step between members, ns.
    std::optional<std::pair<std::string, std::int64_t>> group_action;

    const HostSpec* host(std::string_view name) const;
    // Names of every host (or every host and switch) for "did you mean".
    std::vector<std::string_view> host_names(bool with_switches = false) const;
    std::vector<std::string_view> link_names() const;
};

// Names of hosts, switches and links: a letter, then letters, digits, '-' or '_'.
bool valid_name(std::string_view name);

void read_lesson(Loader& loader, const toml::table& table);
void read_world(Loader& loader, const toml::table& table);
void read_host(Loader& loader, const toml::table& table);
void read_switch(Loader& loader, const toml::table& table);
void read_link(Loader& loader, const toml::table& table);
void check_macs(Loader& loader);
// Refuses unknown stages, a stage twice, a wrong order, a stage without what it needs.
void check_stack(Loader& loader, const toml::array& array, const std::vector<std::string>& stack);
// [[hosts]] (host_groups.cpp): read with the hosts, linked to their switch after [[link]].
void read_host_group(Loader& loader, const toml::table& table);
void link_host_groups(Loader& loader);
// An action with hosts = "<group>" (and every = "1ms"): its host is the group's first member
// (checked for `stage`), or nullopt after an error. expand_group_action then pushes one copy
// per member, the k-th at `at` + k * every.
std::optional<std::string> read_group_ref(Loader& loader, TableReader& r, std::string_view stage,
                                          std::string_view what);
void push_action(Loader& loader, TableReader& r, Action action);
// Script references (script.cpp), each reporting its own error: "host" naming a host (not a
// switch) with `stage` in its stack when stage is not empty; "link" naming a link; and a
// moment `key` no later than [world] until.
std::optional<std::string> read_host_ref(Loader& loader, TableReader& r, std::string_view key,
                                         bool required, std::string_view stage,
                                         std::string_view what);
std::optional<std::string> read_link_ref(Loader& loader, TableReader& r);
void check_before_until(Loader& loader, TableReader& r, std::string_view key, std::int64_t at);
void read_action(Loader& loader, const toml::table& table);
// sio.* action keys (sio_actions.cpp): event = "chat" (not a reserved name), args = a JSON
// array, room = a non-empty name; each reports its own error.
void read_transport(Loader& loader, TableReader& r, Action& action);
void read_event(Loader& loader, TableReader& r, Action& action);
void read_args(Loader& loader, TableReader& r, Action& action);
void read_room(Loader& loader, TableReader& r, Action& action);
// http.* action keys (http_actions.cpp): body = "..." (serve, update; update needs an earlier
// http.serve of the path on the host), every + count or until (poll).
void read_http(Loader& loader, TableReader& r, Action& action);
// sio.listen: ping_interval / ping_timeout; sio.connect: timeout (whole milliseconds > 0).
void read_sio_timers(Loader& loader, TableReader& r, Action& action);
void read_cue(Loader& loader, const toml::table& table);
void read_quiz(Loader& loader, const toml::table& table);

} // namespace wirelab::scenario::detail
