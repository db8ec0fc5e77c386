// Origin: what a polling client meets — 200 with the body and an ETag, 304 while its
// If-None-Match still matches, 200 again once the resource changed; 404, 405, 400.
#include "sim/proto/http/origin.hpp"

#include <catch2/catch.hpp>

using namespace wirelab;
using namespace wirelab::http;

namespace {

Message request(const std::string& text) {
    MessageReader r(MessageReader::Kind::requests);
    r.receive_data({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    auto m = r.next();
    REQUIRE(m);
    return *m;
}

Message response(const Response& resp, const std::string& method = "GET") {
    MessageReader r(MessageReader::Kind::responses);
    r.expect_response_to(method);
    r.receive_data({reinterpret_cast<const std::uint8_t*>(resp.bytes.data()), resp.bytes.size()});
    auto m = r.next();
    REQUIRE(m);
    CHECK(r.buffered() == 0); // exactly one whole message
    CHECK(m->head_size == resp.head_size);
    return *m;
}

std::string body_of(const Message& m) {
    return {reinterpret_cast<const char*>(m.body().data()), m.body().size()};
}

} // namespace

TEST_CASE("conditional GET: 200 with an ETag, 304 while it matches, 200 after a change") {
    Origin o;
    CHECK(o.set("/news", "first") == 1);
    auto r1 = response(o.respond(request("GET /news HTTP/1.1\r\nHost: s\r\n\r\n"), 0));
    CHECK(r1.status == 200);
    CHECK(body_of(r1) == "first");
    REQUIRE(r1.header("ETag"));
    CHECK(*r1.header("ETag") == "\"1\"");
    CHECK(*r1.header("Content-Type") == "text/plain; charset=utf-8");
    CHECK(*r1.header("Cache-Control") == "no-cache");
    CHECK(*r1.header("Date") == "Wed, 01 Jan 2025 00:00:00 GMT");

    auto again = request("GET /news HTTP/1.1\r\nHost: s\r\nIf-None-Match: \"1\"\r\n\r\n");
    Response same = o.respond(again, 1'500'000'000);
    auto r2 = response(same);
    CHECK(r2.status == 304);
    CHECK(r2.body().empty());
    CHECK(same.bytes.size() == same.head_size);
    CHECK(*r2.header("Date") == "Wed, 01 Jan 2025 00:00:01 GMT");
    CHECK_FALSE(same.close);

    CHECK(o.set("/news", "second") == 2);
    auto r3 = response(o.respond(again, 2'000'000'000));
    CHECK(r3.status == 200);
    CHECK(body_of(r3) == "second");
    CHECK(*r3.header("ETag") == "\"2\"");
}

TEST_CASE("weak and listed validators and * match, the query string is not part of the path") {
    Origin o;
    o.set("/news", "x");
    for (const char* inm : {"W/\"1\"", "\"7\", \"1\"", "*"}) {
        auto m = request(std::string("GET /news?since=3 HTTP/1.1\r\nHost: s\r\nIf-None-Match: ") +
                         inm + "\r\n\r\n");
        CHECK(o.respond(m, 0).status == 304);
    }
}

TEST_CASE("HEAD gets the head of the 200, unknown paths 404, other methods 405 with Allow") {
    Origin o;
    o.set("/news", "hello");
    Response head = o.respond(request("HEAD /news HTTP/1.1\r\nHost: s\r\n\r\n"), 0);
    auto h = response(head, "HEAD");
    CHECK(h.status == 200);
    CHECK(*h.header("Content-Length") == "5");
    CHECK(head.bytes.size() == head.head_size);

    auto missing = response(o.respond(request("GET /old HTTP/1.1\r\nHost: s\r\n\r\n"), 0));
    CHECK(missing.status == 404);
    CHECK(body_of(missing) == "no resource at /old\n");

    auto post = response(
        o.respond(request("POST /news HTTP/1.1\r\nHost: s\r\nContent-Length: 1\r\n\r\nx"), 0));
    CHECK(post.status == 405);
    CHECK(*post.header("Allow") == "GET, HEAD");
}

TEST_CASE("an HTTP/1.1 request needs exactly one Host, Connection: close is honoured") {
    Origin o;
    o.set("/", "x");
    CHECK(o.respond(request("GET / HTTP/1.1\r\n\r\n"), 0).status == 400);
    CHECK(o.respond(request("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 0).status == 400);
    CHECK(o.respond(request("GET / HTTP/1.0\r\n\r\n"), 0).status == 200); // 1.0 has no Host rule
    Response bye = o.respond(request("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"), 0);
    CHECK(bye.close);
    CHECK(*response(bye).header("Connection") == "close");
    Response refused = o.refuse(501, "no chunked bodies", 0);
    CHECK(refused.close);
    CHECK(response(refused).status == 501);
}
