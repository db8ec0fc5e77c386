// libFuzzer target for the WebSocket engine: arbitrary bytes into a server ws::Connection
// (byte 0 picks chunking and permessage-deflate, see tests/ws/ws_fuzz_driver.hpp).
//   make fuzz    or    build-fuzz/tests/fuzz/fuzz_ws tests/fuzz/corpus/ws
#include "tests/ws/ws_fuzz_driver.hpp"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (!wstest::drive_ws_server(data, size)) std::abort();
    return 0;
}
