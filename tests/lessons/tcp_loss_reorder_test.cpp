// tcp-loss-reorder: over a lossy, reordering cable the server's application still receives
// exactly the bytes the client sent, in order; and the misfortunes the narration tells of
// (a lost data segment, a reordered one, duplicate ACKs, a fast retransmit that is lost, a
// retransmission timeout that doubles the RTO to 2 s) really happen in the trace.
#include "lesson_facts.hpp"

#include "sim/stack/host.hpp"
#include "sim/stack/tcp_stage.hpp"

using namespace lessons;

namespace {

std::uint32_t field(const std::string& summary, const std::string& name) {
    auto at = summary.find(name + "=");
    REQUIRE(at != std::string::npos);
    return static_cast<std::uint32_t>(std::stoul(summary.substr(at + name.size() + 1)));
}

} // namespace

TEST_CASE("tcp-loss-reorder: every byte sent reaches the server's application, in order") {
    auto sc = load_lesson("tcp-loss-reorder");
    // What the lesson sends: the text of its tcp.send actions, in order.
    std::string sent;
    for (const auto& a : sc.actions)
        if (a.kind == scenario::ActionKind::tcp_send)
            sent += std::string(a.data.begin(), a.data.end());
    CHECK(sent.size() == 11680);

    scenario::Player p(sc);
    p.run();
    const auto& t = p.trace();

    // The server's connection: every byte delivered in order, none resent by the server.
    auto* tcp = p.world().host("server")->tcp();
    REQUIRE(tcp);
    std::uint64_t received = 0, out_of_order = 0;
    for (stack::ConnId id = 0; id < tcp->connection_count(); ++id)
        if (const auto* c = tcp->connection(id)) {
            received += c->stats().bytes_received;
            out_of_order += c->stats().out_of_order;
        }
    CHECK(received == sent.size());
    CHECK(out_of_order >= 5); // the five segments kept behind the hole
    // The client's: two retransmissions (fast, then timeout), one timeout.
    REQUIRE(p.world().host("client")->tcp()->connection_count() == 1);
    const auto* client = p.world().host("client")->tcp()->connection(0);
    REQUIRE(client);
    CHECK(client->stats().retransmissions == 2);
    CHECK(client->stats().timeouts == 1);
    CHECK(client->stats().bytes_acked == sent.size());

    // The application events add up to the same count: 1460 + 1460 + 8760.
    std::uint64_t app_bytes = 0;
    std::vector<std::uint64_t> chunks;
    for (const auto& s : texts(t, trace::Kind::app, "server")) {
        auto open = s.rfind('(');
        if (!starts(s, "received ") || open == std::string::npos) continue;
        chunks.push_back(std::stoull(s.substr(open + 1)));
        app_bytes += chunks.back();
    }
    CHECK(app_bytes == sent.size());
    CHECK(chunks == std::vector<std::uint64_t>{1460, 1460, 8760});

    // Losses: the first is the client's third data segment (the start of part 2).
    std::vector<std::string> lost;
    for (const auto& e : t.events())
        if (e.kind == trace::Kind::drop && e.reason == trace::DropReason::loss)
            lost.push_back(node_name(t, e) + " " + wire::dissect_frame(t.pdu_bytes(e.pdu)).summary);
    REQUIRE(lost.size() >= 4);
    auto data = frames_sent(t, "client");
    std::vector<Seen> segs;
    for (const auto& f : data)
        if (f.summary.find("len=1460") != std::string::npos) segs.push_back(f);
    REQUIRE(segs.size() == 10); // eight segments and two retransmissions
    const auto hole = field(segs[2].summary, "seq");
    CHECK(lost[0].find("seq=" + std::to_string(hole)) != std::string::npos);
    // The fourth loss is the fast retransmission of that segment; the 10th send is the one
    // after the timeout.
    CHECK(field(segs[8].summary, "seq") == hole);
    CHECK(lost[3].find("seq=" + std::to_string(hole)) != std::string::npos);
    CHECK(field(segs[9].summary, "seq") == hole);
    // The same 1460 payload bytes (headers differ: IP identification, checksums).
    auto payload = [](const Seen& f) {
        return std::vector<std::uint8_t>(f.bytes.end() - 4 - 1460, f.bytes.end() - 4);
    };
    CHECK(payload(segs[9]) == payload(segs[2]));
    const auto first_lost = payload(segs[2]);
    CHECK(std::string(first_lost.begin(), first_lost.begin() + 16) == "part 2, line 01:");

    // Reordering: the sixth segment arrived after the seventh and eighth.
    std::vector<std::uint32_t> arrival_seqs;
    for (const auto& e : t.events())
        if (e.kind == trace::Kind::arrive && node_name(t, e) == "server") {
            auto s = wire::dissect_frame(t.pdu_bytes(e.pdu)).summary;
            if (s.find("len=1460") != std::string::npos) arrival_seqs.push_back(field(s, "seq"));
        }
    REQUIRE(arrival_seqs.size() >= 7);
    const auto s6 = field(segs[5].summary, "seq"), s7 = field(segs[6].summary, "seq"),
               s8 = field(segs[7].summary, "seq");
    auto pos = [&](std::uint32_t seq) {
        return std::find(arrival_seqs.begin(), arrival_seqs.end(), seq) - arrival_seqs.begin();
    };
    CHECK(pos(s6) > pos(s7));
    CHECK(pos(s6) > pos(s8));

    // Duplicate ACKs, fast retransmit, then a timeout 1 s after the last new ACK, RTO 2 s.
    auto apps = texts(t, trace::Kind::app, "client");
    CHECK(contains(apps, "3 duplicate ACKs: fast retransmit seq=" + std::to_string(hole)));
    CHECK(contains(apps, "retransmission timeout: resend seq=" + std::to_string(hole) +
                             ", RTO now 2.000000 s"));
    int dup_acks = 0;
    for (const auto& f : frames_sent(t, "server"))
        if (starts(f.summary, "ACK ") && field(f.summary, "ack") == hole) ++dup_acks;
    CHECK(dup_acks >= 5); // one real ACK of the first two segments, then duplicates
}
