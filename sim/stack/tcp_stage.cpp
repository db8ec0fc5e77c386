// The TCP stage: demultiplexing, listeners, timers and tracing around tcp::Connection.
#include "sim/stack/tcp_stage.hpp"

#include "sim/core/prefetch.hpp"
#include "sim/stack/host.hpp"
#include "sim/stack/world.hpp"
#include "sim/wire/ipv4.hpp"

#include <array>
#include <span>
#include <string>
#include <utility>

namespace wirelab::stack {

using trace::DropReason;

namespace {
// What a segment reads of its tcp::Connection: lines 0-5 (see the order of its members).
constexpr std::size_t connection_hot_bytes = 6 * cache_line;

void append_printable(std::string& out, wire::ByteView data, std::size_t max = 48) {
    out += '"';
    for (std::size_t i = 0; i < data.size() && i < max; ++i) {
        char c = static_cast<char>(data[i]);
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '"')
            out += "\\\"";
        else if (data[i] >= 0x20 && data[i] < 0x7f)
            out += c;
        else
            out += '.';
    }
    out += data.size() > max ? "\"…" : "\"";
}
} // namespace

void TcpStage::from_above(Packet p, Meta m) {
    drop(p, m, DropReason::none, "TCP takes data through send(), not as PDUs");
}

bool TcpStage::warm(unsigned level, const Packet& frame) const {
    // The key from_below will look up: (dst port, src address, src port) of an IPv4 TCP
    // segment in an Ethernet II frame. Anything else is not warmed.
    const wire::ByteView f = frame.data();
    constexpr std::size_t eth = wire::ethernet_header_len;
    if (f.size() < eth + 20 || wire::load_be16(&f[12]) != wire::ethertype_ipv4 ||
        f[eth + 9] != wire::ip_proto_tcp)
        return false;
    const std::size_t tcp_at = eth + std::size_t{f[eth] & 0x0fu} * 4; // IHL, in 32-bit words
    if (f.size() < tcp_at + 4) return false;
    const std::uint64_t k = key(wire::load_be16(&f[tcp_at + 2]), wire::load_be32(&f[eth + 12]),
                                wire::load_be16(&f[tcp_at]));
    // The hops: 0 the table's line, 1 the slot, 2 the connection (and its user and timer),
    // 3 on the user's. A key lookup() has cached needs no table, and its slot is found without
    // a miss when it is the first (inline, on the stage's first lines): a client host's one
    // connection starts two hops in.
    const bool cached = k == last_key_ && last_id_ != no_conn;
    const unsigned hop = cached && last_id_ == 0 ? level + 2 : level;
    if (hop == 0) {
        if (!cached) by_key_.warm(k);
        return true;
    }
    const ConnId* found = cached ? &last_id_ : by_key_.find(k);
    if (found == nullptr || *found >= conns_.size()) return false;
    const Slot& slot = conns_[*found];
    const TcpUser* user = slot.user ? slot.user : user_;
    if (hop == 1) {
        prefetch(&slot);
        return true;
    }
    if (hop == 2) {
        if (slot.conn) prefetch_lines(slot.conn.get(), connection_hot_bytes);
        if (user) prefetch(user);
        if (slot.timer_at) host().world().kernel().warm(slot.timer); // an ACK re-arms it
        return user != nullptr;
    }
    return user != nullptr && user->warm(*found, hop - 3);
}

void TcpStage::warm_send(ConnId id, unsigned level) const {
    if (id >= conns_.size()) return;
    const Slot& slot = conns_[id];
    if (level == 0) {
        prefetch(&slot);
    } else if (level == 1) {
        if (slot.conn) prefetch_lines(slot.conn.get(), connection_hot_bytes);
        if (slot.timer_at) host().world().kernel().warm(slot.timer);
    } else if (slot.conn) {
        // The connection is in by now: where the data goes, and the IP index line the
        // Ethernet stage reads for the peer's MAC.
        if (const std::uint8_t* at = slot.conn->send_address()) prefetch_for_write(at);
        host().world().warm_ip(slot.conn->remote().addr);
    }
}

