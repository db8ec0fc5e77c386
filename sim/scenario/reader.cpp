// TableReader and Diagnostics: typed, position-keeping access to one TOML table.
#include "sim/scenario/reader.hpp"

#include "sim/scenario/load.hpp"

#include <algorithm>
#include <sstream>

namespace wirelab::scenario::detail {

std::vector<Error> Diagnostics::take_sorted() {
    std::stable_sort(errors_.begin(), errors_.end(), [](const Error& a, const Error& b) {
        return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
    });
    return std::move(errors_);
}

std::string quoted(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "\"";
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
    std::string best = suggest(word, candidates);
    return best.empty() ? "" : " (did you mean " + quoted(best) + "?)";
}

const toml::node* TableReader::get(std::string_view key, bool required) {
    allowed_.push_back(key);
    const toml::node* node = table_.get(key);
    if (node == nullptr && required) missing(key);
    return node;
}

SourcePos TableReader::pos(std::string_view key) const {
    const toml::node* node = table_.get(key);
    return node != nullptr ? diag_.pos(*node) : pos();
}

void TableReader::missing(std::string_view key) {
    diag_.error(pos(), "missing " + quoted(key) + " in " + context_);
}

void TableReader::wrong_type(const toml::node& node, std::string_view key,
                             std::string_view expected) {
    diag_.error(node, "expected " + std::string(expected) + " for " + quoted(key));
}

std::optional<std::string> TableReader::string(std::string_view key, bool required) {
    const toml::node* node = get(key, required);
    if (node == nullptr) return std::nullopt;
    if (!node->is_string()) {
        wrong_type(*node, key, "a string");
        return std::nullopt;
    }
    return node->as_string()->get();
}

std::optional<std::int64_t> TableReader::integer(std::string_view key, bool required,
                                                 std::int64_t min, std::int64_t max) {
    const toml::node* node = get(key, required);
    if (node == nullptr) return std::nullopt;
    if (!node->is_integer()) {
        wrong_type(*node, key, "an integer");
        return std::nullopt;
    }
    std::int64_t v = node->as_integer()->get();
    if (v < min || v > max) {
        std::string range = max == std::numeric_limits<std::int64_t>::max()
                                ? "at least " + std::to_string(min)
                                : "between " + std::to_string(min) + " and " + std::to_string(max);
        diag_.error(*node, quoted(key) + " must be " + range + " (got " + std::to_string(v) + ")");
        return std::nullopt;
    }
    return v;
}

std::optional<double> TableReader::probability(std::string_view key) {
    const toml::node* node = get(key);
    if (node == nullptr) return std::nullopt;
    double v = 0;
    if (node->is_floating_point())
        v = node->as_floating_point()->get();
    else if (node->is_integer())
        v = static_cast<double>(node->as_integer()->get());
    else {
        wrong_type(*node, key, "a number between 0 and 1");
        return std::nullopt;
    }
    if (!(v >= 0.0 && v <= 1.0)) { // also refuses nan
        std::ostringstream got;
        got << v;
        diag_.error(*node, quoted(key) + " is a probability and must be between 0 and 1 (got " +
                               got.str() + ")");
        return std::nullopt;
    }
    return v;
}

std::optional<std::vector<std::string>> TableReader::strings(std::string_view key, bool required) {
    const toml::node* node = get(key, required);
    if (node == nullptr) return std::nullopt;
    const toml::array* array = node->as_array();
    if (array == nullptr) {
        wrong_type(*node, key, "an array of strings");
        return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    for (const toml::node& element : *array) {
        if (!element.is_string()) {
            diag_.error(element, "expected a string in " + quoted(key));
            ok = false;
            continue;
        }
        out.push_back(element.as_string()->get());
    }
    if (!ok) return std::nullopt;
    return out;
}

std::optional<std::int64_t> TableReader::duration(std::string_view key, bool required,
                                                  bool allow_negative) {
    const toml::node* node = get(key, required);
    if (node == nullptr) return std::nullopt;
    if (!node->is_string()) {
        wrong_type(*node, key, "a duration string such as \"20ms\"");
        return std::nullopt;
    }
    const std::string& text = node->as_string()->get();
    std::optional<std::int64_t> ns = parse_duration(text);
    if (!ns) {
        diag_.error(*node, "bad duration " + quoted(text) + " for " + quoted(key) +
                               ": write a number and a unit (ns, us, ms, s), e.g. \"20ms\"");
        return std::nullopt;
    }
    if (*ns < 0 && !allow_negative) {
        diag_.error(*node, quoted(key) + " must not be negative (got " + quoted(text) + ")");
        return std::nullopt;
    }
    return ns;
}

std::optional<std::int64_t> TableReader::bandwidth(std::string_view key, bool required) {
    const toml::node* node = get(key, required);
    if (node == nullptr) return std::nullopt;
    std::optional<std::int64_t> bps;
    std::string shown;
    if (node->is_integer()) {
        bps = node->as_integer()->get();
        shown = std::to_string(*bps);
    } else if (node->is_string()) {
        const std::string& text = node->as_string()->get();
        bps = parse_bandwidth(text);
        shown = quoted(text);
        if (!bps) {
            diag_.error(*node, "bad bandwidth " + shown + " for " + quoted(key) +
                                   ": write a number and a unit (bps, kbps, Mbps, Gbps), "
                                   "e.g. \"100Mbps\"");
            return std::nullopt;
        }
    } else {
        wrong_type(*node, key, "a bandwidth string such as \"100Mbps\"");
        return std::nullopt;
    }
    if (*bps <= 0) {
        diag_.error(*node, quoted(key) + " must be more than 0 bps (got " + shown + ")");
        return std::nullopt;
    }
    return bps;
}

std::optional<bool> TableReader::boolean(std::string_view key, bool required) {
    const toml::node* node = get(key, required);
    if (node == nullptr) return std::nullopt;
    if (!node->is_boolean()) {
        wrong_type(*node, key, "true or false");
        return std::nullopt;
    }
    return node->as_boolean()->get();
}

void TableReader::finish() {
    for (auto&& [key, node] : table_) {
        (void)node;
        if (std::find(allowed_.begin(), allowed_.end(), key.str()) != allowed_.end()) continue;
        diag_.error(diag_.pos(key.source()), "unknown key " + quoted(key.str()) + " in " +
                                                 context_ + did_you_mean(key.str(), allowed_));
    }
}

} // namespace wirelab::scenario::detail
