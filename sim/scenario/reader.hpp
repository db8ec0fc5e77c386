// Inside the loader (load.cpp -> sections.cpp / script.cpp): error collection with source
// positions, and TableReader, which reads one TOML table key by key with typed getters, checks
// types and ranges, and reports the keys nobody asked for as unknown (with "did you mean").
// Every getter records its key as allowed, so call each getter of a table unconditionally.
#pragma once

#include "sim/scenario/scenario.hpp"

#include <toml++/toml.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wirelab::scenario::detail {

class Diagnostics {
public:
    explicit Diagnostics(std::string file) : file_(std::move(file)) {}

    SourcePos pos(const toml::source_region& region) const {
        return {file_, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
    }
    SourcePos pos(const toml::node& node) const { return pos(node.source()); }
    void error(SourcePos at, std::string message) {
        errors_.push_back({std::move(at), std::move(message)});
    }
    void error(const toml::node& at, std::string message) { error(pos(at), std::move(message)); }
    bool ok() const { return errors_.empty(); }
    // Every error so far, ordered by position (stable: same position keeps report order).
    std::vector<Error> take_sorted();

private:
    std::string file_;
    std::vector<Error> errors_;
};

// `"name"` with the quotes, as messages print names.
std::string quoted(std::string_view text);
// " (did you mean "x"?)" or "".
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

class TableReader {
public:
    // `context` names the table in messages: "[[host]]", "tcp.send action", "`when`".
    TableReader(const toml::table& table, std::string context, Diagnostics& diag)
        : table_(table), context_(std::move(context)), diag_(diag) {}

    // The node of `key`, or nullptr; marks `key` as allowed. Missing + required -> error.
    const toml::node* get(std::string_view key, bool required = false);
    bool has(std::string_view key) const { return table_.contains(key); }
    SourcePos pos() const { return diag_.pos(table_); }
    SourcePos pos(std::string_view key) const;

    std::optional<std::string> string(std::string_view key, bool required = false);
    std::optional<std::int64_t>
    integer(std::string_view key, bool required = false,
            std::int64_t min = std::numeric_limits<std::int64_t>::min(),
            std::int64_t max = std::numeric_limits<std::int64_t>::max());
    // A float or an integer in [0, 1].
    std::optional<double> probability(std::string_view key);
    std::optional<std::vector<std::string>> strings(std::string_view key, bool required = false);
    std::optional<std::int64_t> duration(std::string_view key, bool required = false,
                                         bool allow_negative = false);
    // "100Mbps" or a plain integer of bits per second; must be > 0.
    std::optional<std::int64_t> bandwidth(std::string_view key, bool required = false);
    std::optional<bool> boolean(std::string_view key, bool required = false);

    void missing(std::string_view key);
    void wrong_type(const toml::node& node, std::string_view key, std::string_view expected);
    // Reports every key of the table that no getter asked for.
    void finish();
    // Marks keys as allowed without reading them (for a second reader of the same table).
    void allow(std::string_view key) { allowed_.push_back(key); }

    Diagnostics& diag() { return diag_; }
    const std::string& context() const { return context_; }

private:
    const toml::table& table_;
    std::string context_;
    Diagnostics& diag_;
    std::vector<std::string_view> allowed_;
};

} // namespace wirelab::scenario::detail
