// Host: builds its stage stack from names and records PDUs as they reach the wire.
#include "sim/stack/host.hpp"

#include "sim/stack/http_stage.hpp"
#include "sim/stack/sio_stage.hpp"
#include "sim/stack/stages.hpp"
#include "sim/stack/tcp_stage.hpp"
#include "sim/stack/world.hpp"
#include "sim/stack/ws_stage.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

namespace wirelab::stack {

namespace {
// "http" is plain HTTP/1.1 (HttpStage: an origin server and a polling client); with "ws" above
// it, it passes Upgrade requests up, and the Upgrade itself is done by the ws stage (it is the
// start of the WebSocket session). "deflate", "app" and "chat" add no stage object: "deflate" makes
// it negotiate permessage-deflate (RFC 7692, the presentation layer's compression), "app" makes its
// server echo and "chat" makes its server relay each message to every other client.
// "sio" puts Socket.IO (Engine.IO + Socket.IO + a built-in chat) on the WebSocket.
constexpr std::array<std::string_view, 11> stage_names{
    "phy", "eth", "arp", "ipv4", "tcp", "http", "ws", "deflate", "sio", "app", "chat"};
} // namespace

std::span<const std::string_view> Host::known_stages() {
    return stage_names;
}

Host::Host(World& world, trace::NodeId id, HostConfig config)
    : Node(world, id, config.name), config_(std::move(config)) {
    for (const auto& name : config_.stack) {
        std::unique_ptr<Stage> s;
        if (name == "phy")
            s = std::make_unique<PhyStage>();
        else if (name == "eth")
            s = std::make_unique<EthStage>();
        else if (name == "arp")
            s = std::make_unique<ArpStage>();
        else if (name == "ipv4")
            s = std::make_unique<Ipv4Stage>();
        else if (name == "tcp") {
            auto t = std::make_unique<TcpStage>(config_.tcp);
            tcp_ = t.get();
            s = std::move(t);
        } else if (name == "ws") {
            if (!tcp_) throw std::invalid_argument("the ws stage needs tcp below it");
            auto has = [&](std::string_view stage) {
                return std::find(config_.stack.begin(), config_.stack.end(), stage) !=
                       config_.stack.end();
            };
            auto w = std::make_unique<WsStage>(
                WsStage::Options{has("app"), has("chat"), has("deflate")});
            ws_ = w.get();
            if (http_) {
                http_->set_upper(ws_); // Upgrades and WsStage's own connections go up
                tcp_->set_user(http_);
            } else {
                tcp_->set_user(ws_);
            }
            s = std::move(w);
        } else if (name == "sio") {
            if (!ws_) throw std::invalid_argument("the sio stage needs ws below it");
            auto io = std::make_unique<SioStage>();
            sio_ = io.get();
            ws_->set_user(sio_);
            s = std::move(io);
        } else if (name == "http") {
            if (!tcp_) throw std::invalid_argument("the http stage needs tcp below it");
            auto h = std::make_unique<HttpStage>();
            http_ = h.get();
            s = std::move(h);
        } else if (name == "app" || name == "chat" || name == "deflate") {
            continue;
        } else {
            throw std::invalid_argument("unknown stage \"" + name + "\"");
        }
        s->host_ = this;
        if (!stages_.empty()) {
            s->below_ = stages_.back().get();
            stages_.back()->above_ = s.get();
        }
        stages_.push_back(std::move(s));
        stage_names_.push_back(name);
    }
}

Stage* Host::stage(std::string_view name) {
    for (std::size_t i = 0; i < stages_.size(); ++i)
        if (stage_names_[i] == name) return stages_[i].get();
    return nullptr;
}

bool Host::same_subnet(std::uint32_t ip) const {
    std::uint32_t mask =
        config_.prefix_len == 0 ? 0 : ~std::uint32_t{0} << (32 - config_.prefix_len);
    return (ip & mask) == (config_.ip & mask);
}

void Host::receive(std::size_t, Packet frame, trace::EventId arrival) {
    if (stages_.empty()) return;
    Meta m;
    m.cause = arrival;
    stages_.front()->from_below(std::move(frame), m);
}

void Host::transmit(Packet frame, const Meta& m) {
    auto& trace = world_.trace();
    frame.pdu = trace.add_pdu(std::as_const(frame).data(), frame.spans()); // keeps the seal
    // One pdu_down per layer that added bytes, top layer first, then the physical layer.
    trace::EventId cause = m.cause;
    std::uint8_t seen = 0; // bit per layer
    auto spans = frame.spans();
    for (std::size_t i = 0; i < spans.size(); ++i) {
        std::uint8_t layer = spans[i].layer;
        if (seen & (1u << layer)) continue;
        seen = static_cast<std::uint8_t>(seen | (1u << layer));
        trace::Event e;
        e.kind = trace::Kind::pdu_down;
        e.node = id_;
        e.layer = layer;
        e.pdu = frame.pdu;
        e.cause = cause;
        cause = world_.record(e);
    }
    trace::Event e;
    e.kind = trace::Kind::pdu_down;
    e.node = id_;
    e.layer = 1;
    e.pdu = frame.pdu;
    e.cause = cause;
    cause = world_.record(e);
    if (ports_.empty()) return;
    ports_.front()->send(*this, std::move(frame), cause);
}

} // namespace wirelab::stack
