// A node of the simulated network — a host or a switch — as the links see it: something
// with numbered ports that frames arrive on. World owns the nodes; Link holds references.
#pragma once

#include "sim/core/prefetch.hpp"
#include "sim/stack/packet.hpp"
#include "sim/trace/trace.hpp"

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace wirelab::stack {

class Link;
class World;

class Node {
public:
    Node(World& world, trace::NodeId id, std::string name)
        : world_(world), id_(id), cold_(std::make_unique<Cold>(Cold{std::move(name), {}})) {}
    virtual ~Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    // A whole frame (with FCS) has arrived on `port`; `arrival` is its trace event.
    virtual void receive(std::size_t port, Packet frame, trace::EventId arrival) = 0;

    // Warming (Callback::warm): a frame will arrive at this node soon. The first warm_bytes of
    // the object are already on their way to the cache (a host's hot fields and its small
    // stages, see Host); level 0 starts loading what comes next for this frame, each higher
    // level one hop further. Only reads; the frame may be warmed at no level, or several.
    // Returns whether a deeper level has more to load.
    static constexpr std::size_t warm_bytes = 6 * cache_line;
    virtual bool warm(unsigned level, const Packet& frame) const {
        static_cast<void>(level);
        static_cast<void>(frame);
        return false;
    }

    // Connects `link` as the next port; returns the port number.
    std::size_t attach(Link& link) {
        cold_->ports.push_back(&link);
        if (!port0_) port0_ = &link;
        return cold_->ports.size() - 1;
    }

    trace::NodeId id() const { return id_; }
    const std::string& name() const { return cold_->name; }
    World& world() { return world_; }
    const World& world() const { return world_; }
    std::size_t port_count() const { return cold_->ports.size(); }
    Link* port(std::size_t i) const { return i < port_count() ? cold_->ports[i] : nullptr; }

protected:
    std::span<Link* const> ports() const { return cold_->ports; }

    // What a frame passing a host reads comes first, on the object's first cache line (with
    // 10,000 hosts each is cold when its frame comes); Host adds its own hot fields right
    // after. The name and the port list sit behind one pointer: a host's frames leave by
    // port0_ without reading the list.
    World& world_;
    trace::NodeId id_;
    Link* port0_ = nullptr; // port(0), null until a link is attached

private:
    struct Cold {
        std::string name;
        std::vector<Link*> ports;
    };
    std::unique_ptr<Cold> cold_;
};

} // namespace wirelab::stack
