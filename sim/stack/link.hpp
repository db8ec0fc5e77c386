// Layer 1: a full-duplex point-to-point link. Each direction has its own transmitter with a
// drop-tail queue; a frame takes size*8/bandwidth to serialize and `delay` to propagate. The
// link can lose, duplicate, reorder and corrupt frames (drawn from the world's seeded random
// generator, so a seed replays the same misfortunes), drop the next frame on purpose, and be
// cut and restored.
//
// Node::transmit -> Link::send -> [queue] -> start_next -> (serialization) -> (propagation)
//   -> deliver -> Node::receive on the other end
#pragma once

#include "sim/core/prefetch.hpp"
#include "sim/core/time.hpp"
#include "sim/stack/packet.hpp"
#include "sim/trace/trace.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace wirelab::stack {

class Node;
class World;

struct LinkParams {
    std::int64_t bandwidth_bps = 100'000'000;
    Time delay = 0;
    double loss = 0, duplicate = 0, reorder = 0, corrupt = 0;
    std::size_t queue = 64; // frames waiting per direction, beyond the one on the wire
};

class alignas(64) Link {
public:
    Link(World& world, trace::LinkId id, std::string name, LinkParams params, Node& a, Node& b);

    // Node `from` hands a frame (with FCS) to its end of the link. `cause` is the trace event
    // that produced it (its last pdu_down, or the switch's arrival).
    void send(const Node& from, Packet frame, trace::EventId cause);

    void cut(); // frames on the wire are lost; sends are dropped until restore()
    void restore();
    // The next `count` frames put on the link (from `from`, or either end if null) are dropped.
    void drop_next(int count, const Node* from);

    bool is_up() const { return up_; }
    trace::LinkId id() const { return id_; }
    const std::string& name() const { return name_; }
    const LinkParams& params() const { return params_; }
    Node& end(int side) const { return side == 0 ? a_ : b_; }
    // The bytes at the object's start that every frame reads (line 0 and the directions).
    static constexpr std::size_t hot_bytes = 3 * cache_line;
    Time serialization_time(std::size_t bytes) const;

private:
    struct Queued {
        Packet frame;
        trace::EventId cause;
    };
    // A transmitter and its drop-tail queue. The queue is a vector consumed from `head`
    // (reset when it empties, compacted when mostly consumed): 32 bytes inline, where a
    // std::deque took 80 and allocated two blocks per direction even for an idle link.
    // 48 bytes in all, so the two directions take a line and a half.
    struct Direction {
        Time busy_until = 0;     // the transmitter is serializing a frame until then
        std::uint32_t epoch = 0; // bumped by cut(): arrivals of an older epoch are lost
        std::uint32_t head = 0;  // queue[head...] wait, oldest first
        int drop_next = 0;
        bool draining = false; // a start_next is scheduled (only while frames wait)
        std::vector<Queued> queue;

        bool nothing_waits() const { return head == queue.size(); }
        std::size_t waiting() const { return queue.size() - head; }
        Queued take(); // the oldest waiting frame
        void clear() {
            queue.clear();
            head = 0;
        }
    };

    struct Drain;               // the scheduled event of the transmitter taking the next frame
    void drain_later(int side); // schedules start_next at the end of the frame on the wire
    void start_next(int side);
    void transmit(int side, Queued q); // puts q's first bit on the wire now
    void deliver(int side, Packet frame, trace::EventId tx, Time extra_delay);
    struct Arrival; // the scheduled event of a frame reaching the far end
    void arrive(int side, trace::EventId tx, std::uint32_t epoch, Packet frame);
    void drop(int side, const Packet& frame, trace::DropReason why, trace::EventId cause,
              bool at_receiver);

    // What every frame touches comes first, in as few cache lines as will hold it (the
    // object starts on a line): with 10,000 links, each is cold in cache by the time its
    // next frame comes. Line 0 holds the ends and the parameters a frame reads, the
    // directions the next line and a half; the rest is read when something goes wrong.
    World& world_;
    Node& a_;
    Node& b_;
    trace::LinkId id_;
    trace::NodeId node_id_[2]; // a_'s and b_'s, so a frame's trace events need not visit them
    bool up_ = true;
    // Any loss, duplication, reordering or corruption configured: a frame draws its fate
    // from the random generator only then (params_ never changes).
    bool misfortunes_ = false;
    std::uint32_t port_[2] = {0, 0}; // which port of a_ / b_ this link is
    int drop_next_any_ = 0;
    std::int64_t bandwidth_bps_; // params_'s, read per frame
    Time delay_;
    Direction dir_[2];        // dir_[0]: a -> b, dir_[1]: b -> a
    std::size_t queue_limit_; // params_.queue
    LinkParams params_;
    std::string name_;
};

} // namespace wirelab::stack