void TcpStage::from_below(Packet p, Meta m) {
    auto& world = host().world();
    if (m.ip_proto != wire::ip_proto_tcp) {
        drop(p, m, DropReason::not_for_me, "IP protocol " + std::to_string(m.ip_proto));
        return;
    }
    std::size_t offset = 0;
    const wire::ByteView bytes = std::as_const(p).data();
    auto seg = wire::TcpRepr::parse(bytes, m.src_ip, m.dst_ip, !m.pristine, nullptr, &offset);
    if (!seg) {
        std::string why; // (asked for only now: most segments are fine)
        wire::TcpRepr::parse(bytes, m.src_ip, m.dst_ip, true, &why, &offset);
        drop(p, m, DropReason::bad_checksum, why);
        return;
    }
    const wire::ByteView payload = bytes.subspan(offset);
    tcp::Endpoint from{m.src_ip, seg->src_port};

    const std::uint64_t k = key(seg->dst_port, m.src_ip, seg->src_port);
    ConnId id = lookup(k);
    if (id == no_conn && listening_.count(seg->dst_port) && seg->has(wire::TcpRepr::SYN) &&
        !seg->has(wire::TcpRepr::ACK) && !seg->has(wire::TcpRepr::RST)) {
        auto c =
            std::make_unique<tcp::Connection>(config_, tcp::Endpoint{host().ip(), seg->dst_port},
                                              tcp::Endpoint{}, world.random().next_u32());
        c->open_passive();
        id = add(std::move(c));
        bind(k, id);
    }
    if (id == no_conn) {
        drop(p, m, DropReason::no_socket,
             "nothing listens on port " + std::to_string(seg->dst_port));
        if (auto rst = tcp::reset_for_unmatched(*seg, payload.size())) {
            tcp::Segment s{*rst, {}};
            // Answer from the address the segment was sent to.
            Meta out;
            out.dst_ip = m.src_ip;
            out.ip_proto = wire::ip_proto_tcp;
            out.cause = m.cause;
            Packet r;
            auto len = s.repr.header_len();
            s.repr.emit(r.push_header(len, 4), {}, m.dst_ip, m.src_ip);
            below()->from_above(std::move(r), out);
        }
        return;
    }
    // The segment is taken up by its connection: nothing above TCP takes PDUs, so the
    // pdu_up is recorded here rather than through deliver_up().
    trace::Event e;
    e.kind = trace::Kind::pdu_up;
    e.node = host().id();
    e.layer = 4;
    e.pdu = p.pdu;
    e.cause = m.cause;
    trace::EventId cause = world.record(e);
    // The segment's text is read in place (the user gets a view of `p`'s bytes): what the
    // user did not take is copied into the connection before `p` goes.
    tcp::Connection& conn = *conns_[id].conn;
    conn.handle_segment_borrowing(world.now(), *seg, payload, from);
    service(id, cause);
    conn.keep_borrowed();
}

ConnId TcpStage::add(std::unique_ptr<tcp::Connection> c) {
    conns_.push_back(Slot{std::move(c), {}, std::nullopt, false, nullptr});
    return static_cast<ConnId>(conns_.size() - 1);
}

void TcpStage::listen(std::uint16_t port, trace::EventId cause) {
    listening_[port] = true;
    host().world().record_text(trace::Kind::state, host().id(), 4,
                               "LISTEN on port " + std::to_string(port), cause);
}

std::uint16_t TcpStage::ephemeral_port() {
    if (next_port_ == 0)
        next_port_ = static_cast<std::uint16_t>(49152 + host().world().random().below(16384));
    std::uint16_t p = next_port_;
    next_port_ = next_port_ == 65535 ? 49152 : static_cast<std::uint16_t>(next_port_ + 1);
    return p;
}

ConnId TcpStage::connect(std::uint32_t ip, std::uint16_t port, trace::EventId cause) {
    auto& world = host().world();
    std::uint16_t local = ephemeral_port();
    auto c = std::make_unique<tcp::Connection>(config_, tcp::Endpoint{host().ip(), local},
                                               tcp::Endpoint{ip, port}, world.random().next_u32());
    ConnId id = add(std::move(c));
    bind(key(local, ip, port), id);
    conns_[id].conn->open_active(world.now());
    service(id, cause);
    return id;
}

