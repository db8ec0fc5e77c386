// Layer 4: the TCP stage adapts the sans-I/O tcp::Connection to the simulated host. It
// demultiplexes arriving segments to connections (or to a listener, which spawns one, or
// answers with RST when nothing listens), drives each connection's timer on the world's
// kernel, and records state changes, retransmissions and delivered data in the trace.
//
// Ipv4Stage -> TcpStage::from_below -> tcp::Connection::handle_segment -> service()
//   -> poll_transmit -> Ipv4Stage::from_above ; take_events -> trace / TcpUser
#pragma once

#include "sim/core/flat_map.hpp"
#include "sim/core/kernel.hpp"
#include "sim/proto/tcp/connection.hpp"
#include "sim/stack/stage.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace wirelab::stack {

using ConnId = std::uint32_t;
inline constexpr ConnId no_conn = 0xffffffffu;

// What sits above TCP on a host (the WebSocket stages, an application) hears of its
// connections through this interface. Without one, received data is read and recorded.
class TcpUser {
public:
    virtual ~TcpUser() = default;
    virtual void on_connected(ConnId, trace::EventId cause) = 0;
    virtual void on_data(ConnId, wire::ByteView data, trace::EventId cause) = 0;
    virtual void on_peer_closed(ConnId, trace::EventId cause) = 0;
    virtual void on_closed(ConnId, trace::EventId cause) = 0;
    // Warming: a segment for connection id is near (level 0: what the user reads first for
    // it, each higher level one hop further). Only reads.
    virtual bool warm(ConnId id, unsigned level) const { // whether a deeper level loads more
        static_cast<void>(id);
        static_cast<void>(level);
        return false;
    }
};

class alignas(64) TcpStage final : public Stage {
public:
    TcpStage(tcp::Config config) : config_(config) {}
    std::uint8_t layer() const override { return 4; }
    std::string_view name() const override { return "TCP"; }
    void from_above(Packet p, Meta m) override; // not used: TCP is fed through send()
    void from_below(Packet p, Meta m) override;
    // Warming (Node::warm): what from_below will read for this frame (a whole Ethernet frame,
    // not yet parsed). Level 0: the table's line for its connection; 1: the connection's
    // slot; 2: the connection; 3 and up: its user's (TcpUser::warm).
    bool warm(unsigned level, const Packet& frame) const;

    // Warming: a send on connection id is near. Level 0: its slot; 1: the connection and its
    // timer's slot; 2: where the data goes and the peer's line in the world's IP index.
    void warm_send(ConnId id, unsigned level) const;

    void set_user(TcpUser* user) { user_ = user; }
    // From now on, connection id's events go to `user` instead of the stage's user: a
    // WebSocket stage takes the connections an HTTP stage upgraded (and its own) this way,
    // so their data does not pass through the HTTP stage's tables.
    void set_user_of(ConnId id, TcpUser* user);
    void listen(std::uint16_t port, trace::EventId cause);
    ConnId connect(std::uint32_t ip, std::uint16_t port, trace::EventId cause);
    std::size_t send(ConnId, wire::ByteView data, trace::EventId cause);
    void close(ConnId, trace::EventId cause);
    void abort(ConnId, trace::EventId cause);

    // The newest open connection to `peer_ip` (any, when 0); no_conn if none.
    ConnId find(std::uint32_t peer_ip) const;
    const tcp::Connection* connection(ConnId id) const;
    std::size_t connection_count() const { return conns_.size(); }
    const tcp::Config& config() const { return config_; }

private:
    struct Slot {
        std::unique_ptr<tcp::Connection> conn;
        TimerId timer{};
        std::optional<Time> timer_at;
        bool closed_reported = false;
        TcpUser* user = nullptr; // null: the stage's user_
    };
    // The slots by ConnId: the first inline, the others in a vector. A client host has one
    // connection, whose slot then sits on the stage's first two lines (which every segment
    // reads anyway) rather than in a heap block of its own. The first slot never moves; the
    // others move when the vector grows (connections do not: they are held by pointer).
    class Slots {
    public:
        Slot& operator[](std::size_t i) { return i == 0 ? first_ : more_[i - 1]; }
        const Slot& operator[](std::size_t i) const { return i == 0 ? first_ : more_[i - 1]; }
        std::size_t size() const { return count_; }
        void push_back(Slot s) {
            if (count_ == 0)
                first_ = std::move(s);
            else
                more_.push_back(std::move(s));
            ++count_;
        }

    private:
        Slot first_;
        std::size_t count_ = 0;
        std::vector<Slot> more_;
    };
    // (local port, remote address, remote port) packed into one integer for hashing.
    static std::uint64_t key(std::uint16_t local_port, std::uint32_t ip, std::uint16_t port) {
        return std::uint64_t{local_port} << 48 | std::uint64_t{ip} << 16 | port;
    }

    // by_key_ behind a one-entry cache of the last key looked up (a client host's segments
    // all go to its one connection: no probe of the table, no line of it touched).
    ConnId lookup(std::uint64_t k) {
        if (k == last_key_ && last_id_ != no_conn) return last_id_;
        const ConnId* found = by_key_.find(k);
        if (!found) return no_conn;
        last_key_ = k;
        last_id_ = *found;
        return *found;
    }
    void bind(std::uint64_t k, ConnId id) {
        by_key_[k] = id;
        last_key_ = k;
        last_id_ = id;
    }
    void unbind(std::uint64_t k) {
        by_key_.erase(k);
        if (k == last_key_) last_id_ = no_conn;
    }

    ConnId add(std::unique_ptr<tcp::Connection> c);
    void service(ConnId id, trace::EventId cause);
    bool report_events(ConnId id, trace::EventId& cause);
    void on_timer(ConnId id);
    void tell_user(ConnId id, tcp::EventKind kind, trace::EventId cause);
    void emit(const tcp::Segment& s, std::uint32_t remote_ip, trace::EventId cause);
    std::uint16_t ephemeral_port();

    // What a segment touches first (the stage of each of thousands of hosts is cold when
    // its segment arrives): right after the Stage's pointers, in its first two lines, with
    // the first connection's slot.
    std::uint64_t last_key_ = 0; // lookup()'s cache: valid unless last_id_ is no_conn
    ConnId last_id_ = no_conn;
    TcpUser* user_ = nullptr;
    Slots conns_;
    FlatMap<ConnId> by_key_; // never iterated: order-free
    std::map<std::uint16_t, bool> listening_;
    tcp::Config config_;
    std::uint16_t next_port_ = 0;
};

} // namespace wirelab::stack
