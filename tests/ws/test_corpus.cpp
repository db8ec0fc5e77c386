// Replays every file of the fuzz seed corpus (tests/fuzz/corpus/ws) through the same driver
// as the libFuzzer target, in the plain build: no crash, no invariant broken, and the
// connection always ends CLOSED.
#include "tests/ws/ws_fuzz_driver.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

TEST_CASE("the ws fuzz corpus replays cleanly") {
    const std::filesystem::path dir =
        std::filesystem::path(WIRELAB_SOURCE_DIR) / "tests" / "fuzz" / "corpus" / "ws";
    REQUIRE(std::filesystem::is_directory(dir));
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(in)),
                                       std::istreambuf_iterator<char>());
        INFO(entry.path().filename().string());
        CHECK(wstest::drive_ws_server(data.data(), data.size()));
        ++files;
    }
    CHECK(files >= 10);
}
