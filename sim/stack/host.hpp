// A host: one network interface, an ordered stack of stages (bottom-up, chosen by name in
// the scenario) and its addresses. Frames arriving from the link enter the bottom stage;
// PDUs leaving the bottom stage are recorded in the trace and handed to the link.
#pragma once

#include "sim/proto/tcp/connection.hpp"
#include "sim/stack/node.hpp"
#include "sim/stack/stage.hpp"
#include "sim/wire/ethernet.hpp"

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

class Host final : public Node {
public:
    Host(World& world, trace::NodeId id, HostConfig config);

    void receive(std::size_t port, Packet frame, trace::EventId arrival) override;

    // Called by the bottom stage: records the PDU and its pdu_down events, then transmits.
    void transmit(Packet frame, const Meta& m);

    const HostConfig& config() const { return config_; }
    std::uint32_t ip() const { return config_.ip; }
    const wire::MacAddr& mac() const { return config_.mac; }
    bool same_subnet(std::uint32_t ip) const;
    std::span<const std::unique_ptr<Stage>> stages() const { return stages_; }
    Stage* stage(std::string_view name); // by scenario name ("tcp")
    TcpStage* tcp() { return tcp_; }
    HttpStage* http() { return http_; }
    WsStage* ws() { return ws_; }
    SioStage* sio() { return sio_; }
    // Stage names Host can build, bottom-up order ("phy", "eth", "arp", "ipv4", "tcp").
    static std::span<const std::string_view> known_stages();

private:
    friend class Stage;
    HostConfig config_;
    std::vector<std::unique_ptr<Stage>> stages_;
    std::vector<std::string> stage_names_;
    TcpStage* tcp_ = nullptr;
    HttpStage* http_ = nullptr;
    WsStage* ws_ = nullptr;
    SioStage* sio_ = nullptr;
};

} // namespace wirelab::stack
