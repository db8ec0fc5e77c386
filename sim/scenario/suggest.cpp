// "Did you mean": the nearest known word to a misspelt one, for the loader's error messages.
#include "sim/scenario/scenario.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace wirelab::scenario {

namespace {

char fold(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// Optimal string alignment distance (Levenshtein plus adjacent transpositions, so "tpc" is one
// edit from "tcp"), compared case-insensitively so "established" finds "ESTABLISHED".
std::size_t edit_distance(std::string_view a, std::string_view b) {
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::size_t> d((n + 1) * (m + 1));
    auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * (m + 1) + j]; };
    for (std::size_t i = 0; i <= n; ++i)
        at(i, 0) = i;
    for (std::size_t j = 0; j <= m; ++j)
        at(0, j) = j;
    for (std::size_t i = 1; i <= n; ++i)
        for (std::size_t j = 1; j <= m; ++j) {
            std::size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
            at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
            if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
                fold(a[i - 2]) == fold(b[j - 1]))
                at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
        }
    return at(n, m);
}

} // namespace

std::string suggest(std::string_view word, std::span<const std::string_view> candidates) {
    constexpr std::size_t max_distance = 2;
    std::string_view best;
    std::size_t best_distance = max_distance + 1;
    for (std::string_view candidate : candidates) {
        if (candidate.empty()) continue;
        std::size_t distance = edit_distance(word, candidate);
        // Short words get one edit ("tpc" -> "tcp"), longer ones two ("ether" -> "eth"); a word
        // that has to be rewritten entirely ("xy" -> "phy") is no misspelling.
        std::size_t limit = std::min(max_distance, std::max<std::size_t>(1, word.size() / 2));
        if (distance > limit || distance >= word.size()) continue;
        if (distance < best_distance) {
            best = candidate;
            best_distance = distance;
        }
    }
    return std::string(best);
}

} // namespace wirelab::scenario
