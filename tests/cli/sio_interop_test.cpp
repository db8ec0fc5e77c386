// The npm socket.io-client 4.8.1 (tests/sio/oracle/node_modules, pinned by its
// package-lock.json) against `wirelab sio serve` on real 127.0.0.1 sockets. WebSocket
// transport: connect, join a room with an ack, chat with an ack counting the recipients, a
// broadcast received by the second client, and reconnection after the server restarts on
// the same port. Default transports: HTTP long-polling first, the upgrade to a WebSocket
// checked from the client's side, a polling-only client in the same room. A missing node or
// node_modules is a failure, never a skip. Every wait has a deadline; children are killed by PID
// (ws_process.hpp).
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "ws_process.hpp"

using namespace wstest;

namespace {

std::string node_exe() {
    if (const char* e = std::getenv("NODE")) return e;
    std::istringstream path{std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin"};
    for (std::string dir; std::getline(path, dir, ':');)
        if (std::filesystem::exists(dir + "/node")) return dir + "/node";
    return "/usr/bin/node";
}

std::string client_script() {
    return std::string(WIRELAB_SOURCE_DIR) + "/tests/cli/sio_client.js";
}

struct SioServer {
    Child child;
    int port = 0;
    SioServer(int wanted_port, const std::string& err_path, std::vector<std::string> extra = {})
        : child(argv(wanted_port, std::move(extra)), "/dev/null", err_path) {
        auto line = child.read_line(10);
        REQUIRE(line);
        port = port_of(*line);
        REQUIRE(port > 0);
    }
    static std::vector<std::string> argv(int port, std::vector<std::string> extra) {
        std::vector<std::string> a{wirelab_exe(), "sio", "serve", "--port", std::to_string(port)};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }
};

// Reads lines until `last` (or a deadline), collecting them.
std::vector<std::string> lines_until(Child& c, const std::string& last, double seconds) {
    std::vector<std::string> out;
    while (auto line = c.read_line(seconds)) {
        out.push_back(*line);
        if (*line == last || *line == "timeout") break;
    }
    return out;
}

bool has(const std::vector<std::string>& lines, const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// A raw HTTP request, the whole response.
std::string http_get(int port, const std::string& target) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    const std::string req =
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    REQUIRE(write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size()));
    std::string resp;
    char buf[4096];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;)
        resp.append(buf, static_cast<std::size_t>(n));
    close(fd);
    return resp;
}

} // namespace

TEST_CASE("npm socket.io-client chats through wirelab sio serve and reconnects after a restart",
          "[cli][sio][interop]") {
    INFO("run `npm ci` in tests/sio/oracle (scripts/setup.sh does) if node_modules is missing");
    REQUIRE(
        std::filesystem::exists(std::string(WIRELAB_SOURCE_DIR) +
                                "/tests/sio/oracle/node_modules/socket.io-client/package.json"));
    TempDir dir;
    auto server = std::make_unique<SioServer>(0, dir + "/serve1.err");
    const int port = server->port;
    Child client{
        {node_exe(), client_script(), std::to_string(port)}, "/dev/null", dir + "/client.err"};

    auto first = lines_until(client, "restart-me", 20);
    INFO("client said:\n"
         << [&] {
                std::string s;
                for (auto& l : first)
                    s += l + "\n";
                return s;
            }());
    REQUIRE(has(first, "restart-me"));
    CHECK(has(first, "A connected 20")); // the socket id: 20 characters as the reference's
    CHECK(has(first, "A join true"));
    CHECK(has(first, "B connected"));
    CHECK(has(first, "B join true"));
    CHECK(has(first, R"(B chat ["hello",{"n":1}])")); // the broadcast, arguments intact
    CHECK(has(first, "A chat ack 1"));                // one recipient counted
    CHECK(std::none_of(first.begin(), first.end(), [](const std::string& l) {
        return l.find("connect_error") != std::string::npos;
    }));

    // Kill the server (by PID) and start a new one on the same port: A must reconnect.
    server.reset();
    server = std::make_unique<SioServer>(port, dir + "/serve2.err");
    auto second = lines_until(client, "done", 20);
    std::string said;
    for (auto& l : second)
        said += l + "\n";
    INFO("after the restart the client said:\n" << said);
    REQUIRE(has(second, "done"));
    CHECK(has(second, "A disconnect transport close"));
    CHECK(has(second, "A reconnect true"));
    CHECK(has(second, "A connected again"));
    CHECK(has(second, "A join again true"));
    CHECK(has(second, "A chat ack 0")); // alone in the room now
    CHECK(client.wait(10) == 0);
}

