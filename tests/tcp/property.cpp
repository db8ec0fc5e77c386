// Property tests: two Connections over a bad wire (loss, duplication, reordering), many
// seeds. Whatever each side writes arrives exactly once, in order, intact; both sides close
// cleanly (CLOSED, or TIME-WAIT on the side that closed first).
#include "harness.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>

using namespace wirelab::tcp;
using namespace wirelab::tcp::testing;

namespace {

struct App {
    Connection* conn;
    Bytes to_send;
    std::size_t written = 0;
    Bytes received;
    bool closed = false;
};

// Writes and reads a random amount; closes once everything is written (and, for the
// server, once the client's FIN has arrived).
void pump(App& app, std::mt19937_64& rng, std::int64_t now, bool wait_for_peer_fin) {
    std::uniform_int_distribution<std::size_t> chunk(1, 20000);
    if (app.written < app.to_send.size()) {
        std::size_t n = std::min(chunk(rng), app.to_send.size() - app.written);
        app.written +=
            app.conn->send(now, wirelab::wire::ByteView(app.to_send).subspan(app.written, n));
    }
    if (std::uniform_int_distribution<int>(0, 9)(rng) < 7) {
        Bytes buf(chunk(rng));
        buf.resize(app.conn->recv(buf));
        app.received.insert(app.received.end(), buf.begin(), buf.end());
    }
    bool peer_done = app.conn->state() == State::close_wait || !wait_for_peer_fin;
    if (!app.closed && app.written == app.to_send.size() && peer_done &&
        app.conn->state() != State::syn_sent && app.conn->state() != State::syn_received) {
        app.conn->close(now);
        app.closed = true;
    }
}

// WIRELAB_TCP_SEEDS=N multiplies every seed range by N (a longer soak run).
std::uint64_t seed_factor() {
    const char* v = std::getenv("WIRELAB_TCP_SEEDS");
    return v ? std::max<std::uint64_t>(1, std::stoull(v)) : 1;
}

Bytes random_bytes(std::mt19937_64& rng, std::size_t n) {
    Bytes b(n);
    for (auto& x : b)
        x = static_cast<std::uint8_t>(rng());
    return b;
}

struct Outcome {
    bool finished;
    std::int64_t virtual_time;
    std::uint64_t dropped;
    std::uint64_t retransmissions;
};

Outcome run(std::uint64_t seed, Wire::Faults faults, std::size_t max_bytes, Config cfg) {
    std::mt19937_64 rng(seed * 7919 + 17);
    Connection client(cfg, client_ep, server_ep, static_cast<std::uint32_t>(rng()));
    Connection server(cfg, server_ep, Endpoint{}, static_cast<std::uint32_t>(rng()));
    server.open_passive();
    client.open_active(0);
    App a{&client, {}, 0, {}, false};
    a.to_send = random_bytes(rng, std::uniform_int_distribution<std::size_t>(0, max_bytes)(rng));
    App b{&server, {}, 0, {}, false};
    b.to_send =
        random_bytes(rng, std::uniform_int_distribution<std::size_t>(0, max_bytes / 4)(rng));
    Wire wire(client, server, faults, seed);
    wire.verbose = std::getenv("WIRELAB_TCP_VERBOSE_SEED") &&
                   std::stoull(std::getenv("WIRELAB_TCP_VERBOSE_SEED")) == seed;
    bool finished = wire.run_until([&] {
        pump(a, rng, wire.now(), false);
        pump(b, rng, wire.now(), true);
        bool client_done = client.state() == State::closed || client.state() == State::time_wait;
        return client_done && server.state() == State::closed;
    });
    // Drain what is left in the buffers after the connection closed.
    Bytes rest = client.recv_all();
    a.received.insert(a.received.end(), rest.begin(), rest.end());
    rest = server.recv_all();
    b.received.insert(b.received.end(), rest.begin(), rest.end());

    INFO("seed " << seed << " client " << to_string(client.state()) << " server "
                 << to_string(server.state()) << " t=" << wire.now() / ms << " ms");
    CHECK(finished);
    CHECK(b.received.size() == a.to_send.size());
    CHECK((b.received == a.to_send));
    CHECK(a.received.size() == b.to_send.size());
    CHECK((a.received == b.to_send));
    for (auto* c : {&client, &server}) {
        auto ev = c->take_events();
        CHECK_FALSE(has_event(ev, EventKind::reset));
        CHECK_FALSE(has_event(ev, EventKind::timed_out));
    }
    return {finished, wire.now(), wire.dropped(),
            client.stats().retransmissions + server.stats().retransmissions};
}

} // namespace

TEST_CASE("property: clean wire, 20 seeds, everything arrives and both sides close") {
    for (std::uint64_t seed = 1; seed <= 20 * seed_factor(); ++seed)
        run(seed, Wire::Faults{}, 200 * 1024, quick_config());
}

TEST_CASE("property: bad wire (10-20 % loss, 5 % dup, reordering), 60 seeds") {
    std::uint64_t total_drops = 0, total_retx = 0;
    for (std::uint64_t seed = 100; seed < 100 + 60 * seed_factor(); ++seed) {
        Wire::Faults f;
        f.loss = 0.10 + 0.10 * static_cast<double>(seed % 11) / 10.0;
        f.duplicate = 0.05;
        f.reorder = 0.10;
        Config cfg = quick_config();
        cfg.time_wait = 1200 * seconds; // outlasts 15 FIN retransmissions
        // 8 attempts at ~20 % loss each way fail about once in 5000 chains; Linux's
        // tcp_retries2 (15) makes a give-up practically impossible over these seeds.
        cfg.max_retransmissions = 15;
        Outcome o = run(seed, f, 200 * 1024, cfg);
        total_drops += o.dropped;
        total_retx += o.retransmissions;
    }
    CHECK(total_drops > 0);
    CHECK(total_retx >= total_drops / 2); // losses were repaired by retransmission
}

TEST_CASE("property: small receive buffer and slow reader, lossy wire, 20 seeds") {
    for (std::uint64_t seed = 500; seed < 500 + 20 * seed_factor(); ++seed) {
        Wire::Faults f;
        f.loss = 0.15;
        f.duplicate = 0.05;
        f.reorder = 0.2;
        Config cfg = quick_config();
        cfg.recv_buffer = 4096;
        cfg.mss = 536;
        cfg.time_wait = 1200 * seconds; // outlasts 15 FIN retransmissions
        cfg.max_retransmissions = 15;
        run(seed, f, 64 * 1024, cfg);
    }
}

TEST_CASE("property: without congestion control, with delayed ACKs, lossy wire, 10 seeds") {
    for (std::uint64_t seed = 900; seed < 900 + 10 * seed_factor(); ++seed) {
        Wire::Faults f;
        f.loss = 0.1;
        f.duplicate = 0.05;
        f.reorder = 0.1;
        Config cfg = quick_config();
        cfg.congestion_control = false;
        cfg.delayed_ack = 200 * ms;
        cfg.time_wait = 1200 * seconds; // outlasts 15 FIN retransmissions
        cfg.max_retransmissions = 15;
        run(seed, f, 100 * 1024, cfg);
    }
}
