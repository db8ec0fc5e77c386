// `wirelab ws serve` and `wirelab ws connect` against Debian's python3-websockets on real
// 127.0.0.1 sockets: text, binary, 64 KiB and 16 MiB messages, fragmentation, ping/pong,
// close codes and permessage-deflate, in both directions. Every wait has a deadline.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sys/socket.h>

#include <chrono>
#include <fstream>
#include <random>

#include "sim/wire/bytes.hpp"
#include "ws_process.hpp"

using namespace wstest;

namespace {

// A running `wirelab ws serve --port 0` and its port.
struct WirelabServer {
    TempDir dir;
    Child child;
    int port = 0;
    explicit WirelabServer(std::vector<std::string> extra = {})
        : child(argv(extra), "/dev/null", dir + "/serve.err") {
        auto line = child.read_line(10);
        REQUIRE(line);
        port = port_of(*line);
        REQUIRE(port > 0);
    }
    static std::vector<std::string> argv(const std::vector<std::string>& extra) {
        std::vector<std::string> a{wirelab_exe(), "ws", "serve", "--port", "0"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }
};

// A running python-websockets echo server (tests/cli/ws_peer.py server).
struct PythonServer {
    TempDir dir;
    Child child;
    int port = 0;
    explicit PythonServer(bool deflate)
        : child(deflate ? std::vector<std::string>{python(), peer_script(), "server", "--deflate"}
                        : std::vector<std::string>{python(), peer_script(), "server"},
                "/dev/null", dir + "/py.err") {
        auto line = child.read_line(20);
        REQUIRE(line);
        port = port_of(*line);
        REQUIRE(port > 0);
    }
    std::string url(const std::string& path) const {
        return "ws://127.0.0.1:" + std::to_string(port) + path;
    }
};

RunResult python_client(int port, const std::string& scenario) {
    return run({python(), peer_script(), "client", std::to_string(port), scenario}, {}, 90);
}

RunResult connect(std::vector<std::string> args, double seconds = 60) {
    std::vector<std::string> argv{wirelab_exe(), "ws", "connect"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, {}, seconds);
}

std::string sha256_hex(const std::string& data) {
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data.data(), data.size(), d, &n, EVP_sha256(), nullptr);
    return wirelab::wire::to_hex({d, n});
}

std::string random_file(const std::string& path, std::size_t size) {
    std::mt19937_64 rng{size};
    std::string data(size, '\0');
    for (auto& c : data)
        c = static_cast<char>(rng());
    std::ofstream(path, std::ios::binary) << data;
    return data;
}

// Sends raw bytes to 127.0.0.1:port and returns what comes back until the server closes
// (or, if `until` is given, until that appears).
std::string raw_exchange(int port, const std::string& request, const std::string& until = {}) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(request.size()));
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) {
        out.append(buf, static_cast<std::size_t>(n));
        if (!until.empty() && out.find(until) != std::string::npos) break;
    }
    close(fd);
    return out;
}

} // namespace

TEST_CASE("python3-websockets is installed for Debian's interpreter", "[cli][interop]") {
    auto r = run({python(), "-c", "import websockets; print(websockets.__version__)"});
    REQUIRE(r.status == 0);
    CHECK_FALSE(r.out.empty());
}

TEST_CASE("python client <-> wirelab serve: text and binary and fragments and ping and close code",
          "[cli][interop]") {
    WirelabServer server;
    auto r = python_client(server.port, "basic");
    CHECK(r.out == "ok\n");
    CHECK(r.status == 0);
}

TEST_CASE("python client <-> wirelab serve: 64 KiB and 16 MiB messages", "[cli][interop]") {
    WirelabServer server;
    auto r = python_client(server.port, "big");
    CHECK(r.out == "ok\n");
    CHECK(r.status == 0);
}

TEST_CASE("python client <-> wirelab serve: permessage-deflate", "[cli][interop]") {
    WirelabServer server;
    auto r = python_client(server.port, "deflate");
    CHECK(r.out == "ok\n");
    CHECK(r.status == 0);
}

TEST_CASE("python clients <-> wirelab serve: 16 clients at once", "[cli][interop]") {
    WirelabServer server;
    auto r = python_client(server.port, "many");
    CHECK(r.out == "ok\n");
    CHECK(r.status == 0);
}

