// Layer 1 link: queues, serialization, propagation and the link's misfortunes.
#include "sim/stack/link.hpp"

#include "sim/core/prefetch.hpp"
#include "sim/stack/node.hpp"
#include "sim/stack/world.hpp"

namespace wirelab::stack {

using trace::DropReason;

Link::Link(World& world, trace::LinkId id, std::string name, LinkParams params, Node& a, Node& b)
    : world_(world), a_(a), b_(b), id_(id), node_id_{a.id(), b.id()},
      misfortunes_(params.loss > 0 || params.duplicate > 0 || params.reorder > 0 ||
                   params.corrupt > 0),
      bandwidth_bps_(params.bandwidth_bps), delay_(params.delay), queue_limit_(params.queue),
      params_(params), name_(std::move(name)) {
    port_[0] = static_cast<std::uint32_t>(a.attach(*this));
    port_[1] = static_cast<std::uint32_t>(b.attach(*this));
}

Time Link::serialization_time(std::size_t bytes) const {
    if (bandwidth_bps_ <= 0) return 0;
    // Round up: the last bit is not on the wire before its time has passed.
    std::int64_t bits = static_cast<std::int64_t>(bytes) * 8;
    return (bits * 1'000'000'000 + bandwidth_bps_ - 1) / bandwidth_bps_;
}

void Link::drop(int side, const Packet& frame, DropReason why, trace::EventId cause,
                bool at_receiver) {
    trace::Event e;
    e.kind = trace::Kind::drop;
    e.node = node_id_[at_receiver ? 1 - side : side];
    e.link = id_;
    e.layer = 1;
    e.pdu = frame.pdu;
    e.cause = cause;
    e.reason = why;
    world_.record(e);
}

void Link::send(const Node& from, Packet frame, trace::EventId cause) {
    int side = &from == &a_ ? 0 : 1;
    Direction& d = dir_[side];
    if (!up_) {
        drop(side, frame, DropReason::link_down, cause, false);
        return;
    }
    // An idle transmitter has an empty queue: the frame goes straight onto the wire.
    if (d.nothing_waits() && world_.now() >= d.busy_until) {
        transmit(side, Queued{std::move(frame), cause});
        return;
    }
    if (d.waiting() >= queue_limit_) {
        drop(side, frame, DropReason::queue_full, cause, false);
        return;
    }
    d.queue.push_back({std::move(frame), cause});
    if (!d.draining) drain_later(side);
}

// The transmitter takes the next frame when the current one is out. Scheduled only while
// frames wait, so an idle link costs one event per frame (its arrival), not two. Warming it
// (Callback::warm) loads the frame that will go: a broadcast's frames wait long in the queue
// of the server's link, cold by their turn.
struct Link::Drain {
    Link* link;
    int side;

    void operator()() const { link->start_next(side); }
    bool warm(unsigned /*level*/) const {
        const Direction& d = link->dir_[side];
        if (!d.nothing_waits()) d.queue[d.head].frame.warm();
        return false; // nothing deeper
    }
};

void Link::drain_later(int side) {
    Direction& d = dir_[side];
    d.draining = true;
    world_.at(d.busy_until, Drain{this, side});
}

Link::Queued Link::Direction::take() {
    Queued q = std::move(queue[head++]);
    if (head == queue.size()) {
        clear();
    } else if (head >= 64 && head * 2 >= queue.size()) { // a queue that never drains
        queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(head));
        head = 0;
    }
    return q;
}

void Link::start_next(int side) {
    Direction& d = dir_[side];
    d.draining = false;
    if (d.nothing_waits()) return; // the link was cut meanwhile
    transmit(side, d.take());
}

void Link::transmit(int side, Queued q) {
    Direction& d = dir_[side];
    Time ser = serialization_time(q.frame.size());

    trace::Event e;
    e.kind = trace::Kind::tx_start;
    e.node = node_id_[side];
    e.link = id_;
    e.layer = 1;
    e.pdu = q.frame.pdu;
    e.cause = q.cause;
    e.aux = static_cast<std::uint32_t>(std::min<Time>(ser, 0xffffffff));
    trace::EventId tx = world_.record(e);

    Time now = world_.now();
    d.busy_until = now + ser;
    if (!d.nothing_waits()) drain_later(side);

    // What befalls this frame on its way is drawn now, in transmission order, so a seed
    // always replays the same misfortunes.
    bool scripted = false;
    if (d.drop_next > 0) {
        --d.drop_next;
        scripted = true;
    } else if (drop_next_any_ > 0) {
        --drop_next_any_;
        scripted = true;
    }
    bool lost = false, corrupt = false, dup = false, reorder = false;
    if (misfortunes_) {
        Random& rng = world_.random();
        lost = params_.loss > 0 && rng.chance(params_.loss);
        corrupt = params_.corrupt > 0 && rng.chance(params_.corrupt);
        dup = params_.duplicate > 0 && rng.chance(params_.duplicate);
        reorder = params_.reorder > 0 && rng.chance(params_.reorder);
    }
    // A reordered frame is held back long enough for the next few to overtake it.
    Time hold = reorder ? 3 * ser + delay_ / 2 + 1 : 0;

    if (scripted || lost) {
        std::uint32_t epoch = d.epoch;
        auto reason = scripted ? DropReason::scripted : DropReason::loss;
        auto pdu = q.frame.pdu;
        world_.at(now + ser + delay_, [this, side, reason, pdu, tx, epoch] {
            Packet ghost;
            ghost.pdu = pdu;
            drop(side, ghost, dir_[side].epoch != epoch ? DropReason::link_down : reason, tx, true);
        });
        return;
    }
    if (corrupt && q.frame.size() > 0) {
        // Flip one bit; the bytes change, so they are recorded as a PDU of their own.
        auto bytes = q.frame.data();
        std::size_t bit = world_.random().below(bytes.size() * 8);
        bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        q.frame.pdu = world_.trace().add_pdu(q.frame.data(), world_.trace().pdu_spans(q.frame.pdu));
    }
    if (dup) deliver(side, Packet(q.frame), tx, ser + delay_ + hold + ser);
    deliver(side, std::move(q.frame), tx, ser + delay_ + hold);
}

// The frame travels inside the scheduled event: a Packet is a 16-byte handle, so the event
// fits the Callback's inline storage and the arrival touches no table of the link.
struct Link::Arrival {
    Link* link;
    const Node* to; // end(1 - side), so that warming need not read the link first
    int side;
    trace::EventId tx;
    std::uint32_t epoch;
    Packet frame;

