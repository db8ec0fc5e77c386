// Stage plumbing shared by every layer: passing PDUs along and recording them.
#include "sim/stack/stage.hpp"

#include "sim/stack/host.hpp"
#include "sim/stack/world.hpp"

namespace wirelab::stack {

void Stage::send_down(Packet p, Meta m) {
    if (below_) {
        below_->from_above(std::move(p), m);
    } else {
        host_->transmit(std::move(p), m);
    }
}

void Stage::deliver_up(Packet p, Meta m) {
    trace::Event e;
    e.kind = trace::Kind::pdu_up;
    e.node = host_->id();
    e.layer = layer();
    e.pdu = p.pdu;
    e.cause = m.cause;
    m.cause = host_->world().record(e);
    if (above_) above_->from_below(std::move(p), m);
}

void Stage::drop(const Packet& p, const Meta& m, trace::DropReason why, std::string_view detail) {
    auto& world = host_->world();
    trace::Event e;
    e.kind = trace::Kind::drop;
    e.node = host_->id();
    e.layer = layer();
    e.pdu = p.pdu;
    e.cause = m.cause;
    e.reason = why;
    if (!detail.empty()) e.text = world.trace().add_text(detail);
    world.record(e);
}

} // namespace wirelab::stack