std::size_t TcpStage::send(ConnId id, wire::ByteView data, trace::EventId cause) {
    if (id >= conns_.size()) return 0;
    std::size_t n = conns_[id].conn->send(host().world().now(), data);
    service(id, cause);
    return n;
}

void TcpStage::close(ConnId id, trace::EventId cause) {
    if (id >= conns_.size()) return;
    conns_[id].conn->close(host().world().now());
    service(id, cause);
}

void TcpStage::abort(ConnId id, trace::EventId cause) {
    if (id >= conns_.size()) return;
    conns_[id].conn->abort(host().world().now());
    service(id, cause);
}

ConnId TcpStage::find(std::uint32_t peer_ip) const {
    for (std::size_t i = conns_.size(); i-- > 0;) {
        const auto& c = *conns_[i].conn;
        if (c.state() == tcp::State::closed || c.state() == tcp::State::listen) continue;
        if (peer_ip == 0 || c.remote().addr == peer_ip) return static_cast<ConnId>(i);
    }
    return no_conn;
}

const tcp::Connection* TcpStage::connection(ConnId id) const {
    return id < conns_.size() ? conns_[id].conn.get() : nullptr;
}

void TcpStage::emit(const tcp::Segment& s, std::uint32_t remote_ip, trace::EventId cause) {
    Packet p(s.payload);
    p.mark_payload(7);
    const std::size_t len = s.repr.header_len();
    // The header's bytes, and the payload right behind them (so emit copies nothing).
    std::uint8_t* const at = p.push_header(len, 4).data();
    s.repr.emit({at, len + s.payload.size()}, {at + len, s.payload.size()}, host().ip(), remote_ip);
    Meta m;
    m.cause = cause;
    m.ip_proto = wire::ip_proto_tcp;
    m.dst_ip = remote_ip;
    // (send_down, without its extra hop: TCP always sits on IPv4)
    if (Stage* b = below())
        b->from_above(std::move(p), m);
    else
        send_down(std::move(p), m);
}

void TcpStage::on_timer(ConnId id) {
    auto& slot = conns_[id];
    slot.timer_at.reset();
    slot.conn->handle_timeout(host().world().now());
    service(id, trace::no_event);
}

void TcpStage::set_user_of(ConnId id, TcpUser* user) {
    if (id < conns_.size()) conns_[id].user = user;
}

void TcpStage::tell_user(ConnId id, tcp::EventKind kind, trace::EventId cause) {
    auto& world = host().world();
    const auto node = host().id();
    TcpUser* const user = conns_[id].user ? conns_[id].user : user_;
    switch (kind) {
    case tcp::EventKind::connected:
        if (user) user->on_connected(id, cause);
        break;
    case tcp::EventKind::data_readable: {
        // Read without copying: the view into the connection's receive buffer stays valid
        // while the user works on it (only an arriving segment writes there, and none can
        // arrive during this call: links deliver through the kernel).
        tcp::Connection& conn = *conns_[id].conn;
        if (conn.bytes_readable() == 0) break;
        const wire::ByteView data = conn.recv_view();
        if (user) {
            user->on_data(id, data, cause);
        } else {
            std::string text;
            text.reserve(96);
            text += "received ";
            append_printable(text, data);
            text += " (";
            text += std::to_string(data.size());
            text += " bytes)";
            world.record_text(trace::Kind::app, node, 7, std::string_view(text), cause, id);
        }
        break;
    }
    case tcp::EventKind::peer_closed:
        if (user) {
            user->on_peer_closed(id, cause);
        } else {
            // A plain application reads end-of-stream and closes its side too.
            conns_[id].conn->close(world.now());
        }
        break;
    case tcp::EventKind::closed:
        if (user) user->on_closed(id, cause);
        break;
    default: break;
    }
}

