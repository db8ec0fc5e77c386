// The host every stack test builds: 10.0.0.<last>/24, MAC 02:00:00:00:00:<last>, the given
// stages bottom-up, and a short TIME-WAIT so connections finish inside a test's run.
#pragma once

#include "sim/stack/host.hpp"

#include <string>
#include <vector>

namespace wirelab::stack::testing {

inline const std::vector<std::string> tcp_stack{"phy", "eth", "arp", "ipv4", "tcp"};
inline const std::vector<std::string> ws_stack{"phy", "eth", "arp", "ipv4", "tcp", "http", "ws"};

inline HostConfig test_host(std::string name, std::uint8_t last, std::vector<std::string> stack,
                            std::vector<std::string> extra = {}) {
    HostConfig c;
    c.name = std::move(name);
    c.ip = 0x0a000000u | last;
    c.mac = {0x02, 0, 0, 0, 0, last};
    c.stack = std::move(stack);
    c.stack.insert(c.stack.end(), extra.begin(), extra.end());
    c.tcp.time_wait = 100'000'000; // 100 ms
    return c;
}

} // namespace wirelab::stack::testing
