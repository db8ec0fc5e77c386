// Host: builds its stage stack from names and records PDUs as they reach the wire.
#include "sim/stack/host.hpp"

#include "sim/core/prefetch.hpp"
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

void Host::StageDeleter::operator()(Stage* s) const {
    if (in_arena)
        s->~Stage();
    else
        delete s;
}

template <class S, class... Args> S* Host::build(Args&&... args) {
    if constexpr (sizeof(S) <= arena_size) {
        const std::size_t at = (arena_used_ + alignof(S) - 1) / alignof(S) * alignof(S);
        if (at + sizeof(S) <= arena_size) {
            S* s = ::new (static_cast<void*>(arena_ + at)) S(std::forward<Args>(args)...);
            arena_used_ = at + sizeof(S);
            stages_.emplace_back(s, StageDeleter{true}); // (reserved: cannot throw)
            return s;
        }
    }
    std::unique_ptr<S> owned = std::make_unique<S>(std::forward<Args>(args)...);
    stages_.emplace_back(owned.get(), StageDeleter{false});
    return owned.release();
}

Host::Host(World& world, trace::NodeId id, HostConfig config)
    : Node(world, id, config.name), ip_(config.ip),
      mask_(config.prefix_len == 0 ? 0 : ~std::uint32_t{0} << (32 - config.prefix_len)),
      mac_(config.mac), config_(std::move(config)) {
    stages_.reserve(config_.stack.size());
    stage_names_.reserve(config_.stack.size());
    for (const auto& name : config_.stack) {
        Stage* s = nullptr;
        if (name == "phy")
            s = build<PhyStage>();
        else if (name == "eth")
            s = build<EthStage>();
        else if (name == "arp")
            s = build<ArpStage>();
        else if (name == "ipv4")
            s = build<Ipv4Stage>();
        else if (name == "tcp") {
            tcp_ = build<TcpStage>(config_.tcp);
            s = tcp_;
        } else if (name == "ws") {
            if (!tcp_) throw std::invalid_argument("the ws stage needs tcp below it");
            auto has = [&](std::string_view stage) {
                return std::find(config_.stack.begin(), config_.stack.end(), stage) !=
                       config_.stack.end();
            };
            ws_ = build<WsStage>(WsStage::Options{has("app"), has("chat"), has("deflate")});
            if (http_) {
                http_->set_upper(ws_); // Upgrades and WsStage's own connections go up
                tcp_->set_user(http_);
            } else {
                tcp_->set_user(ws_);
            }
            s = ws_;
        } else if (name == "sio") {
            if (!ws_) throw std::invalid_argument("the sio stage needs ws below it");
            sio_ = build<SioStage>();
            ws_->set_user(sio_);
            s = sio_;
        } else if (name == "http") {
            if (!tcp_) throw std::invalid_argument("the http stage needs tcp below it");
            http_ = build<HttpStage>();
            s = http_;
        } else if (name == "app" || name == "chat" || name == "deflate") {
            continue;
        } else {
            throw std::invalid_argument("unknown stage \"" + name + "\"");
        }
        s->host_ = this;
        if (stages_.size() > 1) {
            Stage* below = stages_[stages_.size() - 2].get();
            s->below_ = below;
            below->above_ = s;
        }
        stage_names_.push_back(name);
    }
    if (!stages_.empty()) bottom_ = stages_.front().get();
}

std::vector<Stage*> Host::stages() const {
    std::vector<Stage*> out;
    out.reserve(stages_.size());
    for (const auto& s : stages_)
        out.push_back(s.get());
    return out;
}

Stage* Host::stage(std::string_view name) {
    for (std::size_t i = 0; i < stages_.size(); ++i)
        if (stage_names_[i] == name) return stages_[i].get();
    return nullptr;
}

void Host::receive(std::size_t, Packet frame, trace::EventId arrival) {
    if (!bottom_) return;
    Meta m;
    m.cause = arrival;
    bottom_->from_below(std::move(frame), m);
}

bool Host::warm(unsigned level, const Packet& frame) const {
    if (!tcp_) return false;
    if (level == 0) {
        for (const Stage* s : {static_cast<const Stage*>(tcp_), static_cast<const Stage*>(ws_),
                               static_cast<const Stage*>(sio_)})
            if (s) prefetch_lines(s, 2 * cache_line); // a stage's hot fields
        return true;
    }
    return tcp_->warm(level - 1, frame);
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
    if (!port0_) return;
    port0_->send(*this, std::move(frame), cause);
}

} // namespace wirelab::stack
