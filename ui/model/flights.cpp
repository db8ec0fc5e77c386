// The in-flight index (see flights.hpp).
#include "ui/model/flights.hpp"

#include <algorithm>
#include <unordered_map>

namespace wirelab::ui {

using trace::Kind;

FlightIndex::FlightIndex(const trace::Trace& trace) {
    const auto& topo = trace.topology;
    std::unordered_map<trace::EventId, std::uint32_t> by_tx;
    const auto events = trace.events();
    for (trace::EventId id = 0; id < events.size(); ++id) {
        const auto& e = events[id];
        if (e.kind == Kind::tx_start && e.link < topo.links.size()) {
            Flight f;
            f.tx = id;
            f.pdu = e.pdu;
            f.link = e.link;
            f.from = e.node;
            const auto& l = topo.links[e.link];
            f.to = l.a == e.node ? l.b : l.a;
            f.start = e.time;
            f.serialization = e.aux;
            f.delay = l.delay;
            f.end = e.time + f.serialization + f.delay; // until its arrival says otherwise
            by_tx.emplace(id, static_cast<std::uint32_t>(flights_.size()));
            flights_.push_back(f);
        } else if (e.kind == Kind::arrive || e.kind == Kind::drop) {
            auto it = e.cause == trace::no_event ? by_tx.end() : by_tx.find(e.cause);
            if (it != by_tx.end()) {
                Flight& f = flights_[it->second];
                f.end_event = id;
                f.end = std::max(e.time, f.start + 1);
                if (e.kind == Kind::drop) {
                    f.dropped = true;
                    f.reason = e.reason;
                }
            }
            if (e.kind == Kind::drop)
                drops_.push_back({id, e.time, e.node, e.link, e.pdu, e.reason});
        }
    }
    for (const auto& f : flights_)
        longest_ = std::max(longest_, f.end - f.start);
}

void FlightIndex::in_flight(Time t, std::vector<InFlight>& out) const {
    // Flights are sorted by start; only those started in (t - longest_, t] can still be going.
    auto first = std::lower_bound(flights_.begin(), flights_.end(), t - longest_,
                                  [](const Flight& f, Time v) { return f.start < v; });
    for (auto it = first; it != flights_.end() && it->start <= t; ++it) {
        if (t >= it->end) continue;
        const Flight& f = *it;
        const double travel = f.end - f.serialization - f.start; // propagation actually taken
        const auto frac = [&](Time since) {
            if (travel <= 0) return since >= 0 ? 1.0f : 0.0f;
            return static_cast<float>(std::clamp(static_cast<double>(since) / travel, 0.0, 1.0));
        };
        InFlight in;
        in.flight = static_cast<std::uint32_t>(it - flights_.begin());
        in.head = frac(t - f.start);
        in.tail = frac(t - f.start - f.serialization);
        out.push_back(in);
    }
}

int FlightIndex::find_by_tx(trace::EventId tx) const {
    auto it = std::lower_bound(flights_.begin(), flights_.end(), tx,
                               [](const Flight& f, trace::EventId v) { return f.tx < v; });
    return it != flights_.end() && it->tx == tx ? static_cast<int>(it - flights_.begin()) : -1;
}

int FlightIndex::find_by_pdu(trace::PduId pdu) const {
    for (std::size_t i = 0; i < flights_.size(); ++i)
        if (flights_[i].pdu == pdu) return static_cast<int>(i);
    return -1;
}

} // namespace wirelab::ui
