// What every scenario error test asks: the formatted errors of a file's text, checking on the
// way that a file loads exactly when it has none.
#pragma once

#include "sim/scenario/load.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace wirelab::scenario::testing {

using Lines = std::vector<std::string>;

inline Lines errors_of(const std::string& text) {
    LoadResult r = load_string(text, "x.toml");
    Lines out;
    for (const Error& e : r.errors)
        out.push_back(e.format());
    CHECK(r.scenario.has_value() == out.empty());
    return out;
}

} // namespace wirelab::scenario::testing
