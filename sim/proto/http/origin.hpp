// A tiny HTTP/1.1 origin server, sans-I/O: a table of text resources, each with a version
// that becomes its ETag, and the response to one request at a given time. What a polling
// client meets: 200 with the body when it has nothing or an old ETag, 304 Not Modified
// (head only) when its If-None-Match still matches (RFC 9110 13.1.2, 15.4.5).
//
// MessageReader(requests).next() -> Origin::respond(request, now) -> bytes for TCP
#pragma once

#include "sim/proto/http/message.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace wirelab::http {

struct OriginOptions {
    std::string server = "wirelab/1.0";                     // = "wirelab/1.0"  // Server header
    std::string content_type = "text/plain; charset=utf-8"; // of every resource
    std::int64_t epoch_unix = 1'735'689'600; // = 2025-01-01T00:00:00Z  // Date at now = 0
};

struct Response {
    int status = 0;
    std::string bytes;         // the whole response
    std::size_t head_size = 0; // bytes[0, head_size) is the head
    bool close = false;        // close the connection after sending it
};

class Origin {
public:
    explicit Origin(OriginOptions options = {}) : options_(std::move(options)) {}

    // --- input ---
    // Creates or replaces the resource at `path`; its version (and ETag) goes up by one.
    // Returns the new version.
    int set(const std::string& path, std::string body);
    // The answer to one request received at `now_ns` (the simulated clock, for Date).
    Response respond(const Message& request, std::int64_t now_ns) const;
    // The answer to a request the reader refused (400, 431, 501); the connection closes.
    Response refuse(int status, const std::string& why, std::int64_t now_ns) const;

    // --- state ---
    bool has(const std::string& path) const { return resources_.count(path) != 0; }
    int version(const std::string& path) const;
    // "\"<version>\"", the strong validator of the resource's current body.
    std::string etag(const std::string& path) const;

private:
    struct Resource {
        std::string body;
        int version = 0;
    };
    Fields common(std::int64_t now_ns) const;

    OriginOptions options_;
    std::map<std::string, Resource> resources_;
};

} // namespace wirelab::http
