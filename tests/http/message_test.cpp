// MessageReader and the writers: whole requests/responses cut out of a stream at every
// chunking, bodies by Content-Length, what has no body, and the errors a server answers.
#include "sim/proto/http/message.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace wirelab;
using namespace wirelab::http;

namespace {

wire::ByteView bytes(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string body_of(const Message& m) {
    return {reinterpret_cast<const char*>(m.body().data()), m.body().size()};
}

// Feeds `stream` in chunks of `chunk` bytes and collects every message.
std::vector<Message> read_all(MessageReader& r, const std::string& stream, std::size_t chunk) {
    std::vector<Message> out;
    for (std::size_t i = 0; i < stream.size(); i += chunk) {
        r.receive_data(bytes(stream.substr(i, chunk)));
        while (auto m = r.next())
            out.push_back(std::move(*m));
    }
    return out;
}

} // namespace

TEST_CASE("two pipelined requests are cut apart at every chunk size") {
    const std::string first = "GET /news HTTP/1.1\r\nHost: server\r\nAccept: text/plain\r\n\r\n";
    const std::string second =
        "POST /form HTTP/1.1\r\nHost: server\r\nContent-Length: 5\r\n\r\nhello";
    const std::string stream = first + second;
    const std::size_t chunk = GENERATE(range<std::size_t>(1, 12), 40, 1000);
    MessageReader r(MessageReader::Kind::requests);
    auto got = read_all(r, stream, chunk);
    REQUIRE(got.size() == 2);
    CHECK(got[0].method == "GET");
    CHECK(got[0].target == "/news");
    CHECK(*got[0].header("host") == "server");
    CHECK(got[0].head_size == first.size());
    CHECK(got[0].body().empty());
    CHECK(std::string(got[0].raw.begin(), got[0].raw.end()) == first);
    CHECK(got[1].method == "POST");
    CHECK(body_of(got[1]) == "hello");
    CHECK(r.buffered() == 0);
    CHECK_FALSE(r.failed());
}

TEST_CASE("a response body is read by its Content-Length, 304 and the answer to HEAD have none") {
    const std::string ok =
        "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nETag: \"2\"\r\n\r\nhello world";
    const std::string not_modified = "HTTP/1.1 304 Not Modified\r\nETag: \"2\"\r\n\r\n";
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n";
    const std::size_t chunk = GENERATE(1, 2, 3, 7, 1000);
    MessageReader r(MessageReader::Kind::responses);
    r.expect_response_to("GET");
    r.expect_response_to("GET");
    r.expect_response_to("HEAD");
    auto got = read_all(r, ok + not_modified + head, chunk);
    REQUIRE(got.size() == 3);
    CHECK(got[0].status == 200);
    CHECK(body_of(got[0]) == "hello world");
    CHECK(got[1].status == 304);
    CHECK(got[1].body().empty());
    CHECK(got[2].status == 200);
    CHECK(got[2].body().empty()); // Content-Length describes the GET it would have been
    CHECK(summary_line(got[0]) == "HTTP/1.1 200 OK (11 B)");
    CHECK(summary_line(got[1]) == "HTTP/1.1 304 Not Modified");
}

TEST_CASE("a response without Content-Length ends when the server closes") {
    MessageReader r(MessageReader::Kind::responses);
    r.receive_data(bytes("HTTP/1.1 200 OK\r\n\r\nall of "));
    CHECK_FALSE(r.next());
    r.receive_data(bytes("this"));
    CHECK_FALSE(r.next());
    r.receive_eof();
    auto m = r.next();
    REQUIRE(m);
    CHECK(body_of(*m) == "all of this");
}

TEST_CASE("what a server must refuse: chunked bodies, bad or conflicting lengths, bad heads") {
    struct Case {
        std::string stream;
        int status;
    };
    const Case cases[] = {
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
        {"GET / HTTP/1.1\nHost: a\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(9000, 'x') + "\r\n\r\n", 431},
    };
    for (const auto& c : cases) {
        MessageReader r(MessageReader::Kind::requests);
        r.receive_data(bytes(c.stream));
        CHECK_FALSE(r.next());
        CHECK(r.failed());
        CHECK(r.error_status() == c.status);
    }
    // Equal duplicates are one length (RFC 9112 6.3 allows the repetition).
    MessageReader r(MessageReader::Kind::requests);
    r.receive_data(
        bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok"));
    auto m = r.next();
    REQUIRE(m);
    CHECK(body_of(*m) == "ok");
}

TEST_CASE("the bytes after an Upgrade request stay with the reader for the next protocol") {
    MessageReader r(MessageReader::Kind::requests);
    r.receive_data(bytes("GET /live HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: "
                         "Upgrade\r\n\r\n\x81\x85"));
    auto m = r.next();
    REQUIRE(m);
    CHECK(m->has_token("connection", "upgrade"));
    CHECK(r.take_buffered() == wire::Bytes{0x81, 0x85});
    CHECK(r.buffered() == 0);
}

TEST_CASE("keep-alive: HTTP/1.1 keeps the connection unless Connection: close, 1.0 the reverse") {
    MessageReader r(MessageReader::Kind::requests);
    r.receive_data(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"
                         "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, close\r\n\r\n"
                         "GET / HTTP/1.0\r\n\r\n"
                         "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"));
    std::vector<bool> keep;
    while (auto m = r.next())
        keep.push_back(m->keep_alive());
    CHECK(keep == std::vector<bool>{true, false, false, true});
}

TEST_CASE("the writers: a GET carries no Content-Length, a 200 does, a 304 has no body") {
    CHECK(format_request("GET", "/news", {{"Host", "server"}, {"Accept", "text/plain"}}) ==
          "GET /news HTTP/1.1\r\nHost: server\r\nAccept: text/plain\r\n\r\n");
    CHECK(format_request("POST", "/f", {{"Host", "s"}}, "abc") ==
          "POST /f HTTP/1.1\r\nHost: s\r\nContent-Length: 3\r\n\r\nabc");
    CHECK(format_response(200, {{"ETag", "\"1\""}}, "hi") ==
          "HTTP/1.1 200 OK\r\nETag: \"1\"\r\nContent-Length: 2\r\n\r\nhi");
    CHECK(format_response(200, {}, "hi", true) == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n");
    CHECK(format_response(304, {{"ETag", "\"1\""}}, "ignored") ==
          "HTTP/1.1 304 Not Modified\r\nETag: \"1\"\r\n\r\n");
}

TEST_CASE("http_date is RFC 9110's IMF-fixdate") {
    CHECK(http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
    CHECK(http_date(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT"); // RFC 9110's own example
    CHECK(http_date(1'735'689'600) == "Wed, 01 Jan 2025 00:00:00 GMT");
    CHECK(http_date(951'782'400) == "Tue, 29 Feb 2000 00:00:00 GMT");
}
