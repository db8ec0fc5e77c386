// The host of the star benchmarks: index i is 10.0.0.0/8 + i with MAC 02:00:00:<i as 3
// bytes>, so 10,000 clients and their server fit one subnet around one switch. No ARP: with
// 10,000 hosts every ARP request would be flooded to 10,000 ports.
#pragma once

#include "sim/stack/host.hpp"
#include "sim/stack/world.hpp"

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

// The star itself: switch "sw", the server (index 1) on a 100 Gbit/s uplink that is never
// the bottleneck, and `clients` hosts c0, c1, ... (index 2 + i) on 1 Gbit/s, 50 us access
// links. `make` builds each host's config from its name and index.
struct Star {
    stack::Host* server = nullptr;
    std::vector<stack::Host*> clients;
};

template <class MakeConfig>
Star build_star(stack::World& world, std::uint32_t clients, MakeConfig make) {
    Star star;
    auto& sw = world.add_switch("sw");
    star.server = &world.add_host(make("server", 1));
    stack::LinkParams fat;
    fat.bandwidth_bps = 100'000'000'000;
    fat.delay = us(10);
    fat.queue = 1 << 20;
    world.add_link("server-sw", *star.server, sw, fat);
    stack::LinkParams access;
    access.bandwidth_bps = 1'000'000'000;
    access.delay = us(50);
    for (std::uint32_t i = 0; i < clients; ++i) {
        const std::string n = std::to_string(i);
        auto& h = world.add_host(make('c' + n, 2 + i));
        world.add_link('l' + n, h, sw, access);
        star.clients.push_back(&h);
    }
    return star;
}

} // namespace wirelab::bench
