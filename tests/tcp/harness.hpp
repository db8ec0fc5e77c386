// Test harness for sim/proto/tcp: helpers to build segments by hand and drain a
// connection's output, and `Wire`, a tiny two-ended link with a clock that can lose,
// duplicate, reorder and delay segments (seeded std::mt19937_64). Every segment crosses the
// wire as real bytes (TcpRepr::emit, then parse with the checksum verified).
#pragma once

#include "sim/proto/tcp/connection.hpp"
#include "sim/wire/tcp.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace wirelab::tcp::testing {

using wire::Bytes;
using wire::TcpRepr;

constexpr Endpoint client_ep{0x0a000001, 49152};
constexpr Endpoint server_ep{0x0a000002, 80};

inline Config quick_config() {
    Config c;
    c.time_wait = 2 * seconds;
    return c;
}

inline TcpRepr seg(std::uint8_t flags, std::uint32_t seq, std::uint32_t ack = 0,
                   std::uint16_t window = 65535) {
    TcpRepr r;
    r.src_port = server_ep.port;
    r.dst_port = client_ep.port;
    r.flags = flags;
    r.seq = seq;
    r.ack = ack;
    r.window = window;
    return r;
}

// A segment as it went out, owning a copy of its payload (a Segment only borrows it from the
// connection's send buffer until the connection's next input).
struct Sent {
    TcpRepr repr;
    Bytes payload;
    explicit Sent(const Segment& s) : repr(s.repr), payload(s.payload.begin(), s.payload.end()) {}
};

inline std::vector<Sent> drain(Connection& c, std::int64_t now) {
    std::vector<Sent> out;
    while (auto s = c.poll_transmit(now))
        out.emplace_back(*s);
    return out;
}

// Exactly one segment must be pending; returns it.
inline Sent only(Connection& c, std::int64_t now) {
    auto all = drain(c, now);
    if (all.size() != 1)
        throw std::runtime_error("expected 1 segment, got " + std::to_string(all.size()));
    return all.front();
}

inline bool has_event(const std::vector<Event>& events, EventKind kind) {
    return std::any_of(events.begin(), events.end(),
                       [&](const Event& e) { return e.kind == kind; });
}

inline Bytes bytes_of(std::string_view s) {
    return Bytes(s.begin(), s.end());
}

// A client in ESTABLISHED with the peer's ISN `peer_isn`; returns after the handshake ACK.
inline Connection established_client(std::uint32_t isn, std::uint32_t peer_isn,
                                     Config cfg = quick_config(),
                                     std::uint16_t peer_window = 65535) {
    Connection c(cfg, client_ep, server_ep, isn);
    c.open_active(0);
    drain(c, 0);
    TcpRepr syn_ack = seg(TcpRepr::SYN | TcpRepr::ACK, peer_isn, isn + 1, peer_window);
    syn_ack.mss = 1460;
    c.handle_segment(0, syn_ack, {}, server_ep);
    drain(c, 0);
    c.take_events();
    return c;
}

// Two connections joined by an unreliable wire.
class Wire {
public:
    struct Faults {
        double loss = 0;      // probability a segment vanishes
        double duplicate = 0; // probability it is delivered twice
        double reorder =
            0; // probability it gets extra delay (and so overtakes nothing / is overtaken)
        std::int64_t delay = 10 * ms;
        std::int64_t reorder_delay = 30 * ms;
    };

    Wire(Connection& a, Connection& b, Faults faults, std::uint64_t seed)
        : ends_{&a, &b}, faults_(faults), rng_(seed) {}

    std::int64_t now() const { return now_; }
    std::uint64_t delivered() const { return delivered_; }
    std::uint64_t dropped() const { return dropped_; }

    // Sends what both ends want to send, then runs the next event (a delivery or a timer).
    // Returns false when nothing is left to happen.
    bool step() {
        flush(0);
        flush(1);
        std::optional<std::int64_t> next;
        for (auto* c : ends_)
            if (auto t = c->poll_timeout()) next = next ? std::min(*next, *t) : *t;
        auto first =
            std::min_element(queue_.begin(), queue_.end(), [](const auto& x, const auto& y) {
                return x.at != y.at ? x.at < y.at : x.order < y.order;
            });
        if (first != queue_.end() && (!next || first->at <= *next)) {
            Flight f = *first;
            queue_.erase(first);
            now_ = std::max(now_, f.at);
            deliver(f);
        } else if (next) {
            now_ = std::max(now_, *next);
            for (auto* c : ends_)
                if (auto t = c->poll_timeout(); t && *t <= now_) c->handle_timeout(now_);
        } else {
            return false;
        }
        flush(0);
        flush(1);
        return true;
    }

    // Runs until `done()` holds or `limit` of virtual time passes; returns done().
    template <class Done> bool run_until(Done done, std::int64_t limit = 4 * 3600 * seconds) {
        while (!done()) {
            if (now_ > limit || !step()) return done();
        }
        return true;
    }

    std::vector<Sent> sent_by(int i) const { return log_[i]; }
    // When set, every segment put on the wire is described on stderr (for debugging a seed).
    bool verbose = false;

private:
    struct Flight {
        std::int64_t at;
        std::uint64_t order;
        int to;
        Bytes bytes;
    };

    void flush(int i) {
        Connection& c = *ends_[i];
        while (auto s = c.poll_transmit(now_)) {
            log_[i].emplace_back(*s);
            Bytes bytes = s->repr.to_bytes(s->payload, c.local().addr, c.remote().addr);
            std::uniform_real_distribution<double> u(0, 1);
            bool lost = u(rng_) < faults_.loss;
            if (verbose)
                std::fprintf(stderr, "%10.3f %s %-6s %s%s\n", double(now_) / 1e6, i ? "<-" : "->",
                             to_string(c.state()),
                             wire::summary(s->repr, s->payload.size()).c_str(),
                             lost ? "  [lost]" : "");
            if (lost) {
                ++dropped_;
                continue;
            }
            int copies = u(rng_) < faults_.duplicate ? 2 : 1;
            for (int k = 0; k < copies; ++k) {
                std::int64_t at = now_ + faults_.delay;
                if (u(rng_) < faults_.reorder) at += faults_.reorder_delay;
                queue_.push_back(Flight{at, order_++, 1 - i, bytes});
            }
        }
    }

    void deliver(const Flight& f) {
        Connection& to = *ends_[f.to];
        Connection& from = *ends_[1 - f.to];
        std::size_t off = 0;
        std::string why;
        auto repr = TcpRepr::parse(f.bytes, from.local().addr, to.local().addr, true, &why, &off);
        if (!repr) throw std::runtime_error("wire carried an invalid segment: " + why);
        ++delivered_;
        if (to.state() == State::closed) { // a closed port answers with RST (RFC 9293 3.10.7.1)
            if (auto rst = reset_for_unmatched(*repr, f.bytes.size() - off))
                queue_.push_back(Flight{now_ + faults_.delay, order_++, 1 - f.to,
                                        rst->to_bytes({}, to.local().addr, from.local().addr)});
            return;
        }
        to.handle_segment(now_, *repr, wire::ByteView(f.bytes).subspan(off), from.local());
    }

    Connection* ends_[2];
    Faults faults_;
    std::mt19937_64 rng_;
    std::int64_t now_ = 0;
    std::uint64_t order_ = 0;
    std::vector<Flight> queue_;
    std::vector<Sent> log_[2];
    std::uint64_t delivered_ = 0;
    std::uint64_t dropped_ = 0;
};

} // namespace wirelab::tcp::testing
