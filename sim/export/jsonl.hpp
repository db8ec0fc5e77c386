// JSON Lines export: the trace as one JSON object per event, for scripts, notebooks and
// graders. Keys in a fixed order (id, t_ns, kind, node, layer, link, cause, reason, text, aux,
// pdu, summary, then format and hex); absent values are null. A PDU's bytes ("hex") are written the
// first time the PDU appears, later events refer to it by id. Reads the trace only.
//   trace::Trace -> JsonlWriter::write_new() -> std::ostream
#pragma once

#include "sim/trace/trace.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace wirelab::exporter {

// Streams events as they are appended (the CLI calls write_new while the world runs).
class JsonlWriter {
public:
    explicit JsonlWriter(const trace::Trace& trace) : trace_(trace) {}
    // Writes one line per event appended since the last call.
    void write_new(std::ostream& out);
    // The line for one event, without the newline; `first_sight` says whether to add "hex".
    std::string line(trace::EventId id, bool first_sight) const;

private:
    const trace::Trace& trace_;
    std::size_t next_ = 0;
    std::vector<bool> seen_; // by PduId: bytes already written
};

// The whole trace.
void write_jsonl(const trace::Trace& trace, std::ostream& out);

} // namespace wirelab::exporter
