// Wirelab's Socket.IO client (`wirelab sio connect`, socketio::Client over HTTP long-polling
// then the upgrade to a WebSocket, or a WebSocket from the start) against the npm socket.io 4.8.1
// server (tests/cli/sio_server.js; tests/sio/oracle, pinned by its package-lock.json) on 127.0.0.1:
// connect, join a room with an ack, emit with an ack, a server emit answered with our ack, a
// broadcast from an npm socket.io-client in the room, and reconnection with back-off after the
// server process is killed and started again on the same port; and a server that allows polling
// only (the client stays on it). A missing node or node_modules is a failure, never a skip. Every
// wait has a generous deadline (a loaded 2-core machine); children are killed by PID
// (ws_process.hpp).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "ws_process.hpp"

using namespace wstest;
using nlohmann::json;

namespace {

std::string node_exe() {
    if (const char* e = std::getenv("NODE")) return e;
    std::istringstream path{std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin"};
    for (std::string dir; std::getline(path, dir, ':');)
        if (std::filesystem::exists(dir + "/node")) return dir + "/node";
    return "/usr/bin/node";
}

std::string server_script() {
    return std::string(WIRELAB_SOURCE_DIR) + "/tests/cli/sio_server.js";
}

void require_socket_io() {
    INFO("run `npm ci --prefix tests/sio/oracle` (make setup does) if node_modules is missing");
    REQUIRE(std::filesystem::exists(std::string(WIRELAB_SOURCE_DIR) +
                                    "/tests/sio/oracle/node_modules/socket.io/package.json"));
}

// The npm server: port 0 picks a free one (the kernel's choice, no guessing); a restart
// passes the port it had.
struct NodeServer {
    Child child;
    int port = 0;
    // `only` = "polling": the server allows that transport alone.
    NodeServer(int wanted_port, const std::string& err_path, const std::string& only = "")
        : child({node_exe(), server_script(), "serve", std::to_string(wanted_port), only},
                "/dev/null", err_path) {
        auto line = child.read_line(30);
        REQUIRE(line);
        port = port_of(*line);
        REQUIRE(port > 0);
    }
    // Server-side lines until one starts with `prefix`.
    std::vector<std::string> lines_until(const std::string& prefix, double seconds = 30) {
        std::vector<std::string> out;
        while (auto line = child.read_line(seconds)) {
            out.push_back(*line);
            if (line->rfind(prefix, 0) == 0) break;
        }
        return out;
    }
};

// One parsed JSON line of `wirelab sio connect`, plus the text for failure messages.
struct Said {
    std::vector<json> lines;
    std::string text;
    // Index of the first line at or after `from` whose members include all of `want`.
    std::optional<std::size_t> find(const json& want, std::size_t from = 0) const {
        for (std::size_t i = from; i < lines.size(); ++i) {
            bool all = true;
            for (auto it = want.begin(); it != want.end(); ++it)
                all = all && lines[i].contains(it.key()) && lines[i][it.key()] == it.value();
            if (all) return i;
        }
        return std::nullopt;
    }
};

// Reads client lines until one matches `want` (or EOF / the deadline), appending to `said`.
bool read_until(Child& client, Said& said, const json& want, double seconds = 40) {
    const std::size_t from = said.lines.size();
    while (auto line = client.read_line(seconds)) {
        said.text += *line + "\n";
        auto j = json::parse(*line, nullptr, false);
        REQUIRE_FALSE(j.is_discarded()); // every stdout line is one JSON object
        said.lines.push_back(j);
        if (said.find(want, from)) return true;
    }
    return false;
}

bool has_line(const std::vector<std::string>& lines, const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

std::string joined(const std::vector<std::string>& lines) {
    std::string s;
    for (const auto& l : lines)
        s += l + "\n";
    return s;
}

// `wirelab sio connect` to 127.0.0.1:port over `transport`: join "lobby", emit "chat" with
// `chat_args` and an ack, and exit once three acks are back (the join, the chat, and the join
// again after a reconnection, tried every 200 ms to 1 s). `extra` options come last.
std::vector<std::string> chat_until_rejoined(int port, const std::string& transport,
                                             const std::string& chat_args,
                                             const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv{wirelab_exe(),
                                  "sio",
                                  "connect",
                                  "http://127.0.0.1:" + std::to_string(port),
                                  "--transport",
                                  transport,
                                  "--join",
                                  "lobby",
                                  "--emit",
                                  "chat",
                                  chat_args,
                                  "--ack",
                                  "--wait-event",
                                  "ack",
                                  "--count",
                                  "3",
                                  "--reconnection-delay",
                                  "200",
                                  "--reconnection-delay-max",
                                  "1000",
                                  "--timeout",
                                  "120"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
}

} // namespace

TEST_CASE("wirelab sio connect chats with the npm socket.io server and reconnects after it "
          "restarts",
          "[cli][sio][interop]") {
    require_socket_io();
    // polling: HTTP long-polling first, then the upgrade (the default, as the reference).
    const std::string transport = GENERATE(as<std::string>{}, "websocket", "polling");
    const bool polling = transport == "polling";
    INFO("--transport " << transport);
    TempDir dir;
    auto server = std::make_unique<NodeServer>(0, dir + "/server1.err");
    const int port = server->port;
    // Exit once three acks are back: join, chat, and the join after the reconnection.
    Child client{
        chat_until_rejoined(port, transport, R"(["hello",{"n":1}])", {"--reply", R"(["thanks"])"}),
        "/dev/null", dir + "/client.err"};
    Said said;

    // 1. Connected, the server's `welcome` (it wants an ack), the join and chat acks.
    REQUIRE(read_until(client, said, {{"type", "ack"}, {"event", "chat"}}));
    INFO("wirelab sio connect said:\n" << said.text);
    auto connect = said.find({{"type", "connect"}});
    REQUIRE(connect);
    CHECK(said.lines[*connect]["sid"].get<std::string>().size() == 20); // the server's id
    CHECK(said.find({{"type", "event"}, {"name", "welcome"}, {"args", {{{"n", 1}}}}}));
    CHECK(said.find({{"type", "ack"}, {"event", "join"}, {"args", {true}}}));
    CHECK(said.find({{"type", "ack"}, {"event", "chat"}, {"args", {0}}})); // nobody else yet
    auto first = server->lines_until("chat ");
    if (polling && !has_line(first, "upgrade websocket")) {
        auto more = server->lines_until("upgrade ");
        first.insert(first.end(), more.begin(), more.end());
    }
    if (polling && !said.find({{"type", "upgrade"}}))
        REQUIRE(read_until(client, said, {{"type", "upgrade"}}));
    INFO("server said:\n" << joined(first));
    // The server saw the transport asked for; with polling, the client upgraded to a
    // WebSocket, and both sides say so.
    CHECK(has_line(first, "transport " + transport));
    CHECK(has_line(first, "upgrade websocket") == polling);
    auto opened = said.find({{"type", "transport"}});
    REQUIRE(opened);
    CHECK(*opened + 1 == *connect); // printed just before `connect`
    CHECK(said.lines[*opened]["name"] == transport);
    CHECK(said.find({{"type", "upgrade"}, {"name", "websocket"}}).has_value() == polling);
    CHECK(has_line(first, "join lobby"));
    CHECK(has_line(first, R"(chat ["hello",{"n":1}])"));     // arguments intact, in order
    CHECK(has_line(first, R"(welcome 1 acked ["thanks"])")); // our ack reached its callback

    // 2. An npm socket.io-client joins the room and chats: the broadcast reaches us.
    auto peer = run({node_exe(), server_script(), "peer", std::to_string(port), "lobby", "hi"}, {},
                    40, dir + "/peer.err");
    CHECK(peer.status == 0);
    CHECK(peer.out == "join true\nchat ack 1\n"); // exactly one recipient: Wirelab's client
    REQUIRE(read_until(client, said, {{"type", "event"}, {"name", "chat"}}));
    CHECK(said.find({{"type", "event"}, {"name", "chat"}, {"args", {"hi", {{"from", "npm"}}}}}));

    // 3. Kill the server: "transport close", then reconnect attempts that fail while it is
    // down (connection refused), back-off in between.
    server.reset();
    REQUIRE(read_until(client, said, {{"type", "disconnect"}}));
    CHECK(said.lines.back()["reason"] == "transport close");
    REQUIRE(read_until(client, said, {{"type", "reconnect_error"}}));
    REQUIRE(said.find({{"type", "reconnect_attempt"}, {"attempt", 1}}));

    // 4. Start it again on the same port: reconnect, connect with a new sid, rejoin.
    server = std::make_unique<NodeServer>(port, dir + "/server2.err");
    REQUIRE(read_until(client, said, {{"type", "ack"}, {"event", "join"}}, 60));
    auto reconnect = said.find({{"type", "reconnect"}});
    REQUIRE(reconnect);
    CHECK(said.lines[*reconnect]["attempt"].get<int>() >= 1);
    auto again = said.find({{"type", "connect"}}, *reconnect);
    REQUIRE(again);
    CHECK(said.lines[*again]["sid"] != said.lines[*connect]["sid"]);
    CHECK(said.find({{"type", "event"}, {"name", "welcome"}, {"args", {{{"n", 1}}}}}, *again));
    CHECK(said.find({{"type", "transport"}, {"name", transport}}, *reconnect));
    // Then it leaves as socket.disconnect() does, and exits 0: its goal was met.
    REQUIRE(read_until(client, said, {{"type", "disconnect"}}));
    CHECK(said.lines.back()["reason"] == "io client disconnect");
    CHECK(client.wait(20) == 0);
    auto second = server->lines_until("disconnect ");
    INFO("restarted server said:\n" << joined(second));
    CHECK(has_line(second, "join lobby"));
    CHECK(has_line(second, "disconnect client namespace disconnect")); // our DISCONNECT packet
    // Again by polling, then the upgrade (the client waits for a probe under way before it
    // leaves, as socket.io-client's Socket.close does).
    CHECK(has_line(second, "transport " + transport));
    CHECK(has_line(second, "upgrade websocket") == polling);
    CHECK(said.find({{"type", "upgrade"}, {"name", "websocket"}}, *reconnect).has_value() ==
          polling);
}

TEST_CASE("wirelab sio connect stays on HTTP long-polling with a server that allows nothing "
          "else, and reconnects by polling after it restarts",
          "[cli][sio][interop]") {
    require_socket_io();
    TempDir dir;
    auto server = std::make_unique<NodeServer>(0, dir + "/server1.err", "polling");
    const int port = server->port;
    // Exit once three acks are back: join, chat, and the join after the reconnection.
    Child client{chat_until_rejoined(port, "polling", R"(["over http"])"), "/dev/null",
                 dir + "/client.err"};
    Said said;
    REQUIRE(read_until(client, said, {{"type", "ack"}, {"event", "chat"}}));
    INFO("wirelab sio connect said:\n" << said.text);
    CHECK(said.lines.front() == json({{"type", "transport"}, {"name", "polling"}}));
    CHECK(said.find({{"type", "ack"}, {"event", "join"}, {"args", {true}}}));
    CHECK(said.find({{"type", "ack"}, {"event", "chat"}, {"args", {0}}}));
    CHECK(said.find({{"type", "event"}, {"name", "welcome"}}));
    // A broadcast from an npm peer in the room (polling too: this server has nothing else)
    // comes back in the answer to a held GET.
    auto peer =
        run({node_exe(), server_script(), "peer", std::to_string(port), "lobby", "hi", "polling"},
            {}, 40, dir + "/peer.err");
    CHECK(peer.status == 0);
    CHECK(peer.out == "join true\nchat ack 1\n");
    REQUIRE(read_until(client, said, {{"type", "event"}, {"name", "chat"}}));
    CHECK(said.find({{"type", "event"}, {"name", "chat"}, {"args", {"hi", {{"from", "npm"}}}}}));
    auto first = server->lines_until("chat ");
    INFO("server said:\n" << joined(first));
    CHECK(has_line(first, "transport polling"));
    CHECK(has_line(first, R"(chat ["over http"])"));

    // The server goes: the held GET fails ("transport error", as socket.io-client says for
    // an XHR poll error), then refused handshakes with back-off until it is back, each an
    // "xhr poll error" (the engine's TransportError, as socket.io-client reports it).
    server.reset();
    REQUIRE(read_until(client, said, {{"type", "disconnect"}}));
    CHECK(said.lines.back()["reason"] == "transport error");
    REQUIRE(read_until(client, said, {{"type", "reconnect_error"}}));
    CHECK(said.lines.back()["reason"] == "xhr poll error");
    CHECK(said.find({{"type", "connect_error"}, {"data", {{"message", "xhr poll error"}}}}));
    server = std::make_unique<NodeServer>(port, dir + "/server2.err", "polling");
    REQUIRE(read_until(client, said, {{"type", "ack"}, {"event", "join"}}, 60));
    auto reconnect = said.find({{"type", "reconnect"}});
    REQUIRE(reconnect);
    CHECK(said.find({{"type", "transport"}, {"name", "polling"}}, *reconnect));
    REQUIRE(read_until(client, said, {{"type", "disconnect"}}));
    CHECK(said.lines.back()["reason"] == "io client disconnect");
    CHECK(client.wait(20) == 0);
    CHECK_FALSE(said.find({{"type", "upgrade"}})); // every probe was refused: still polling
    auto second = server->lines_until("disconnect ");
    INFO("restarted server said:\n" << joined(second));
    CHECK(has_line(second, "transport polling"));
    CHECK(has_line(second, "join lobby"));
    CHECK(has_line(second, "welcome 1 acked []"));
    CHECK_FALSE(has_line(second, "upgrade websocket"));
    // Our DISCONNECT in a POST, the Engine.IO close in the next one.
    CHECK(has_line(second, "disconnect client namespace disconnect"));
}

TEST_CASE("wirelab sio connect by polling leaves while an emit's POST is still out: the npm "
          "server hears a clean client namespace disconnect",
          "[cli][sio][interop]") {
    require_socket_io();
    TempDir dir;
    NodeServer server{0, dir + "/server.err", "polling"};
    // Fire-and-forget emits: the client leaves as soon as they are handed to the engine, the
    // first one's POST still out, the second buffered. Then, as socket.io-client 4.8.1 does
    // against the same server (checked): 42 a; once answered 42 b + 41; once answered the
    // close packet alone. The server says "client namespace disconnect" (glued to the
    // buffered packets in a second concurrent POST, the close failed the session with a
    // transport error). It drops the event that shares a payload with the DISCONNECT (its
    // handler would run a tick later), for the npm client too, so `b` is not asserted.
    auto r = run({wirelab_exe(), "sio", "connect",
                  "http://127.0.0.1:" + std::to_string(server.port), "--transport", "polling",
                  "--emit", "chat", R"(["a"])", "--emit", "chat", R"(["b"])", "--timeout", "60"},
                 {}, 90, dir + "/client.err");
    INFO("wirelab sio connect said:\n" << r.out);
    CHECK(r.status == 0);
    CHECK(r.out.find(R"({"type":"disconnect","reason":"io client disconnect"})") !=
          std::string::npos);
    auto lines = server.lines_until("disconnect ");
    INFO("server said:\n" << joined(lines));
    CHECK(has_line(lines, "transport polling"));
    CHECK(has_line(lines, R"(chat ["a"])"));
    CHECK(lines.back() == "disconnect client namespace disconnect");
}

TEST_CASE("wirelab sio connect reaches a namespace by the URL path and reports a refused one",
          "[cli][sio][interop]") {
    require_socket_io();
    TempDir dir;
    NodeServer server{0, dir + "/server.err"};
    const std::string base = "http://127.0.0.1:" + std::to_string(server.port);

    auto admin = run({wirelab_exe(), "sio", "connect", base + "/admin", "--wait-event",
                      "hello-admin", "--timeout", "60"},
                     {}, 90, dir + "/admin.err");
    INFO(admin.out);
    CHECK(admin.status == 0);
    CHECK(admin.out.find(R"({"type":"event","name":"hello-admin","args":["/admin"]})") !=
          std::string::npos);

    // An unknown namespace: CONNECT_ERROR, no reconnection, exit 1 straight away.
    auto nope =
        run({wirelab_exe(), "sio", "connect", base + "/nope", "--join", "lobby", "--timeout", "60"},
            {}, 90, dir + "/nope.err");
    INFO(nope.out);
    CHECK(nope.status == 1);
    CHECK(nope.out == R"({"type":"connect_error","data":{"message":"Invalid namespace"}})"
                      "\n");
}

TEST_CASE("wirelab sio connect keeps trying with back-off while nothing listens, and gives up "
          "after its attempts",
          "[cli][sio]") {
    // A port nobody listens on: bind one, note it, close it (the kernel will not hand it out
    // again at once).
    TempDir dir;
    NodeServer server{0, dir + "/server.err"};
    const int port = server.port;
    server.child.terminate();
    REQUIRE(server.child.wait(20) >= 0);
    auto r = run({wirelab_exe(), "sio", "connect", "http://127.0.0.1:" + std::to_string(port),
                  "--reconnection-attempts", "3", "--reconnection-delay", "50",
                  "--reconnection-delay-max", "100", "--timeout", "60"},
                 {}, 90, dir + "/client.err");
    INFO(r.out);
    CHECK(r.status == 1);
    std::istringstream lines{r.out};
    std::vector<std::string> kinds;
    for (std::string l; std::getline(lines, l);)
        kinds.push_back(json::parse(l)["type"].get<std::string>());
    // The first connect fails, then 3 attempts fail; after the third the client gives up
    // (reconnect_failed comes before that attempt's reconnect_error, as in socket.io-client's
    // Manager, whose reconnect() runs before it emits the error).
    const std::vector<std::string> expected{
        "connect_error",     "reconnect_attempt", "connect_error",   "reconnect_error",
        "reconnect_attempt", "connect_error",     "reconnect_error", "reconnect_attempt",
        "connect_error",     "reconnect_failed",  "reconnect_error"};
    CHECK(kinds == expected);
}