    void operator()() { link->arrive(side, tx, epoch, std::move(frame)); }
    // Warming (Callback::warm) a frame's arrival: the link, the frame and the node at the far
    // end (level 0), then whatever that node will read for it.
    bool warm(unsigned level) const {
        if (level == 0) {
            prefetch_lines(link, hot_bytes);
            prefetch_lines(to, Node::warm_bytes);
            frame.warm();
            return true;
        }
        return to->warm(level - 1, frame);
    }
};

void Link::deliver(int side, Packet frame, trace::EventId tx, Time after) {
    Arrival arrival{this, &end(1 - side), side, tx, dir_[side].epoch, std::move(frame)};
    static_assert(sizeof(arrival) <= Callback::inline_size, "an arrival must not allocate");
    world_.at(world_.now() + after, std::move(arrival));
}

void Link::arrive(int side, trace::EventId tx, std::uint32_t epoch, Packet frame) {
    if (dir_[side].epoch != epoch) { // the link was cut while the frame travelled
        drop(side, frame, DropReason::link_down, tx, true);
        return;
    }
    Node& to = end(1 - side);
    trace::Event e;
    e.kind = trace::Kind::arrive;
    e.node = node_id_[1 - side];
    e.link = id_;
    e.layer = 1;
    e.pdu = frame.pdu;
    e.cause = tx;
    e.aux = node_id_[side];
    trace::EventId arrival = world_.record(e);
    to.receive(port_[1 - side], std::move(frame), arrival);
}

void Link::cut() {
    if (!up_) return;
    up_ = false;
    for (int side = 0; side < 2; ++side) {
        Direction& d = dir_[side];
        for (std::size_t i = d.head; i < d.queue.size(); ++i)
            drop(side, d.queue[i].frame, DropReason::link_down, d.queue[i].cause, false);
        d.clear();
        ++d.epoch; // frames in flight are lost: each records its drop when it would have arrived
    }
    trace::Event e;
    e.kind = trace::Kind::link_state;
    e.link = id_;
    e.aux = 0;
    world_.record(e);
}

void Link::restore() {
    if (up_) return;
    up_ = true;
    trace::Event e;
    e.kind = trace::Kind::link_state;
    e.link = id_;
    e.aux = 1;
    world_.record(e);
}

void Link::drop_next(int count, const Node* from) {
    if (!from) {
        drop_next_any_ += count;
    } else {
        dir_[from == &a_ ? 0 : 1].drop_next += count;
    }
}

} // namespace wirelab::stack
