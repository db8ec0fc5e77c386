// Replays the fuzz corpus (tests/fuzz/corpus/http/) through the fuzz target's oracle, so every
// crash or chunking dependence the fuzzer once found stays fixed without building libFuzzer.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "../fuzz/http_oracle.hpp"

namespace fs = std::filesystem;

namespace {
std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}
const fs::path corpus = fs::path(WIRELAB_SOURCE_DIR) / "tests/fuzz/corpus/http";
} // namespace

TEST_CASE("fuzz corpus replays cleanly at its chunk sizes and at every other", "[http][fuzz]") {
    std::size_t files = 0;
    for (const auto& entry : fs::directory_iterator(corpus)) {
        std::string data = read(entry.path());
        INFO(entry.path().filename().string());
        ++files;
        // The first byte picks the piece size; try all 32 of them.
        for (int first = 0; first < 32; ++first) {
            if (!data.empty()) data[0] = static_cast<char>(first);
            CHECK(wirelab::fuzz::http_oracle(reinterpret_cast<const std::uint8_t*>(data.data()),
                                             data.size()) == "");
        }
    }
    CHECK(files >= 8);
}

TEST_CASE("the corpus seeds reach the outcomes they were written for", "[http][fuzz]") {
    // Sanity of the oracle itself: the seeds reach the outcomes they were written for.
    using namespace wirelab::http;
    std::string rfc = read(corpus / "rfc6455_request");
    ServerHandshake hs;
    hs.receive_data({reinterpret_cast<const std::uint8_t*>(rfc.data()) + 1, rfc.size() - 1});
    CHECK(hs.accepted());
    std::string response = read(corpus / "client_response");
    ClientOptions options;
    options.host = "h";
    ClientHandshake client{options, [] { return KeyBytes{}; }};
    client.receive_data(
        {reinterpret_cast<const std::uint8_t*>(response.data()) + 1, response.size() - 1});
    CHECK(client.open());
    CHECK(client.leftover().size() == 4);
}
