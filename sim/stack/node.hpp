// A node of the simulated network — a host or a switch — as the links see it: something
// with numbered ports that frames arrive on. World owns the nodes; Link holds references.
#pragma once

#include "sim/stack/packet.hpp"
#include "sim/trace/trace.hpp"

#include <string>
#include <vector>

namespace wirelab::stack {

class Link;
class World;

class Node {
public:
    Node(World& world, trace::NodeId id, std::string name)
        : world_(world), id_(id), name_(std::move(name)) {}
    virtual ~Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    // A whole frame (with FCS) has arrived on `port`; `arrival` is its trace event.
    virtual void receive(std::size_t port, Packet frame, trace::EventId arrival) = 0;

    // Connects `link` as the next port; returns the port number.
    std::size_t attach(Link& link) {
        ports_.push_back(&link);
        return ports_.size() - 1;
    }

    trace::NodeId id() const { return id_; }
    const std::string& name() const { return name_; }
    World& world() { return world_; }
    std::size_t port_count() const { return ports_.size(); }
    Link* port(std::size_t i) const { return i < ports_.size() ? ports_[i] : nullptr; }

protected:
    World& world_;
    trace::NodeId id_;
    std::string name_;
    std::vector<Link*> ports_;
};

} // namespace wirelab::stack
