// JSON Lines export (see jsonl.hpp), built with nlohmann::ordered_json so the key order is
// the order written here.
#include "sim/export/jsonl.hpp"

#include "sim/wire/dissect.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace wirelab::exporter {

namespace {
std::string pdu_summary(const trace::Trace& trace, const trace::Event& e) {
    const auto bytes = trace.pdu_bytes(e.pdu);
    if (trace.pdu(e.pdu).format == trace::PduFormat::ethernet)
        return wire::dissect_frame(bytes).summary;
    if (e.text != trace::no_text) return std::string(trace.text(e.text));
    wire::Dissection d;
    return wire::dissect_stream_payload(bytes, d) ? d.summary
                                                  : std::to_string(bytes.size()) + " bytes";
}
} // namespace

std::string JsonlWriter::line(trace::EventId id, bool first_sight) const {
    const trace::Event& e = trace_[id];
    const auto& topo = trace_.topology;
    nlohmann::ordered_json j;
    j["id"] = id;
    j["t_ns"] = e.time;
    j["kind"] = trace::to_string(e.kind);
    j["node"] =
        e.node < topo.nodes.size() ? nlohmann::ordered_json(topo.nodes[e.node].name) : nullptr;
    j["layer"] = e.layer;
    j["link"] =
        e.link < topo.links.size() ? nlohmann::ordered_json(topo.links[e.link].name) : nullptr;
    j["cause"] = e.cause != trace::no_event ? nlohmann::ordered_json(e.cause) : nullptr;
    j["reason"] =
        e.kind == trace::Kind::drop ? nlohmann::ordered_json(trace::to_string(e.reason)) : nullptr;
    j["text"] = e.text != trace::no_text ? nlohmann::ordered_json(std::string(trace_.text(e.text)))
                                         : nullptr;
    j["aux"] = e.aux;
    const bool has_pdu = e.pdu != trace::no_pdu && e.pdu < trace_.pdu_count();
    j["pdu"] = has_pdu ? nlohmann::ordered_json(e.pdu) : nullptr;
    j["summary"] = has_pdu ? nlohmann::ordered_json(pdu_summary(trace_, e)) : nullptr;
    if (has_pdu && first_sight) {
        j["format"] =
            trace_.pdu(e.pdu).format == trace::PduFormat::ethernet ? "ethernet" : "message";
        j["hex"] = wire::to_hex(trace_.pdu_bytes(e.pdu));
    }
    // Invalid UTF-8 in a text (it comes from scenarios and payloads) is replaced, not thrown.
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void JsonlWriter::write_new(std::ostream& out) {
    if (seen_.size() < trace_.pdu_count()) seen_.resize(trace_.pdu_count(), false);
    for (; next_ < trace_.size(); ++next_) {
        const trace::Event& e = trace_[static_cast<trace::EventId>(next_)];
        bool first = false;
        if (e.pdu != trace::no_pdu && e.pdu < seen_.size() && !seen_[e.pdu]) {
            seen_[e.pdu] = true;
            first = true;
        }
        out << line(static_cast<trace::EventId>(next_), first) << '\n';
    }
    out.flush();
}

void write_jsonl(const trace::Trace& trace, std::ostream& out) {
    JsonlWriter(trace).write_new(out);
}

} // namespace wirelab::exporter
