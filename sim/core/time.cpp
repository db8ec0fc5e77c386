// format_time / parse_duration: the two textual forms of Time (ladder labels, scenario
// files, the CLI's --until). Both are exact: every Time prints to a string that parses back.
#include "sim/core/time.hpp"

#include <cstdio>
#include <limits>

namespace wirelab {

namespace {

// "<whole>.<frac>" with frac zero-padded to `digits` and then its trailing zeros trimmed
// (the dot too when nothing is left), unless keep_digits forces all of them.
std::string fixed_point(std::uint64_t value, std::uint64_t scale, int digits, bool keep_digits) {
    std::string out = std::to_string(value / scale);
    std::uint64_t frac = value % scale;
    if (frac == 0 && !keep_digits) return out;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%0*llu", digits, static_cast<unsigned long long>(frac));
    std::string f = buf;
    if (!keep_digits)
        while (!f.empty() && f.back() == '0')
            f.pop_back();
    return out + "." + f;
}

} // namespace

std::string format_time(Time t) {
    // The magnitude as unsigned, so INT64_MIN has one too.
    const bool negative = t < 0;
    const std::uint64_t v =
        negative ? std::uint64_t{0} - static_cast<std::uint64_t>(t) : static_cast<std::uint64_t>(t);
    std::string body;
    if (v >= 1'000'000'000) {
        if (v % 1'000 == 0)
            body = fixed_point(v / 1'000, 1'000'000, 6, true) + " s";
        else
            body = fixed_point(v, 1'000'000'000, 9, true) + " s";
    } else if (v >= 1'000'000) {
        body = fixed_point(v, 1'000'000, 6, false) + " ms";
    } else if (v >= 1'000) {
        body = fixed_point(v, 1'000, 3, false) + " us";
    } else {
        body = std::to_string(v) + " ns";
    }
    return negative ? "-" + body : body;
}

std::optional<Time> parse_duration(std::string_view text) {
    std::size_t i = 0;
    auto digit = [&](std::size_t k) { return k < text.size() && text[k] >= '0' && text[k] <= '9'; };

    // The number, kept as an exact decimal: integer part and fraction digits.
    std::uint64_t whole = 0;
    if (!digit(i)) return std::nullopt;
    for (; digit(i); ++i) {
        if (whole > (std::numeric_limits<std::uint64_t>::max() - 9) / 10) return std::nullopt;
        whole = whole * 10 + static_cast<std::uint64_t>(text[i] - '0');
    }
    std::string_view frac;
    if (i < text.size() && text[i] == '.') {
        std::size_t start = ++i;
        for (; digit(i); ++i) {}
        frac = text.substr(start, i - start);
        if (frac.empty()) return std::nullopt;
    }
    while (i < text.size() && text[i] == ' ')
        ++i;

    const std::string_view unit = text.substr(i);
    std::uint64_t scale = 0;
    int scale_digits = 0;
    if (unit == "ns") {
        scale = 1, scale_digits = 0;
    } else if (unit == "us" || unit == "\u00b5s") {
        scale = 1'000, scale_digits = 3;
    } else if (unit == "ms") {
        scale = 1'000'000, scale_digits = 6;
    } else if (unit == "s") {
        scale = 1'000'000'000, scale_digits = 9;
    } else {
        return std::nullopt;
    }

    // Fraction digits beyond the unit's nanosecond resolution must be zeros.
    std::uint64_t frac_ns = 0;
    for (std::size_t k = 0; k < frac.size(); ++k) {
        const auto d = static_cast<std::uint64_t>(frac[k] - '0');
        if (static_cast<int>(k) < scale_digits)
            frac_ns = frac_ns * 10 + d;
        else if (d != 0)
            return std::nullopt;
    }
    for (int k = static_cast<int>(frac.size()); k < scale_digits; ++k)
        frac_ns *= 10;

    constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<Time>::max());
    if (whole > max / scale) return std::nullopt;
    const std::uint64_t total = whole * scale;
    if (total > max - frac_ns) return std::nullopt;
    return static_cast<Time>(total + frac_ns);
}

} // namespace wirelab
