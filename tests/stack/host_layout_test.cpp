// Host's layout for a cold cache: the small stages built in place in the host (the rest on the
// heap), its hot copies of the configuration, its first port, and the world's IP index that
// answers a MAC address without visiting the host. Each must say exactly what the slow way
// (the configuration, the port list, the host itself) says.
#include "sim/stack/host.hpp"
#include "sim/stack/http_stage.hpp"
#include "sim/stack/sio_stage.hpp"
#include "sim/stack/tcp_stage.hpp"
#include "sim/stack/world.hpp"
#include "sim/stack/ws_stage.hpp"

#include "test_hosts.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace wirelab;
using namespace wirelab::stack;

TEST_CASE("host: stages bottom-up and linked, whichever of them live in the host itself") {
    World world{1};
    const std::vector<std::vector<std::string>> stacks{
        {"phy", "eth", "arp", "ipv4", "tcp"},
        {"phy", "eth", "ipv4", "tcp", "http", "ws", "sio"},
        {"phy", "eth", "arp", "ipv4", "tcp", "ws", "app"},
        {"eth", "ipv4", "tcp", "http"},
        {},
    };
    std::uint8_t last = 1;
    for (const auto& stack : stacks) {
        HostConfig c = testing::test_host("h" + std::to_string(last), last, {});
        c.stack = stack;
        ++last;
        Host& h = world.add_host(c);
        const std::vector<Stage*> stages = h.stages();
        std::size_t expected = 0;
        for (const auto& name : stack)
            expected += name != "app" && name != "chat" && name != "deflate";
        REQUIRE(stages.size() == expected);
        for (std::size_t i = 0; i < stages.size(); ++i) {
            REQUIRE(stages[i] != nullptr);
            CHECK(h.stage(stack[i]) == stages[i]);
        }
        CHECK(h.tcp() == h.stage("tcp"));
        CHECK(static_cast<Stage*>(h.ws()) == h.stage("ws"));
        CHECK(static_cast<Stage*>(h.sio()) == h.stage("sio"));
        CHECK(static_cast<Stage*>(h.http()) == h.stage("http"));
    }
    // Unknown or misplaced stages still throw (and what was built is destroyed cleanly).
    HostConfig bad = testing::test_host("bad", 99, {});
    bad.stack = {"phy", "eth", "ipv4", "ws"};
    CHECK_THROWS_AS(world.add_host(bad), std::invalid_argument);
    bad.stack = {"phy", "eth", "nonsense"};
    CHECK_THROWS_AS(world.add_host(bad), std::invalid_argument);
}

TEST_CASE("host: hot copies of the address, MAC and prefix agree with the configuration") {
    World world{1};
    for (std::uint8_t prefix : {0, 1, 8, 24, 31, 32}) {
        HostConfig c = testing::test_host("p" + std::to_string(prefix),
                                          static_cast<std::uint8_t>(prefix + 1), {});
        c.prefix_len = prefix;
        Host& h = world.add_host(c);
        CHECK(h.ip() == h.config().ip);
        CHECK(h.mac() == h.config().mac);
        for (std::uint32_t other :
             {h.ip(), h.ip() ^ 1u, h.ip() ^ 0x100u, h.ip() ^ 0x80000000u, 0u, 0xffffffffu}) {
            const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
            CHECK(h.same_subnet(other) == ((other & mask) == (h.ip() & mask)));
        }
    }
}

TEST_CASE("world: the IP index answers the host and its MAC, a host's first port is port(0)") {
    World world{1};
    Host& a = world.add_host(testing::test_host("a", 1, {}));
    Host& b = world.add_host(testing::test_host("b", 2, {}));
    CHECK(world.host_by_ip(a.ip()) == &a);
    REQUIRE(world.mac_by_ip(b.ip()) != nullptr);
    CHECK(*world.mac_by_ip(b.ip()) == b.mac());
    CHECK(world.mac_by_ip(0x01020304) == nullptr);
    CHECK(world.host_by_ip(0x01020304) == nullptr);
    // A second host with the same address does not replace the first in the index.
    HostConfig twin = testing::test_host("twin", 1, {});
    twin.mac = {0x02, 9, 9, 9, 9, 9};
    world.add_host(twin);
    CHECK(world.host_by_ip(a.ip()) == &a);
    CHECK(*world.mac_by_ip(a.ip()) == a.mac());

    CHECK(a.port_count() == 0);
    CHECK(a.port(0) == nullptr);
    Link& l1 = world.add_link("l1", a, b, {});
    Link& l2 = world.add_link("l2", a, b, {});
    CHECK(a.port_count() == 2);
    CHECK(a.port(0) == &l1);
    CHECK(a.port(1) == &l2);
    CHECK(a.name() == "a");
}
