// Robustness: a few hundred seeded random mutations of a good lesson file (lines deleted or
// duplicated, characters swapped, dropped or replaced) never crash or throw; each either loads
// cleanly or gives at least one error, every error placed inside the file and listed in order.
#include "sim/scenario/load.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <sstream>

using namespace wirelab::scenario;

namespace {

std::string read_full() {
    std::ifstream in(std::string(WIRELAB_SOURCE_DIR) + "/tests/scenario/full.toml");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

std::string mutate(const std::string& text, std::mt19937& rng) {
    auto pick = [&](std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    };
    static const std::string alphabet = "abcxyz019 .:-_=\"'[]{},#\n\\\t\x01\xc3\xa9";
    std::string out = text;
    switch (pick(6)) {
    case 0: { // delete a line
        auto lines = split_lines(out);
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(pick(lines.size())));
        out.clear();
        for (const auto& l : lines)
            out += l + "\n";
        break;
    }
    case 1: { // duplicate a line
        auto lines = split_lines(out);
        std::size_t k = pick(lines.size());
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(k), lines[k]);
        out.clear();
        for (const auto& l : lines)
            out += l + "\n";
        break;
    }
    case 2: { // swap two adjacent characters
        std::size_t k = pick(out.size() - 1);
        std::swap(out[k], out[k + 1]);
        break;
    }
    case 3: out.erase(pick(out.size()), 1); break;
    case 4: out[pick(out.size())] = alphabet[pick(alphabet.size())]; break;
    default: out.insert(pick(out.size()), 1, alphabet[pick(alphabet.size())]); break;
    }
    return out;
}

} // namespace

TEST_CASE("random mutations of a good file load or fail cleanly", "[mutation]") {
    const std::string good = read_full();
    REQUIRE(load_string(good, "m.toml").scenario);
    std::mt19937 rng(20240601);
    int loaded = 0, refused = 0;
    for (int round = 0; round < 400; ++round) {
        std::string text = good;
        int edits = 1 + static_cast<int>(rng() % 3);
        for (int e = 0; e < edits; ++e)
            text = mutate(text, rng);
        const int line_count = static_cast<int>(split_lines(text).size()) + 1;
        LoadResult r;
        REQUIRE_NOTHROW(r = load_string(text, "m.toml"));
        INFO("round " << round << ":\n" << text);
        if (r.scenario) {
            CHECK(r.errors.empty());
            ++loaded;
            continue;
        }
        ++refused;
        REQUIRE_FALSE(r.errors.empty());
        for (std::size_t k = 0; k < r.errors.size(); ++k) {
            const Error& e = r.errors[k];
            CHECK(e.pos.file == "m.toml");
            CHECK(e.pos.line >= 1);
            CHECK(e.pos.line <= line_count);
            CHECK(e.pos.column >= 1);
            CHECK_FALSE(e.message.empty());
            if (k > 0)
                CHECK(std::pair(r.errors[k - 1].pos.line, r.errors[k - 1].pos.column) <=
                      std::pair(e.pos.line, e.pos.column));
        }
    }
    // The mutations must exercise both outcomes, or the test proves little.
    CHECK(loaded > 20);
    CHECK(refused > 100);
}
