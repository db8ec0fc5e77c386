// The lesson file, validated: what a scenario TOML file (scenarios/*.toml, format documented in
// scenarios/README.md) says once load_file()/load_string() have checked every value.
// TOML -> [load.cpp: parse + validate] -> Scenario -> [build.cpp] -> World + Script.
// Times are int64 nanoseconds; IPv4 addresses are host-order uint32 (10.0.0.1 = 0x0a000001).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wirelab::scenario {

// Where something was written: file as given to the loader, 1-based line and column.
struct SourcePos {
    std::string file;
    int line = 0;
    int column = 0;
};

struct Error {
    SourcePos pos;
    std::string message;
    // "file:line:col: error: message" (the compiler convention editors understand).
    std::string format() const;
};

struct LessonInfo {
    std::string title, summary, level; // level: beginner | intermediate | advanced
    std::vector<std::string> topics, experiments;
    int minutes = 0;
};

struct HostSpec {
    std::string name;
    std::uint32_t ip = 0;
    std::uint8_t prefix_len = 24;
    std::array<std::uint8_t, 6> mac{}; // given, or 02:00:00:00:00:<index+1>
    std::optional<std::uint32_t> gateway;
    std::vector<std::string> stack; // stage names, bottom-up; default phy eth arp ipv4 tcp
    SourcePos pos;
};

struct SwitchSpec {
    std::string name;
    SourcePos pos;
};

struct LinkSpec {
    std::string name, a, b; // a and b name a host or a switch
    std::int64_t bandwidth_bps = 100'000'000;
    std::int64_t delay = 0; // propagation, ns
    double loss = 0, duplicate = 0, reorder = 0, corrupt = 0;
    std::size_t queue = 64; // drop-tail, packets
    SourcePos pos;
};

enum class ActionKind {
    tcp_listen,
    tcp_connect,
    tcp_send,
    tcp_close,
    tcp_abort,
    link_cut,
    link_restore,
    drop_next,
    ws_listen,
    ws_connect,
    ws_send,
    ws_ping,
    ws_close,
    sio_listen,
    sio_connect,
    sio_emit,
    sio_join,
    sio_leave,
    sio_broadcast,
    sio_to,
    http_serve,
    http_update,
    http_get,
    http_poll
};
const char* to_string(ActionKind); // "tcp.connect"

// One scripted input. Which fields are meaningful depends on `kind` (see scenarios/README.md).
// tcp.connect / ws.connect "to = server:80" -> peer = "server", port = 80 (peer may be an
// IPv4 string). For send/close/abort, `peer` is "" when the file left it out.
struct Action {
    std::int64_t at = 0;
    ActionKind kind = ActionKind::tcp_listen;
    std::string host, peer, link, from, path, reason;
    std::uint16_t port = 0;
    std::vector<std::uint8_t> data; // text (UTF-8 bytes) or hex
    bool binary = false;            // true when given as hex
    std::size_t fragment = 0;       // ws.send: fragment size in bytes, 0 = one frame
    std::uint16_t code = 1000;      // ws.close status code
    int count = 1;                  // drop.next
    std::string event, room;        // sio.emit / sio.broadcast / sio.to; sio.join / leave / to
    std::string args = "[]";        // sio.*: the event's arguments, a JSON array (validated)
    bool ack = false;               // sio.emit: ask for an acknowledgement
    bool polling = false;           // sio.connect transport = "polling" (then the upgrade)
    std::int64_t every = 0;         // http.poll: ns between requests (count in `count`)
    std::int64_t ping_interval = 25'000'000'000;   // sio.listen: the server's heartbeat, ns
    std::int64_t ping_timeout = 20'000'000'000;    // sio.listen
    std::int64_t connect_timeout = 20'000'000'000; // sio.connect: the client's `timeout`
    SourcePos pos;
};

// A moment of the trace a cue or quiz waits for: the nth event matching every non-empty field.
// event: "state" (host, state) | "arrive" (host?, pdu) | "send" (host?, pdu)
//      | "drop" (host?, link?) | "app" (host, name); "" = any.
struct Trigger {
    std::string event, host, state, pdu, link, name;
    int nth = 1;
};

// Exactly one of `at` and `when` is set.
struct Cue {
    std::optional<std::int64_t> at;
    std::optional<Trigger> when;
    std::string text;
    SourcePos pos;
};

// Exactly one of `at`, `when`, `at_end` is set. answer is a choice index, or -1 with answer_text.
struct Quiz {
    std::optional<std::int64_t> at;
    std::optional<Trigger> when;
    bool at_end = false;
    std::string question;
    std::vector<std::string> choices;
    int answer = -1;
    std::string answer_text, explain;
    SourcePos pos;
};

struct Scenario {
    std::string path;
    LessonInfo lesson;
    std::uint64_t seed = 1;
    std::optional<std::int64_t> until; // ns; unset = run until idle (capped at 60 s)
    std::int64_t tcp_time_wait = 1'000'000'000;
    std::int64_t tcp_delayed_ack = 0; // ns; 0 = every segment is ACKed at once
    std::vector<HostSpec> hosts;
    std::vector<SwitchSpec> switches;
    std::vector<LinkSpec> links;
    std::vector<Action> actions; // sorted stably by `at` (file order for ties)
    std::vector<Cue> cues;
    std::vector<Quiz> quizzes;
};

// Either a scenario and no errors, or no scenario and every error found, in file order.
struct LoadResult {
    std::optional<Scenario> scenario;
    std::vector<Error> errors;
};

LoadResult load_file(const std::string& path);
// `path` is only used to label errors and Scenario::path.
LoadResult load_string(std::string_view toml, const std::string& path);

// The closest candidate within edit distance 2 (1 for words under 4 letters; ties: the first),
// "" if none: for "did you mean" hints.
std::string suggest(std::string_view word, std::span<const std::string_view> candidates);

inline constexpr std::array known_stages = {"phy", "eth",     "arp",  "ipv4", "tcp", "http",
                                            "ws",  "deflate", "json", "sio",  "app", "chat"};

} // namespace wirelab::scenario
