// tcp-close-rst: a SYN to a closed port gets RST (ack = ISN + 1) and the client is CLOSED at
// once; the real connection closes with FIN, FIN-ACK, ACK and only the client goes through
// TIME-WAIT, for exactly the lesson's tcp_time_wait.
#include "lesson_facts.hpp"

#include <sstream>

using namespace lessons;

namespace {

std::uint32_t field(const std::string& summary, const std::string& name) {
    auto at = summary.find(name + "=");
    REQUIRE(at != std::string::npos);
    return static_cast<std::uint32_t>(std::stoul(summary.substr(at + name.size() + 1)));
}

} // namespace

TEST_CASE("tcp-close-rst: RST for a closed port, then FIN close with TIME-WAIT") {
    auto sc = load_lesson("tcp-close-rst");
    scenario::Player p(sc);
    p.run();
    const auto& t = p.trace();
    auto c = frames_sent(t, "client");
    auto s = frames_sent(t, "server");
    REQUIRE(c.size() >= 2);
    REQUIRE(!s.empty());
    REQUIRE(starts(c[0].summary, "SYN "));
    REQUIRE(starts(s[0].summary, "RST-ACK "));
    CHECK(field(s[0].summary, "ack") == field(c[0].summary, "seq") + 1);
    CHECK(field(s[0].summary, "seq") == 0);
    // The refused connection: SYN-SENT straight to CLOSED, then the second connection.
    auto cs = texts(t, trace::Kind::state, "client", 4);
    REQUIRE(cs.size() >= 2);
    CHECK(cs[0] == "CLOSED → SYN-SENT");
    CHECK(cs[1] == "SYN-SENT → CLOSED");
    CHECK(std::vector<std::string>(cs.begin() + 2, cs.end()) ==
          std::vector<std::string>{"CLOSED → SYN-SENT", "SYN-SENT → ESTABLISHED",
                                   "ESTABLISHED → FIN-WAIT-1", "FIN-WAIT-1 → FIN-WAIT-2",
                                   "FIN-WAIT-2 → TIME-WAIT", "TIME-WAIT → CLOSED"});
    auto ss = texts(t, trace::Kind::state, "server", 4);
    CHECK(!contains(ss, "FIN-WAIT-2 → TIME-WAIT"));
    CHECK(ss.back() == "LAST-ACK → CLOSED");
    // The close on the wire: client FIN, server FIN-ACK acknowledging it (seq + 1), client ACK
    // acknowledging the server's FIN.
    std::vector<Seen> fins;
    for (const auto& f : frames_sent(t))
        if (starts(f.summary, "FIN-ACK ")) fins.push_back(f);
    REQUIRE(fins.size() == 2);
    CHECK(fins[0].host == "client");
    CHECK(fins[1].host == "server");
    CHECK(field(fins[1].summary, "ack") == field(fins[0].summary, "seq") + 1);
    REQUIRE(starts(c.back().summary, "ACK "));
    CHECK(field(c.back().summary, "ack") == field(fins[1].summary, "seq") + 1);
    // TIME-WAIT lasts exactly tcp_time_wait.
    Time entered = -1, left = -1;
    for (const auto& e : t.events()) {
        if (e.kind != trace::Kind::state || node_name(t, e) != "client") continue;
        if (t.text(e.text) == "FIN-WAIT-2 → TIME-WAIT") entered = e.time;
        if (t.text(e.text) == "TIME-WAIT → CLOSED") left = e.time;
    }
    CHECK(left - entered == sc.tcp_time_wait);
}