TEST_CASE("npm socket.io-client answers wirelab's Engine.IO heartbeat and stays connected",
          "[cli][sio][interop]") {
    TempDir dir;
    // A ping every 200 ms, 400 ms for the pong: without pongs the session would end within
    // 0.6 s and the client would print "disconnect ...".
    SioServer server{0, dir + "/serve.err", {"--ping-interval", "200", "--ping-timeout", "400"}};
    Child client{{node_exe(), client_script(), std::to_string(server.port), "heartbeat"},
                 "/dev/null",
                 dir + "/client.err"};
    auto lines = lines_until(client, "connected true", 20);
    std::string said;
    for (auto& l : lines)
        said += l + "\n";
    INFO("client said:\n" << said);
    REQUIRE(lines.size() == 2);
    const int pings = std::stoi(lines[0].substr(lines[0].find(' ') + 1));
    CHECK(lines[0].rfind("pings ", 0) == 0);
    CHECK(pings >= 4); // 1.5 s at one ping per 200 ms: about 7
    CHECK(pings <= 9);
    CHECK(lines[1] == "connected true");
    CHECK(client.wait(10) == 0);
}

TEST_CASE("wirelab sio serve closes a session whose client never answers the ping", "[cli][sio]") {
    TempDir dir;
    SioServer server{0, dir + "/serve.err", {"--ping-interval", "100", "--ping-timeout", "100"}};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    timeval tv{8, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(server.port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    const std::string req = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                            "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            "Sec-WebSocket-Version: 13\r\n\r\n";
    REQUIRE(write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size()));
    // A Socket.IO CONNECT ("40", one masked text frame with a zero mask), then silence.
    const std::string connect_frame{"\x81\x82\x00\x00\x00\x00"
                                    "40",
                                    8};
    REQUIRE(write(fd, connect_frame.data(), 8) == 8);
    // Read everything until the server drops the connection: it must, as we never pong
    // nor answer its close frame.
    const auto start = std::chrono::steady_clock::now();
    std::string got;
    char buf[4096];
    ssize_t n = 0;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        got.append(buf, static_cast<std::size_t>(n));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    close(fd);
    CHECK(n == 0); // EOF, not the 8 s read timeout
    CHECK(seconds < 5);
    REQUIRE(got.rfind("HTTP/1.1 101 ", 0) == 0);
    const std::string frames = got.substr(got.find("\r\n\r\n") + 4);
    CHECK(frames.find("0{\"sid\":\"") != std::string::npos); // the open packet
    CHECK(frames.find(std::string("\x81\x01"
                                  "2")) != std::string::npos);                // a ping
    CHECK(frames.find(std::string("\x88\x02\x03\xe8")) != std::string::npos); // close 1000
    server.child.terminate();
    CHECK(server.child.wait(5) >= 0);
    std::ifstream err{dir + "/serve.err"};
    const std::string log{std::istreambuf_iterator<char>(err), {}};
    INFO(log);
    CHECK(log.find("ping timeout") != std::string::npos);
}

TEST_CASE("wirelab sio serve answers engine.io's polling requests and refusals", "[cli][sio]") {
    TempDir dir;
    SioServer server{0, dir + "/serve.err"};
    const std::string open = http_get(server.port, "/socket.io/?EIO=4&transport=polling&t=abc");
    INFO(open);
    CHECK(open.rfind("HTTP/1.1 200 ", 0) == 0);
    CHECK(open.find("Content-Type: text/plain; charset=UTF-8\r\n") != std::string::npos);
    CHECK(open.find("\r\n\r\n0{\"sid\":\"") != std::string::npos);
    CHECK(open.find(R"("upgrades":["websocket"],"pingInterval":25000)") != std::string::npos);
    const std::string unknown = http_get(server.port, "/socket.io/?EIO=4&transport=polling&sid=x");
    CHECK(unknown.rfind("HTTP/1.1 400 ", 0) == 0);
    CHECK(unknown.find(R"({"code":1,"message":"Session ID unknown"})") != std::string::npos);
    const std::string elsewhere = http_get(server.port, "/chat");
    CHECK(elsewhere.rfind("HTTP/1.1 404 ", 0) == 0);
    const std::string old = http_get(server.port, "/socket.io/?EIO=3&transport=polling");
    CHECK(old.rfind("HTTP/1.1 400 ", 0) == 0);
    CHECK(old.find(R"({"code":5,"message":"Unsupported protocol version"})") != std::string::npos);
    const std::string bad = http_get(server.port, "/socket.io/?EIO=4&transport=smoke");
    CHECK(bad.find(R"({"code":0,"message":"Transport unknown"})") != std::string::npos);
}

TEST_CASE("npm socket.io-client with its default transports polls, then upgrades to a WebSocket",
          "[cli][sio][interop]") {
    TempDir dir;
    SioServer server{0, dir + "/serve.err"};
    Child client{{node_exe(), client_script(), std::to_string(server.port), "upgrade"},
                 "/dev/null",
                 dir + "/client.err"};
    auto lines = lines_until(client, "done", 20);
    std::string said;
    for (auto& l : lines)
        said += l + "\n";
    INFO("client said:\n" << said);
    REQUIRE(has(lines, "done"));
    CHECK(lines.at(0) == "A first transport polling"); // the handshake was an HTTP GET
    CHECK(has(lines, "A upgrade websocket"));          // 2probe / 3probe / 5 went through
    CHECK(has(lines, "A transport websocket"));
    CHECK(has(lines, "A join true"));
    CHECK(has(lines, "B connected polling"));
    CHECK(has(lines, "B join true"));
    CHECK(has(lines, "B chat over the websocket")); // through B's held GET
    CHECK(has(lines, "A chat by POST"));            // B's POST, A's WebSocket
    CHECK(has(lines, "A chat ack 1"));
    CHECK(has(lines, "B chat ack 1"));
    CHECK(has(lines, "B transport polling"));
    CHECK(std::none_of(lines.begin(), lines.end(), [](const std::string& l) {
        return l.find("rror") != std::string::npos; // connect_error, upgradeError
    }));
    CHECK(client.wait(10) == 0);
    server.child.terminate();
    CHECK(server.child.wait(5) >= 0);
    std::ifstream err{dir + "/serve.err"};
    const std::string log{std::istreambuf_iterator<char>(err), {}};
    INFO(log);
    CHECK(log.find("upgrade probe for session") != std::string::npos);
}

TEST_CASE("npm socket.io-client on polling only answers the heartbeat through POSTs",
          "[cli][sio][interop]") {
    TempDir dir;
    SioServer server{0, dir + "/serve.err", {"--ping-interval", "200", "--ping-timeout", "400"}};
    Child client{{node_exe(), client_script(), std::to_string(server.port), "heartbeat", "polling"},
                 "/dev/null",
                 dir + "/client.err"};
    auto lines = lines_until(client, "connected true", 20);
    std::string said;
    for (auto& l : lines)
        said += l + "\n";
    INFO("client said:\n" << said);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].rfind("pings ", 0) == 0);
    const int pings = std::stoi(lines[0].substr(lines[0].find(' ') + 1));
    CHECK(pings >= 4); // each ping came back in a held GET, each pong went by POST
    CHECK(pings <= 9);
    CHECK(lines[1] == "connected true");
    CHECK(client.wait(10) == 0);
}
