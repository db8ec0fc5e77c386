// A host: one network interface, an ordered stack of stages (bottom-up, chosen by name in
// the scenario) and its addresses. Frames arriving from the link enter the bottom stage;
// PDUs leaving the bottom stage are recorded in the trace and handed to the link.
#pragma once

#include "sim/proto/tcp/connection.hpp"
#include "sim/stack/node.hpp"
#include "sim/stack/stage.hpp"
#include "sim/wire/ethernet.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wirelab::stack {

class TcpStage;
class HttpStage;
class WsStage;
class SioStage;

struct HostConfig {
    std::string name;
    std::uint32_t ip = 0;
    std::uint8_t prefix_len = 24;
    wire::MacAddr mac{};
    std::optional<std::uint32_t> gateway;
    std::vector<std::string> stack{"phy", "eth", "arp", "ipv4", "tcp"};
    tcp::Config tcp;
};

// (alignas: the hot fields after Node's share the object's first cache line, and the stage
// arena starts on a line of its own.)
class alignas(64) Host final : public Node {
public:
    Host(World& world, trace::NodeId id, HostConfig config);

    void receive(std::size_t port, Packet frame, trace::EventId arrival) override;
    // Level 0: the stages above layer 3; then what the TCP stage will read for the frame.
    bool warm(unsigned level, const Packet& frame) const override;

    // Called by the bottom stage: records the PDU and its pdu_down events, then transmits.
    void transmit(Packet frame, const Meta& m);

    const HostConfig& config() const { return config_; }
    std::uint32_t ip() const { return ip_; }
    const wire::MacAddr& mac() const { return mac_; }
    bool same_subnet(std::uint32_t ip) const { return (ip & mask_) == (ip_ & mask_); }
    std::vector<Stage*> stages() const;  // bottom-up
    Stage* stage(std::string_view name); // by scenario name ("tcp")
    TcpStage* tcp() { return tcp_; }
    HttpStage* http() { return http_; }
    WsStage* ws() { return ws_; }
    SioStage* sio() { return sio_; }
    // Stage names Host can build, bottom-up order ("phy", "eth", "arp", "ipv4", "tcp").
    static std::span<const std::string_view> known_stages();

private:
    friend class Stage;
    // Builds stage S in the arena when it fits there, else on the heap, and appends it.
    template <class S, class... Args> S* build(Args&&... args);
    struct StageDeleter {
        bool in_arena = false;
        void operator()(Stage* s) const;
    };

    // Read by every frame, so kept on the object's first cache line right after Node's
    // fields (copies of config_'s, which is constant): with 10,000 hosts each one is cold
    // when its frame comes, and every line read is a miss.
    Stage* bottom_ = nullptr; // the first stage (frames from the link enter it)
    std::uint32_t ip_ = 0;
    std::uint32_t mask_ = 0; // of config_.prefix_len
    wire::MacAddr mac_{};
    // The small stages (layers 1-3: a vtable and three pointers each) are built in place
    // here, bottom-up, so a frame's walk through them reads two adjacent lines rather than
    // a heap block per stage; larger stages go to the heap.
    static constexpr std::size_t arena_size = 256;
    alignas(64) std::byte arena_[arena_size];
    std::size_t arena_used_ = 0;
    // The upper stages, on the line after the arena (within Node::warm_bytes).
    TcpStage* tcp_ = nullptr;
    HttpStage* http_ = nullptr;
    WsStage* ws_ = nullptr;
    SioStage* sio_ = nullptr;

    HostConfig config_;
    std::vector<std::unique_ptr<Stage, StageDeleter>> stages_;
    std::vector<std::string> stage_names_;
};

} // namespace wirelab::stack
