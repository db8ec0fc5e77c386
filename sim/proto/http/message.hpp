// Whole HTTP/1.1 messages on a persistent connection (RFC 9112), sans-I/O: a reader that
// cuts a byte stream into requests or responses (head by head_parser, then the body by its
// Content-Length, section 6.3), and the writers that format them.
//
// bytes from TCP -> MessageReader::receive_data -> next() -> Message (head + body, raw bytes)
// format_request / format_response -> bytes for TCP
//
// Bounded on purpose: no chunked transfer coding (a Transfer-Encoding header is an error
// the caller answers with 501), bodies up to Limits::max_body_bytes.
#pragma once

#include "sim/proto/http/head_parser.hpp"
#include "sim/wire/bytes.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wirelab::http {

using Fields = std::vector<std::pair<std::string, std::string>>;

// One request or response, copied out of the stream.
struct Message {
    bool request = true;
    std::string method, target; // requests
    int status = 0;             // responses
    std::string reason;         // responses
    int version_minor = 1;      // HTTP/1.x
    Fields headers;             // in order, names as sent
    wire::Bytes raw;            // the whole message as it came: head, then body
    std::size_t head_size = 0;  // raw[0, head_size) is the head, the rest the body

    wire::ByteView body() const { return wire::ByteView(raw).subspan(head_size); }
    // The first header named `name` (case-insensitive); nullptr if absent.
    const std::string* header(std::string_view name) const;
    // Whether the comma-separated header `name` lists `token` ("Connection: close").
    bool has_token(std::string_view name, std::string_view token) const;
    // HTTP/1.1 keeps the connection unless "Connection: close"; 1.0 closes unless keep-alive.
    bool keep_alive() const;
};

class MessageReader {
public:
    enum class Kind { requests, responses };
    static constexpr std::size_t max_body_bytes = 1 << 20; // = 1 MiB

    explicit MessageReader(Kind kind, Limits limits = {}) : kind_(kind), limits_(limits) {}

    // --- input ---
    // Bytes from the peer, any chunking. Then call next() until it returns nothing.
    void receive_data(wire::ByteView data);
    // The peer closed: a response without Content-Length ends here (RFC 9112 6.3 item 8).
    void receive_eof();
    // A response reader must know what it asked: the answer to HEAD has no body. Call once
    // per request sent, in order.
    void expect_response_to(std::string method) { methods_.push_back(std::move(method)); }

    // --- output ---
    // The next whole message, if one has arrived; nothing more after failed().
    std::optional<Message> next();
    bool failed() const { return !why_.empty(); }
    const std::string& why() const { return why_; } // a sentence; failed() until the end
    // 501 for an unsupported transfer coding, 431 for a too large head, else 400.
    int error_status() const { return error_status_; }
    // The bytes not yet part of a message: what follows an Upgrade belongs to the next
    // protocol. The reader is empty afterwards.
    wire::Bytes take_buffered();
    std::size_t buffered() const { return buf_.size(); }

private:
    bool fail(int status, std::string why);
    // Body length of the head just parsed: a size, or nullopt for "until the peer closes".
    bool body_length(const Message& m, std::optional<std::size_t>& length);

    Kind kind_;
    Limits limits_;
    wire::Bytes buf_;
    std::deque<std::string> methods_;
    bool eof_ = false;
    std::string why_;
    int error_status_ = 0;
};

// "GET /news HTTP/1.1\r\n" + headers + "\r\n" + body. Content-Length is added when the body
// is not empty (RFC 9110 8.6: a GET without a body carries none).
std::string format_request(std::string_view method, std::string_view target, const Fields& headers,
                           std::string_view body = {});
// "HTTP/1.1 200 OK\r\n" + headers + Content-Length (unless 1xx, 204 or 304, or given) +
// "\r\n" + body. With head_only (the answer to HEAD) the body is left out, its length kept.
std::string format_response(int status, const Fields& headers, std::string_view body,
                            bool head_only = false);
// One line for a ladder or a log: "GET /news HTTP/1.1", "HTTP/1.1 200 OK (42 B)" (the body's
// size in bytes), "HTTP/1.1 304 Not Modified".
std::string summary_line(const Message& m);
// RFC 9110 5.6.7 IMF-fixdate, e.g. "Wed, 01 Jan 2025 00:00:00 GMT".
std::string http_date(std::int64_t unix_seconds);

} // namespace wirelab::http
