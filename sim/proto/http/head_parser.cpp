// HTTP/1.1 head parser: lines -> start line + headers, with the limits of Limits.
// Only complete lines are judged, in order, so a prefix of a head never reports an error
// the whole head would not (chunking cannot change the outcome).
#include "sim/proto/http/head_parser.hpp"

namespace wirelab::http {
namespace {

constexpr auto npos = std::string_view::npos;

bool is_tchar(char c) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != npos;
}
bool is_token(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!is_tchar(c)) return false;
    return true;
}
// VCHAR or obs-text: any byte but controls, SP and DEL.
bool is_visible(char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u != 0x7f;
}
bool is_field_char(char c) {
    return c == ' ' || c == '\t' || is_visible(c);
}

ParseResult fail(ParseError e, std::size_t offset) {
    return {ParseStatus::error, 0, e, offset};
}

// "HTTP/1.1" -> major 1, minor 1.
bool parse_version(std::string_view s, int& major, int& minor) {
    if (s.size() != 8 || s.substr(0, 5) != "HTTP/" || s[6] != '.') return false;
    if (s[5] < '0' || s[5] > '9' || s[7] < '0' || s[7] > '9') return false;
    major = s[5] - '0';
    minor = s[7] - '0';
    return true;
}

ParseError parse_request_line(std::string_view line, RequestHead& out) {
    std::size_t sp1 = line.find(' ');
    if (sp1 == npos) return ParseError::bad_start_line;
    std::size_t sp2 = line.find(' ', sp1 + 1);
    if (sp2 == npos) return ParseError::bad_start_line;
    out.method = line.substr(0, sp1);
    out.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    if (!is_token(out.method)) return ParseError::bad_method;
    if (out.target.empty()) return ParseError::bad_target;
    for (char c : out.target)
        if (!is_visible(c) || static_cast<unsigned char>(c) >= 0x80) return ParseError::bad_target;
    if (!parse_version(line.substr(sp2 + 1), out.version_major, out.version_minor))
        return ParseError::bad_version;
    return ParseError::none;
}

ParseError parse_status_line(std::string_view line, ResponseHead& out) {
    if (line.size() < 12 || line[8] != ' ') return ParseError::bad_start_line;
    if (!parse_version(line.substr(0, 8), out.version_major, out.version_minor))
        return ParseError::bad_version;
    int status = 0;
    for (std::size_t i = 9; i < 12; ++i) {
        if (line[i] < '0' || line[i] > '9') return ParseError::bad_status;
        status = status * 10 + (line[i] - '0');
    }
    if (status < 100) return ParseError::bad_status;
    out.status = status;
    out.reason = {};
    if (line.size() > 12) {
        if (line[12] != ' ') return ParseError::bad_status;
        out.reason = line.substr(13);
        for (char c : out.reason)
            if (!is_field_char(c)) return ParseError::bad_start_line;
    }
    return ParseError::none;
}

ParseError parse_header_line(std::string_view line, Header& out) {
    if (line.front() == ' ' || line.front() == '\t') return ParseError::obs_fold;
    std::size_t colon = line.find(':');
    if (colon == npos) return ParseError::missing_colon;
    std::string_view name = line.substr(0, colon);
    if (!name.empty() && (name.back() == ' ' || name.back() == '\t'))
        return ParseError::space_before_colon;
    if (!is_token(name)) return ParseError::bad_header_name;
    std::string_view value = trim_ows(line.substr(colon + 1));
    for (char c : value)
        if (!is_field_char(c)) return ParseError::bad_header_value;
    out = {name, value};
    return ParseError::none;
}

// Walks CRLF-terminated lines; `start_line` parses the first one.
template <typename StartLine>
ParseResult parse_head(std::string_view buf, const Limits& limits, Headers& headers,
                       StartLine&& start_line) {
    headers.clear();
    std::size_t pos = 0;
    for (bool first = true;; first = false) {
        std::size_t lf = buf.find('\n', pos);
        if (lf == npos) {
            if (buf.size() >= limits.max_head_bytes) return fail(ParseError::too_large, buf.size());
            return {ParseStatus::need_more, 0, ParseError::none, 0};
        }
        if (lf + 1 > limits.max_head_bytes) return fail(ParseError::too_large, lf);
        if (lf == pos || buf[lf - 1] != '\r') return fail(ParseError::bare_lf, lf);
        std::string_view line = buf.substr(pos, lf - 1 - pos);
        if (std::size_t cr = line.find('\r'); cr != npos)
            return fail(ParseError::bare_cr, pos + cr);
        if (line.empty()) {
            if (first) return fail(ParseError::bad_start_line, pos);
            return {ParseStatus::complete, lf + 1, ParseError::none, 0};
        }
        ParseError e = ParseError::none;
        if (first) {
            e = start_line(line);
        } else if (headers.size() == limits.max_headers) {
            e = ParseError::too_many_headers;
        } else {
            Header h;
            e = parse_header_line(line, h);
            if (e == ParseError::none) headers.push_back(h);
        }
        if (e != ParseError::none) return fail(e, pos);
        pos = lf + 1;
    }
}

} // namespace

ParseResult parse_request(std::string_view buffer, RequestHead& out, const Limits& limits) {
    return parse_head(buffer, limits, out.headers,
                      [&](std::string_view line) { return parse_request_line(line, out); });
}

ParseResult parse_response(std::string_view buffer, ResponseHead& out, const Limits& limits) {
    return parse_head(buffer, limits, out.headers,
                      [&](std::string_view line) { return parse_status_line(line, out); });
}

std::string_view describe(ParseError error) {
    switch (error) {
    case ParseError::none: return "no error";
    case ParseError::too_large: return "message head is larger than the limit";
    case ParseError::too_many_headers: return "too many header fields";
    case ParseError::bare_lf: return "line ends in a bare LF (CRLF required)";
    case ParseError::bare_cr: return "bare CR inside a line";
    case ParseError::bad_start_line: return "malformed start line";
    case ParseError::bad_method: return "method is not a token";
    case ParseError::bad_target: return "malformed request target";
    case ParseError::bad_version: return "malformed HTTP version";
    case ParseError::bad_status: return "malformed status code";
    case ParseError::obs_fold:
        return "header line starts with whitespace (obs-fold is not allowed)";
    case ParseError::bad_header_name: return "header name is not a token";
    case ParseError::space_before_colon: return "whitespace between header name and colon";
    case ParseError::missing_colon: return "header line without a colon";
    case ParseError::bad_header_value: return "control character in a header value";
    }
    return "unknown error";
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

const Header* find_header(const Headers& headers, std::string_view name) {
    for (const Header& h : headers)
        if (iequals(h.name, name)) return &h;
    return nullptr;
}

std::size_t count_headers(const Headers& headers, std::string_view name) {
    std::size_t n = 0;
    for (const Header& h : headers)
        n += iequals(h.name, name) ? 1 : 0;
    return n;
}

bool has_token(const Headers& headers, std::string_view name, std::string_view token) {
    bool found = false;
    for_each_list_element(headers, name, [&](std::string_view e) { found |= iequals(e, token); });
    return found;
}

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

} // namespace wirelab::http
