// Value spellings shared by lesson files and the tools that read them: durations, bandwidths,
// IPv4 and MAC addresses, action names, and the one-line error format.
#include "sim/scenario/load.hpp"

#include "sim/core/time.hpp"

#include <charconv>
#include <cstdio>
#include <limits>

namespace wirelab::scenario {

namespace {

struct Unit {
    std::string_view name;
    std::int64_t scale;
};

constexpr Unit bandwidth_units[] = {
    {"bps", 1}, {"kbps", 1'000}, {"Mbps", 1'000'000}, {"Gbps", 1'000'000'000}};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// "[-]digits[.digits][ ]unit" scaled exactly to an integer; nullopt if inexact or too large.
template <std::size_t N>
std::optional<std::int64_t> parse_scaled(std::string_view text, const Unit (&units)[N]) {
    std::size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
    std::size_t whole_begin = i;
    while (i < text.size() && is_digit(text[i]))
        ++i;
    std::string_view whole = text.substr(whole_begin, i - whole_begin);
    std::string_view frac;
    if (i < text.size() && text[i] == '.') {
        std::size_t frac_begin = ++i;
        while (i < text.size() && is_digit(text[i]))
            ++i;
        frac = text.substr(frac_begin, i - frac_begin);
        if (frac.empty()) return std::nullopt;
    }
    if (whole.empty()) return std::nullopt;
    if (i < text.size() && text[i] == ' ') ++i;
    std::string_view unit_name = text.substr(i);
    const Unit* unit = nullptr;
    for (const Unit& u : units)
        if (u.name == unit_name) unit = &u;
    if (unit == nullptr) return std::nullopt;

    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    std::int64_t w = 0;
    auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), w);
    if (ec != std::errc{} || end != whole.data() + whole.size()) return std::nullopt;
    if (w > max / unit->scale) return std::nullopt;
    std::int64_t value = w * unit->scale;

    while (!frac.empty() && frac.back() == '0')
        frac.remove_suffix(1);
    if (!frac.empty()) {
        if (frac.size() > 9) return std::nullopt; // finer than the unit's resolution
        std::int64_t f = 0, pow10 = 1;
        for (char c : frac) {
            f = f * 10 + (c - '0');
            pow10 *= 10;
        }
        if ((f * unit->scale) % pow10 != 0) return std::nullopt; // not a whole ns / bps
        std::int64_t extra = f * unit->scale / pow10;
        if (value > max - extra) return std::nullopt;
        value += extra;
    }
    return negative ? -value : value;
}

} // namespace

// The spelling is sim/core's, so a lesson, the command line and the UI agree; the sign is
// accepted here only so that the loader can say "must not be negative".
std::optional<std::int64_t> parse_duration(std::string_view text) {
    bool negative = text.starts_with('-');
    if (negative) text.remove_prefix(1);
    if (text.starts_with('-') || text.starts_with('+')) return std::nullopt;
    std::optional<Time> t = wirelab::parse_duration(text);
    if (!t) return std::nullopt;
    return negative ? -*t : *t;
}

std::optional<std::int64_t> parse_bandwidth(std::string_view text) {
    auto v = parse_scaled(text, bandwidth_units);
    if (v && !text.empty() && text.front() == '-') return std::nullopt;
    return v;
}

std::string format_duration(std::int64_t ns) {
    static constexpr Unit units[] = {
        {"s", 1'000'000'000}, {"ms", 1'000'000}, {"us", 1'000}, {"ns", 1}};
    std::uint64_t magnitude = ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : ns;
    const Unit* unit = &units[3];
    for (const Unit& u : units)
        if (magnitude >= static_cast<std::uint64_t>(u.scale)) {
            unit = &u;
            break;
        }
    auto scale = static_cast<std::uint64_t>(unit->scale);
    std::string out = ns < 0 ? "-" : "";
    out += std::to_string(magnitude / scale);
    if (std::uint64_t rest = magnitude % scale; rest != 0) {
        std::string digits = std::to_string(rest);
        std::string frac(std::to_string(scale).size() - 1 - digits.size(), '0');
        frac += digits;
        while (frac.back() == '0')
            frac.pop_back();
        out += "." + frac;
    }
    return out + std::string(unit->name);
}

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
    std::uint32_t ip = 0;
    for (int octet = 0; octet < 4; ++octet) {
        if (octet > 0) {
            if (text.empty() || text.front() != '.') return std::nullopt;
            text.remove_prefix(1);
        }
        std::size_t n = 0;
        while (n < text.size() && n < 4 && is_digit(text[n]))
            ++n;
        if (n == 0 || n > 3 || (n > 1 && text[0] == '0')) return std::nullopt;
        unsigned v = 0;
        for (std::size_t k = 0; k < n; ++k)
            v = v * 10 + static_cast<unsigned>(text[k] - '0');
        if (v > 255) return std::nullopt;
        ip = ip << 8 | v;
        text.remove_prefix(n);
    }
    if (!text.empty()) return std::nullopt;
    return ip;
}

std::string format_ipv4(std::uint32_t ip) {
    return std::to_string(ip >> 24) + "." + std::to_string(ip >> 16 & 0xff) + "." +
           std::to_string(ip >> 8 & 0xff) + "." + std::to_string(ip & 0xff);
}

std::optional<std::array<std::uint8_t, 6>> parse_mac(std::string_view text) {
    if (text.size() != 17) return std::nullopt;
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::array<std::uint8_t, 6> mac{};
    char sep = text[2];
    if (sep != ':' && sep != '-') return std::nullopt;
    for (std::size_t k = 0; k < 6; ++k) {
        int hi = hex(text[k * 3]), lo = hex(text[k * 3 + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        if (k < 5 && text[k * 3 + 2] != sep) return std::nullopt;
        mac[k] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return mac;
}

std::string format_mac(const std::array<std::uint8_t, 6>& mac) {
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
                  mac[4], mac[5]);
    return buf;
}

const char* to_string(ActionKind kind) {
    auto index = static_cast<std::size_t>(kind);
    return index < action_kind_names.size() ? action_kind_names[index].data() : "?";
}

std::optional<ActionKind> parse_action_kind(std::string_view name) {
    for (std::size_t k = 0; k < action_kind_names.size(); ++k)
        if (name == action_kind_names[k]) return static_cast<ActionKind>(k);
    return std::nullopt;
}

std::string Error::format() const {
    return pos.file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) +
           ": error: " + message;
}

} // namespace wirelab::scenario
