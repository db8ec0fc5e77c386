// HTTP/1.1 message-head parser (RFC 9112), shaped like picohttpparser: it never copies, it
// returns views into the caller's buffer, and it answers "complete (bytes consumed) / need
// more / error (why)". Bytes -> parse_request()/parse_response() -> ServerHandshake /
// ClientHandshake, which hand the bytes after the head on to the WebSocket connection.
//
// Strict on purpose: every line ends in CRLF (a bare LF or CR is an error), obs-fold
// (a header line starting with SP or HTAB) is rejected, no whitespace before the colon,
// field names are tokens, values carry no control characters. The head (start line to the
// empty line, inclusive) is capped by Limits::max_head_bytes and the header count by
// Limits::max_headers. The result does not depend on how the bytes were chunked: a call on
// a prefix either says need_more or reports the same error the whole head would.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace wirelab::http {

struct Limits {
    std::size_t max_head_bytes = 8192; // = 8 KiB   // start line + headers + final CRLF
    std::size_t max_headers = 64;      // = 64      // header lines
};

struct Header {
    std::string_view name;  // as sent; compare with iequals()
    std::string_view value; // leading and trailing OWS removed
};
using Headers = std::vector<Header>;

struct RequestHead {
    std::string_view method;
    std::string_view target;
    int version_major = 0;
    int version_minor = 0;
    Headers headers;
};

struct ResponseHead {
    int version_major = 0;
    int version_minor = 0;
    int status = 0;
    std::string_view reason;
    Headers headers;
};

enum class ParseStatus { complete, need_more, error };

// Why a head was refused; too_large and too_many_headers map to 431, the rest to 400.
enum class ParseError {
    none,
    too_large,
    too_many_headers,
    bare_lf,
    bare_cr,
    bad_start_line,
    bad_method,
    bad_target,
    bad_version,
    bad_status,
    obs_fold,
    bad_header_name,
    space_before_colon,
    missing_colon,
    bad_header_value,
};

struct ParseResult {
    ParseStatus status = ParseStatus::need_more;
    std::size_t consumed = 0; // bytes of the head, final CRLF included, when complete
    ParseError error = ParseError::none;
    std::size_t error_offset = 0; // where in the buffer the problem was found
};

// Parses one request head at the start of `buffer`. On complete, `out` holds views into
// `buffer`; the bytes from `consumed` on are the next protocol's (leftover).
ParseResult parse_request(std::string_view buffer, RequestHead& out, const Limits& limits = {});
ParseResult parse_response(std::string_view buffer, ResponseHead& out, const Limits& limits = {});

// A sentence for a log line or a 400 body, e.g. "header line starts with whitespace
// (obs-fold is not allowed)".
std::string_view describe(ParseError error);

// ASCII case-insensitive comparison, for field names and tokens.
bool iequals(std::string_view a, std::string_view b);
// First header named `name` (case-insensitive); nullptr if there is none.
const Header* find_header(const Headers& headers, std::string_view name);
std::size_t count_headers(const Headers& headers, std::string_view name);
// Calls `visit` for each element of the comma-separated lists in every header named `name`
// (RFC 9110 section 5.6.1: empty elements are skipped, OWS trimmed).
template <typename Visit>
void for_each_list_element(const Headers& headers, std::string_view name, Visit&& visit);
// Whether a comma-separated header list contains `token` (case-insensitive), e.g.
// has_token(h, "Connection", "upgrade") for "Connection: keep-alive, Upgrade".
bool has_token(const Headers& headers, std::string_view name, std::string_view token);
std::string_view trim_ows(std::string_view s);

// --- template definition ---
template <typename Visit>
void for_each_list_element(const Headers& headers, std::string_view name, Visit&& visit) {
    for (const Header& h : headers) {
        if (!iequals(h.name, name)) continue;
        std::string_view rest = h.value;
        while (!rest.empty()) {
            std::size_t comma = rest.find(',');
            std::string_view element = trim_ows(rest.substr(0, comma));
            if (!element.empty()) visit(element);
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
}

} // namespace wirelab::http