TEST_CASE("wirelab serve refuses bad upgrades with 400 and 426", "[cli][interop]") {
    WirelabServer server;
    std::string http10 = raw_exchange(server.port, "GET / HTTP/1.0\r\nHost: x\r\n\r\n");
    CHECK(http10.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
    CHECK(http10.find("HTTP/1.1 or later required") != std::string::npos);
    std::string v8 = raw_exchange(server.port, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                                               "Connection: Upgrade\r\nSec-WebSocket-Key: "
                                               "dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                               "Sec-WebSocket-Version: 8\r\n\r\n");
    CHECK(v8.rfind("HTTP/1.1 426 Upgrade Required\r\n", 0) == 0);
    CHECK(v8.find("\r\nSec-WebSocket-Version: 13\r\n") != std::string::npos);
    // The handshake and the first frame in one segment: the frame is not lost.
    std::string both = raw_exchange(server.port,
                                    "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                                    "Connection: Upgrade\r\nSec-WebSocket-Key: "
                                    "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
                                    "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58",
                                    "Hello");
    CHECK(both.find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\x81\x05Hello") != std::string::npos);
}

TEST_CASE("wirelab serve drops a client that never finishes its request", "[cli][interop]") {
    WirelabServer server{{"--handshake-timeout", "0.3"}};
    // An unfinished head: the server waits, then closes without an answer.
    auto started = std::chrono::steady_clock::now();
    std::string out = raw_exchange(server.port, "GET / HTTP/1.1\r\nHost: x\r\n");
    auto waited = std::chrono::steady_clock::now() - started;
    CHECK(out.empty());
    CHECK(waited >= std::chrono::milliseconds(250));
    CHECK(waited < std::chrono::seconds(5));
}

TEST_CASE("wirelab serve --once exits after its first client", "[cli][interop]") {
    WirelabServer server{{"--once"}};
    auto r = connect({"ws://127.0.0.1:" + std::to_string(server.port) + "/", "--send", "hi"});
    CHECK(r.out == "hi\nclosed 1000\n");
    CHECK(server.child.wait(10) == 0);
}

TEST_CASE("wirelab connect <-> wirelab serve with deflate and fragments", "[cli][interop]") {
    WirelabServer server;
    std::string url = "ws://127.0.0.1:" + std::to_string(server.port) + "/self";
    auto r = connect({url, "--send", "one", "--send", "two", "--count", "2", "--deflate",
                      "--fragment", "2", "--ping", "p"});
    CHECK(r.out == "pong p\none\ntwo\none\ntwo\nclosed 1000\n");
    CHECK(r.status == 0);
}

TEST_CASE("wirelab connect -> python server: text and fragments and a ping from the server",
          "[cli][interop]") {
    PythonServer py{false};
    auto r = connect({py.url("/text"), "--send", "hello ✓", "--send", "frag:abcdefgh", "--send",
                      "ping-me", "--ping", "hi", "--fragment", "3"});
    CHECK(r.out == "pong hi\nhello ✓\nabcdefgh\npinged\nclosed 1000\n");
    CHECK(r.status == 0);
    CHECK(py.child.read_line(10) == "open /text extensions=");
    CHECK(py.child.read_line(10) == "closed 1000 ");
}

TEST_CASE("wirelab connect -> python server: 64 KiB and 16 MiB binary", "[cli][interop]") {
    PythonServer py{false};
    TempDir dir;
    for (std::size_t size : {std::size_t{64} << 10, std::size_t{16} << 20}) {
        std::string data = random_file(dir + "/msg.bin", size);
        auto r =
            connect({py.url("/big"), "--binary-file", dir + "/msg.bin", "--max-message-size", "0"});
        CHECK(r.out ==
              "binary " + std::to_string(size) + " sha256=" + sha256_hex(data) + "\nclosed 1000\n");
        CHECK(r.status == 0);
    }
}

TEST_CASE("wirelab connect -> python server: close codes both ways", "[cli][interop]") {
    PythonServer py{false};
    auto server_closes = connect({py.url("/a"), "--send", "close:4001:bye"});
    CHECK(server_closes.out == "closed 4001 bye\n");
    CHECK(server_closes.status == 0);
    auto client_closes = connect({py.url("/b"), "--send", "x", "--close-code", "4002"});
    CHECK(client_closes.out == "x\nclosed 4002\n");
    CHECK(client_closes.status == 0);
    std::vector<std::string> lines;
    while (auto line = py.child.read_line(5)) {
        lines.push_back(*line);
        if (lines.size() == 4) break;
    }
    CHECK(lines == std::vector<std::string>{"open /a extensions=", "closed 4001 ",
                                            "open /b extensions=", "closed 4002 "});
}

TEST_CASE("wirelab connect -> python server: permessage-deflate", "[cli][interop]") {
    PythonServer py{true};
    TempDir dir;
    std::string data = random_file(dir + "/msg.bin", 1 << 20);
    std::string text(4000, 'z');
    auto r = connect({py.url("/deflate"), "--deflate", "--send", text, "--binary-file",
                      dir + "/msg.bin", "--count", "3"});
    std::string expected;
    for (int i = 0; i < 3; ++i)
        expected += text + "\nbinary 1048576 sha256=" + sha256_hex(data) + "\n";
    CHECK(r.out == expected + "closed 1000\n");
    CHECK(r.status == 0);
    auto open = py.child.read_line(10);
    REQUIRE(open);
    CHECK(open->rfind("open /deflate extensions=permessage-deflate", 0) == 0);
}

TEST_CASE("wirelab connect fails the connection on a wrong Sec-WebSocket-Accept",
          "[cli][interop]") {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(listen(listener, 1) == 0);
    socklen_t len = sizeof addr;
    getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
    TempDir dir;
    Child client{{wirelab_exe(), "ws", "connect",
                  "ws://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/", "--send", "x",
                  "--timeout", "10"},
                 "/dev/null",
                 dir + "/err"};
    timeval tv{10, 0};
    setsockopt(listener, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int fd = accept(listener, nullptr, nullptr);
    REQUIRE(fd >= 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        REQUIRE(n > 0);
        request.append(buf, static_cast<std::size_t>(n));
    }
    CHECK(request.rfind("GET / HTTP/1.1\r\n", 0) == 0);
    std::string response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\n"
                           "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    send(fd, response.data(), response.size(), MSG_NOSIGNAL);
    CHECK(client.read_all(10) == "");
    CHECK(client.wait(10) == 1);
    std::ifstream err(dir + "/err");
    std::string why{std::istreambuf_iterator<char>(err), {}};
    CHECK(why.find("Sec-WebSocket-Accept mismatch") != std::string::npos);
    close(fd);
    close(listener);
}

TEST_CASE("wirelab connect exits non-zero without a server or with a bad URL", "[cli][interop]") {
    CHECK(connect({"http://127.0.0.1:1/", "--send", "x"}).status != 0);
    CHECK(connect({"ws://127.0.0.1:1/", "--send", "x"}).status != 0);
}