// What a connection said happened since it was last serviced: record it in the trace, then
// tell the user (after the batch's state changes are recorded, so a user that closes in its
// callback does not print LAST-ACK before CLOSE-WAIT). Returns whether the user was told
// anything (its calls may have left the connection more to say or to send). `cause` follows
// the recorded events.
bool TcpStage::report_events(ConnId id, trace::EventId& cause) {
    auto& world = host().world();
    const auto node = host().id();
    // What to tell the user: a handful at most, kept off the heap.
    std::array<tcp::EventKind, 8> for_user_inline;
    std::vector<tcp::EventKind> for_user_more;
    std::size_t for_user_count = 0;
    // The events are read where the connection keeps them, and cleared before the user is
    // told anything (telling the user may send, which services the connection again).
    tcp::Connection& conn = *conns_[id].conn;
    for (const tcp::Event& ev : conn.events()) {
        switch (ev.kind) {
        case tcp::EventKind::state_changed:
            // A connection spawned by a listener starts in LISTEN: the port's LISTEN was
            // already recorded when it opened, so its CLOSED → LISTEN is not news.
            if (ev.from == tcp::State::closed && ev.to == tcp::State::listen) break;
            cause = world.record_text(trace::Kind::state, node, 4,
                                      world.tcp_state_text(ev.from, ev.to), cause, id);
            break;
        case tcp::EventKind::retransmit:
            cause =
                world.record_text(trace::Kind::app, node, 4,
                                  "retransmission timeout: resend seq=" + std::to_string(ev.seq) +
                                      ", RTO now " + format_time(ev.rto),
                                  cause, id);
            break;
        case tcp::EventKind::fast_retransmit:
            cause = world.record_text(
                trace::Kind::app, node, 4,
                "3 duplicate ACKs: fast retransmit seq=" + std::to_string(ev.seq), cause, id);
            break;
        case tcp::EventKind::zero_window_probe:
            cause = world.record_text(trace::Kind::app, node, 4, "zero-window probe", cause, id);
            break;
        case tcp::EventKind::timed_out:
            cause = world.record_text(trace::Kind::app, node, 4,
                                      "too many retransmissions: connection aborted", cause, id);
            break;
        case tcp::EventKind::reset:
            cause =
                world.record_text(trace::Kind::app, node, 4, "connection reset by peer", cause, id);
            break;
        case tcp::EventKind::connected:
        case tcp::EventKind::data_readable:
        case tcp::EventKind::peer_closed:
        case tcp::EventKind::closed:
            if (for_user_count < for_user_inline.size())
                for_user_inline[for_user_count++] = ev.kind;
            else
                for_user_more.push_back(ev.kind);
            break;
        }
    }
    conn.clear_events();
    for (std::size_t i = 0; i < for_user_count; ++i)
        tell_user(id, for_user_inline[i], cause);
    for (tcp::EventKind kind : for_user_more)
        tell_user(id, kind, cause);
    return for_user_count != 0;
}

// After any input to a connection: trace what it says happened, tell the user, hand out
// what it wants to send, and re-arm its timer. When the user was told something, a second
// round takes what its calls left (the stage's own calls on the user's behalf, like recv()
// or the close() of a plain application, do not service the connection themselves; the
// user's send/close/abort through this stage do, re-entrantly). Without a user call, a
// second round would find nothing: poll_transmit() adds no events, and it was drained.
// Most inputs (a send; an ACK arriving) leave no events at all.
void TcpStage::service(ConnId id, trace::EventId cause) {
    auto& world = host().world();
    const Time now = world.now();
    tcp::Connection& conn = *conns_[id].conn; // stable: slots hold unique_ptrs
    for (int round = 0; round < 2; ++round) {
        const bool told = conn.has_events() && report_events(id, cause);
        while (auto seg = conn.poll_transmit(now))
            emit(*seg, conn.remote().addr, cause);
        if (!told) break;
    }
    auto& slot = conns_[id]; // (after the user's calls: connect() may grow conns_)
    if (conn.state() == tcp::State::closed) {
        auto local = conn.local();
        auto remote = conn.remote();
        const std::uint64_t k = key(local.port, remote.addr, remote.port);
        if (const ConnId* found = by_key_.find(k); found && *found == id) unbind(k);
    }
    auto next = conn.poll_timeout();
    if (next != slot.timer_at) {
        if (slot.timer_at) world.kernel().cancel(slot.timer);
        slot.timer_at = next;
        if (next) slot.timer = world.at(std::max(*next, now), [this, id] { on_timer(id); });
    }
}

} // namespace wirelab::stack
