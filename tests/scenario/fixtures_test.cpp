// tests/scenario/bad/*.toml: each fixture states, in its leading "# expect: " comment lines,
// exactly the error lines the loader must print for it (path as given from the repo root).
// Add a case by dropping a file there.
#include "sim/scenario/load.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace wirelab::scenario;
namespace fs = std::filesystem;

TEST_CASE("every bad fixture gives exactly its expected errors", "[fixtures]") {
    fs::path dir = fs::path(WIRELAB_SOURCE_DIR) / "tests/scenario/bad";
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().extension() == ".toml") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 8);
    for (const fs::path& file : files) {
        std::ifstream in(file);
        std::stringstream text;
        text << in.rdbuf();
        std::vector<std::string> expected;
        std::string line;
        std::istringstream lines(text.str());
        const std::string marker = "# expect: ";
        while (std::getline(lines, line) && line.starts_with(marker))
            expected.push_back(line.substr(marker.size()));
        INFO(file.filename().string());
        REQUIRE_FALSE(expected.empty());

        std::string label = "tests/scenario/bad/" + file.filename().string();
        LoadResult r = load_string(text.str(), label);
        std::vector<std::string> got;
        for (const Error& e : r.errors)
            got.push_back(e.format());
        CHECK(got == expected);
        CHECK_FALSE(r.scenario);
    }
}
