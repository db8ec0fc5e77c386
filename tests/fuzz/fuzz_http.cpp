// libFuzzer target: arbitrary bytes in arbitrary chunking into the HTTP Upgrade handshakes
// (sim/proto/http). Build with -DWIRELAB_FUZZ=ON and clang; seeds in corpus/http/. The
// corpus is replayed as an ordinary test by tests/http/corpus_replay_test.cpp.
#include <cstdio>
#include <cstdlib>

#include "http_oracle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string problem = wirelab::fuzz::http_oracle(data, size);
    if (!problem.empty()) {
        std::fprintf(stderr, "fuzz_http: %s\n", problem.c_str());
        std::abort();
    }
    return 0;
}
