// The scenario loader's public surface beyond scenario.hpp: the value parsers it uses for
// durations, bandwidths and addresses, so the command line and the UI accept the very same
// spellings as a lesson file ("20ms", "100Mbps", "10.0.0.1/24", "02:00:00:00:00:01").
// load_file()/load_string() themselves are declared in scenario.hpp.
#pragma once

#include "sim/scenario/scenario.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wirelab::scenario {

// "20ms", "1.5s", "250us" (or "250µs"), "100ns", "2s", "-5ms" -> nanoseconds: the spelling of
// wirelab::parse_duration (sim/core/time.hpp) plus a leading '-', accepted so that the caller
// can say "must not be negative". nullopt when it does not parse, overflows or is finer than
// 1 ns ("0.5ns").
std::optional<std::int64_t> parse_duration(std::string_view text);

// "100Mbps", "1.5Gbps", "64kbps", "9600bps" -> bits per second (units are case-sensitive:
// "MBps" would read as bytes). nullopt when it does not parse or is not a whole number of bps.
std::optional<std::int64_t> parse_bandwidth(std::string_view text);

// Dotted quad "10.0.0.1" -> 0x0a000001. No leading zeros ("010.0.0.1" is refused: it reads as
// octal to some tools), no missing octets.
std::optional<std::uint32_t> parse_ipv4(std::string_view text);
std::string format_ipv4(std::uint32_t ip);

// "02:00:00:00:00:01" (or '-' separated) -> bytes.
std::optional<std::array<std::uint8_t, 6>> parse_mac(std::string_view text);
std::string format_mac(const std::array<std::uint8_t, 6>& mac);

// The formatted spellings ("1.5s", "100Mbps") used in messages and documentation.
std::string format_duration(std::int64_t ns);

// True if `text` is a JSON array (Socket.IO event arguments, as JSON.parse reads them).
bool is_json_array(std::string_view text);

// "tcp.connect" -> ActionKind; nullopt for an unknown name.
std::optional<ActionKind> parse_action_kind(std::string_view name);
inline constexpr std::array<std::string_view, 24> action_kind_names = {
    "tcp.listen",    "tcp.connect", "tcp.send",    "tcp.close",   "tcp.abort", "link.cut",
    "link.restore",  "drop.next",   "ws.listen",   "ws.connect",  "ws.send",   "ws.ping",
    "ws.close",      "sio.listen",  "sio.connect", "sio.emit",    "sio.join",  "sio.leave",
    "sio.broadcast", "sio.to",      "http.serve",  "http.update", "http.get",  "http.poll"};

} // namespace wirelab::scenario
