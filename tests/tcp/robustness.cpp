// Hostile input: random segments (any flags, sequence and acknowledgment numbers near and far
// from the real ones, random payloads) thrown at connections in every state mid-transfer.
// Nothing may crash, SND.UNA <= SND.NXT <= end of queued data must hold, and a state that
// waits for an ACK must keep a retransmission timer.
#include "harness.hpp"

#include "sim/proto/tcp/seq.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>

using namespace wirelab::tcp;
using namespace wirelab::tcp::testing;

namespace {

TcpRepr random_segment(std::mt19937_64& rng, const Connection& target) {
    auto near = [&](std::uint32_t base) {
        switch (rng() % 4) {
        case 0: return base;
        case 1: return base + static_cast<std::uint32_t>(rng() % 3000);
        case 2: return base - static_cast<std::uint32_t>(rng() % 3000);
        default: return static_cast<std::uint32_t>(rng());
        }
    };
    TcpRepr r;
    r.src_port = target.remote().port ? target.remote().port : client_ep.port;
    r.dst_port = target.local().port;
    r.flags = static_cast<std::uint8_t>(rng());
    if (rng() % 2) r.flags &= static_cast<std::uint8_t>(~TcpRepr::RST); // keep runs long
    r.seq = near(target.rcv_nxt());
    r.ack = near(target.snd_una());
    r.window = static_cast<std::uint16_t>(rng() % 3 == 0 ? 0 : rng());
    if (rng() % 4 == 0) r.mss = static_cast<std::uint16_t>(rng() % 2000);
    return r;
}

void check_invariants(const Connection& c) {
    INFO(to_string(c.state()) << " una " << c.snd_una() << " nxt " << c.snd_nxt() << " queued "
                              << c.bytes_queued() << " isn " << c.isn());
    CHECK(seq_le(c.snd_una(), c.snd_nxt()));
    if (c.state() == State::closed || c.state() == State::listen) return;
    CHECK(seq_le(c.snd_nxt(), c.snd_una() + c.bytes_queued() + 2));
    if (c.state() == State::closed) CHECK_FALSE(c.poll_timeout());
    // A state that waits for an ACK of something we sent always has a timer to resend it.
    bool waits_for_ack = c.state() == State::syn_sent || c.state() == State::syn_received ||
                         c.state() == State::fin_wait_1 || c.state() == State::closing ||
                         c.state() == State::last_ack;
    if (waits_for_ack && c.snd_nxt() != c.snd_una()) CHECK(c.poll_timeout());
}

} // namespace

TEST_CASE("robustness: random segments in every state never break the invariants") {
    const char* factor = std::getenv("WIRELAB_TCP_SEEDS"); // soak: multiply the seed count
    const std::uint64_t seeds = 40 * (factor ? std::max<std::uint64_t>(1, std::stoull(factor)) : 1);
    for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
        std::mt19937_64 rng(seed);
        Connection a(quick_config(), client_ep, server_ep, static_cast<std::uint32_t>(rng()));
        Connection b(quick_config(), server_ep, Endpoint{}, static_cast<std::uint32_t>(rng()));
        b.open_passive();
        a.open_active(0);
        Wire wire(a, b, Wire::Faults{0.05, 0.05, 0.1}, seed);
        a.send(0, Bytes(30000, 'a'));
        int injected = 0;
        wire.run_until(
            [&] {
                if (rng() % 3 == 0 && injected < 400) {
                    Connection& target = rng() % 2 ? a : b;
                    Bytes payload(rng() % 4 == 0 ? rng() % 1500 : 0, 'x');
                    TcpRepr r = random_segment(rng, target);
                    Endpoint from = &target == &a ? server_ep : client_ep;
                    target.handle_segment(wire.now(), r, payload, from);
                    ++injected;
                    check_invariants(target);
                }
                if (rng() % 50 == 0) a.close(wire.now());
                if (rng() % 80 == 0) b.close(wire.now());
                a.recv_all();
                b.recv_all();
                return injected >= 400 && a.state() == State::closed && b.state() == State::closed;
            },
            4 * 3600 * seconds);
        check_invariants(a);
        check_invariants(b);
    }
}
