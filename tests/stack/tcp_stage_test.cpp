// TcpStage's service rounds: what the stage traces, tells its user and sends after an input,
// including what the user's callbacks (or the stage's own calls for a plain application)
// leave behind — the second round — and what an input with nothing to say leaves alone.
#include "sim/stack/tcp_stage.hpp"
#include "sim/stack/world.hpp"

#include "test_hosts.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace wirelab;
using namespace wirelab::stack;

namespace {

struct Pair {
    World world{1};
    Host& client = world.add_host(testing::test_host("client", 1, testing::tcp_stack));
    Host& server = world.add_host(testing::test_host("server", 2, testing::tcp_stack));
    Link& link = world.add_link("cable", client, server, {});
};

wire::ByteView bytes_of(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// The layer-4 state events of a node, with their ids.
std::vector<std::pair<trace::EventId, std::string>> states_of(const trace::Trace& t,
                                                              trace::NodeId node) {
    std::vector<std::pair<trace::EventId, std::string>> out;
    const auto& events = t.events();
    for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& e = events[i];
        if (e.kind == trace::Kind::state && e.node == node && e.layer == 4)
            out.emplace_back(static_cast<trace::EventId>(i), std::string(t.text(e.text)));
    }
    return out;
}

std::size_t index_of(const std::vector<std::pair<trace::EventId, std::string>>& states,
                     const std::string& text) {
    for (std::size_t i = 0; i < states.size(); ++i)
        if (states[i].second == text) return i;
    return states.size();
}

// Echoes what it receives, closes when the peer does, and counts what it was told.
struct EchoUser : TcpUser {
    TcpStage* tcp = nullptr;
    std::string received;
    int connected = 0, peer_closed = 0, closed = 0;
    void on_connected(ConnId, trace::EventId) override { ++connected; }
    void on_data(ConnId id, wire::ByteView data, trace::EventId cause) override {
        received.append(reinterpret_cast<const char*>(data.data()), data.size());
        tcp->send(id, data, cause); // re-enters service() for this connection
    }
    void on_peer_closed(ConnId id, trace::EventId cause) override {
        ++peer_closed;
        tcp->close(id, cause);
    }
    void on_closed(ConnId, trace::EventId) override { ++closed; }
};

// The server echoes on port 80.
void serve_echo(Pair& net, EchoUser& echo) {
    echo.tcp = net.server.tcp();
    net.server.tcp()->set_user(&echo);
    net.server.tcp()->listen(80, trace::no_event);
}

} // namespace

TEST_CASE("tcp stage: a plain application closes on the peer's FIN, traced in order") {
    // Without a user, the stage itself closes the connection when the peer's FIN arrives,
    // without servicing it: the second round records CLOSE-WAIT -> LAST-ACK (caused by the
    // CLOSE-WAIT record) and the FIN goes out.
    Pair net;
    net.server.tcp()->listen(80, trace::no_event);
    ConnId c = net.client.tcp()->connect(net.server.ip(), 80, trace::no_event);
    net.world.at(ms(50), [&] { net.client.tcp()->send(c, bytes_of("hello"), trace::no_event); });
    net.world.at(ms(100), [&] { net.client.tcp()->close(c, trace::no_event); });
    net.world.run_until(seconds(2));

    const auto& t = net.world.trace();
    auto server = states_of(t, net.server.id());
    const std::size_t close_wait = index_of(server, "ESTABLISHED → CLOSE-WAIT");
    const std::size_t last_ack = index_of(server, "CLOSE-WAIT → LAST-ACK");
    REQUIRE(close_wait < server.size());
    REQUIRE(last_ack == close_wait + 1);
    CHECK(t.events()[server[last_ack].first].cause == server[close_wait].first);
    CHECK(server.back().second == "LAST-ACK → CLOSED");
    auto client = states_of(t, net.client.id());
    CHECK(index_of(client, "FIN-WAIT-2 → TIME-WAIT") < client.size());
    CHECK(net.client.tcp()->connection(c)->state() == tcp::State::closed);
    const auto* sc = net.server.tcp()->connection(0);
    REQUIRE(sc != nullptr);
    CHECK(sc->state() == tcp::State::closed);
    CHECK(sc->stats().bytes_received == 5);
    // Everything finished: no timer is left pending on the kernel.
    CHECK(net.world.kernel().pending() == 0);
}

