// The host of the star benchmarks: index i is 10.0.0.0/8 + i with MAC 02:00:00:<i as 3
// bytes>, so 10,000 clients and their server fit one subnet around one switch. No ARP: with
// 10,000 hosts every ARP request would be flooded to 10,000 ports.
#pragma once

#include "sim/stack/host.hpp"

#include <string>
#include <vector>

namespace wirelab::bench {

inline stack::HostConfig star_host(std::string name, std::uint32_t index,
                                   std::vector<std::string> upper) {
    stack::HostConfig c;
    c.name = std::move(name);
    c.ip = 0x0a000000u | index;
    c.prefix_len = 8;
    c.mac = {0x02,
             0,
             0,
             static_cast<std::uint8_t>(index >> 16),
             static_cast<std::uint8_t>(index >> 8),
             static_cast<std::uint8_t>(index)};
    c.stack = {"phy", "eth", "ipv4", "tcp"};
    c.stack.insert(c.stack.end(), upper.begin(), upper.end());
    return c;
}

} // namespace wirelab::bench
