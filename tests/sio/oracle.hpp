// Runs the reference encoders (tests/sio/oracle/encode.js with the npm socket.io-parser and
// engine.io-parser pinned in its package-lock.json) on a batch of requests. A missing
// node or node_modules is a test failure, never a skip: run
// `npm ci --prefix tests/sio/oracle --no-audit --no-fund` (make setup does).
#pragma once

#include "sim/proto/sio/json_text.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace wirelab::sio::test {

inline std::string oracle_dir() {
    return std::string(WIRELAB_SOURCE_DIR) + "/tests/sio/oracle";
}

inline bool oracle_installed() {
    return std::filesystem::exists(oracle_dir() + "/node_modules/socket.io-parser/package.json") &&
           std::filesystem::exists(oracle_dir() + "/node_modules/engine.io-parser/package.json");
}

// One round trip to node for a whole array of requests; returns the array of answers.
inline Json run_oracle(const Json& requests) {
    const auto in = std::filesystem::temp_directory_path() /
                    ("wirelab_sio_oracle_" + std::to_string(::getpid()) + ".json");
    {
        std::ofstream f(in, std::ios::binary);
        f << stringify(requests);
    }
    const std::string cmd = "node '" + oracle_dir() + "/encode.js' < '" + in.string() + "'";
    FILE* pipe = ::popen(cmd.c_str(), "r");
    if (!pipe) throw std::runtime_error("cannot run node");
    std::string out;
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0)
        out.append(buf, n);
    const int status = ::pclose(pipe);
    std::filesystem::remove(in);
    if (status != 0) throw std::runtime_error("node exited with status " + std::to_string(status));
    auto parsed = parse_json(out);
    if (!parsed || !parsed->is_array() || parsed->size() != requests.size()) {
        throw std::runtime_error("bad oracle output: " + out.substr(0, 200));
    }
    return *parsed;
}

} // namespace wirelab::sio::test