TEST_CASE("tcp stage: a user that sends and closes from its callbacks") {
    Pair net;
    EchoUser echo;
    serve_echo(net, echo);
    ConnId c = net.client.tcp()->connect(net.server.ip(), 80, trace::no_event);
    const std::string first(300, 'a'), second = "second write";
    net.world.at(ms(50), [&] { net.client.tcp()->send(c, bytes_of(first), trace::no_event); });
    net.world.at(ms(60), [&] { net.client.tcp()->send(c, bytes_of(second), trace::no_event); });
    net.world.at(ms(100), [&] { net.client.tcp()->close(c, trace::no_event); });
    net.world.run_until(seconds(2));

    CHECK(echo.connected == 1);
    CHECK(echo.received == first + second);
    CHECK(echo.peer_closed == 1);
    CHECK(echo.closed == 1);
    // The client (a plain application) recorded the echo as received data.
    const auto& t = net.world.trace();
    std::string echoed;
    for (const auto& e : t.events())
        if (e.kind == trace::Kind::app && e.node == net.client.id() && e.layer == 7)
            echoed += std::string(t.text(e.text));
    CHECK(echoed.find("(300 bytes)") != std::string::npos);
    CHECK(echoed.find("\"second write\" (12 bytes)") != std::string::npos);
    auto server = states_of(t, net.server.id());
    const std::size_t close_wait = index_of(server, "ESTABLISHED → CLOSE-WAIT");
    REQUIRE(close_wait < server.size());
    REQUIRE(close_wait + 1 < server.size());
    CHECK(server[close_wait + 1].second == "CLOSE-WAIT → LAST-ACK");
    CHECK(server.back().second == "LAST-ACK → CLOSED");
    const auto* sc = net.server.tcp()->connection(0);
    REQUIRE(sc != nullptr);
    CHECK(sc->stats().bytes_sent == first.size() + second.size());
    CHECK(sc->stats().retransmissions == 0);
    CHECK(net.world.kernel().pending() == 0);
}

TEST_CASE("tcp stage: the retransmission timer is armed per flight and cancelled on its ACK") {
    // Data sent, then ACKed: the RTO timer must be gone (no retransmission after the RTO);
    // data sent into a cut link: the timer fires and the stage records the retransmission.
    Pair net;
    net.server.tcp()->listen(80, trace::no_event);
    ConnId c = net.client.tcp()->connect(net.server.ip(), 80, trace::no_event);
    net.world.at(ms(50), [&] { net.client.tcp()->send(c, bytes_of("one"), trace::no_event); });
    net.world.run_until(ms(60));
    CHECK(net.world.kernel().pending() == 0); // ACKed: no timer left
    net.world.run_until(seconds(5));
    const auto& t = net.world.trace();
    auto retransmissions = [&] {
        std::size_t n = 0;
        for (const auto& e : t.events())
            if (e.kind == trace::Kind::app && e.layer == 4 &&
                std::string(t.text(e.text)).rfind("retransmission timeout", 0) == 0)
                ++n;
        return n;
    };
    CHECK(retransmissions() == 0);

    net.world.at(seconds(5) + ms(1), [&] {
        net.link.cut();
        net.client.tcp()->send(c, bytes_of("two"), trace::no_event);
    });
    net.world.run_until(seconds(5) + ms(500));
    CHECK(net.world.kernel().pending() == 1); // the RTO, waiting
    net.world.at(seconds(5) + ms(600), [&] { net.link.restore(); });
    net.world.run_until(seconds(10));
    CHECK(retransmissions() == 1);
    CHECK(net.client.tcp()->connection(c)->stats().retransmissions == 1);
    CHECK(net.server.tcp()->connection(0)->stats().bytes_received == 6);
    CHECK(net.world.kernel().pending() == 0);
}

namespace {
// Records which connections it was told about, and closes when the peer does.
struct ConnRecorder : TcpUser {
    TcpStage* tcp = nullptr;
    std::vector<ConnId> connected, closed;
    std::string received;
    void on_connected(ConnId id, trace::EventId) override { connected.push_back(id); }
    void on_data(ConnId, wire::ByteView data, trace::EventId) override {
        received.append(reinterpret_cast<const char*>(data.data()), data.size());
    }
    void on_peer_closed(ConnId id, trace::EventId cause) override { tcp->close(id, cause); }
    void on_closed(ConnId id, trace::EventId) override { closed.push_back(id); }
};
} // namespace

TEST_CASE("tcp stage: a connection given its own user tells it, not the stage's user") {
    Pair net;
    EchoUser echo;
    serve_echo(net, echo);
    TcpStage& tcp = *net.client.tcp();
    ConnRecorder general, own;
    general.tcp = own.tcp = &tcp;
    tcp.set_user(&general);
    const ConnId a = tcp.connect(net.server.ip(), 80, trace::no_event);
    tcp.set_user_of(a, &own);
    const ConnId b = tcp.connect(net.server.ip(), 80, trace::no_event);
    net.world.at(ms(50), [&] {
        tcp.send(a, bytes_of("to a"), trace::no_event);
        tcp.send(b, bytes_of("to b"), trace::no_event);
    });
    net.world.at(ms(100), [&] { net.server.tcp()->close(0, trace::no_event); }); // a's peer
    net.world.at(ms(100), [&] { net.server.tcp()->close(1, trace::no_event); }); // b's peer
    net.world.run_until(seconds(2));

    CHECK(own.connected == std::vector<ConnId>{a});
    CHECK(own.received == "to a");
    CHECK(own.closed == std::vector<ConnId>{a});
    CHECK(general.connected == std::vector<ConnId>{b});
    CHECK(general.received == "to b");
    CHECK(general.closed == std::vector<ConnId>{b});
}
