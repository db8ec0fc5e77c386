// MessageReader: head (head_parser) -> body length (RFC 9112 6.3) -> Message; and the
// writers of request and response bytes.
#include "sim/proto/http/message.hpp"

#include "sim/proto/http/server_handshake.hpp"

#include <algorithm>
#include <cstdio>

namespace wirelab::http {

namespace {

Fields copy_fields(const Headers& headers) {
    Fields out;
    out.reserve(headers.size());
    for (const Header& h : headers)
        out.emplace_back(std::string(h.name), std::string(h.value));
    return out;
}

bool no_body_status(int status) {
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}

// 1*DIGIT, at most 18 of them (no overflow).
std::optional<std::size_t> parse_length(std::string_view s) {
    if (s.empty() || s.size() > 18) return std::nullopt;
    std::size_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<std::size_t>(c - '0');
    }
    return v;
}

} // namespace

const std::string* Message::header(std::string_view name) const {
    for (const auto& [n, v] : headers)
        if (iequals(n, name)) return &v;
    return nullptr;
}

bool Message::has_token(std::string_view name, std::string_view token) const {
    for (const auto& [n, v] : headers) {
        if (!iequals(n, name)) continue;
        std::string_view rest = v;
        while (!rest.empty()) {
            std::size_t comma = rest.find(',');
            if (iequals(trim_ows(rest.substr(0, comma)), token)) return true;
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    return false;
}

bool Message::keep_alive() const {
    if (has_token("Connection", "close")) return false;
    return version_minor >= 1 || has_token("Connection", "keep-alive");
}

bool MessageReader::fail(int status, std::string why) {
    why_ = std::move(why);
    error_status_ = status;
    return false;
}

void MessageReader::receive_data(wire::ByteView data) {
    if (failed() || eof_) return;
    buf_.insert(buf_.end(), data.begin(), data.end());
}

void MessageReader::receive_eof() {
    eof_ = true;
}

bool MessageReader::body_length(const Message& m, std::optional<std::size_t>& length) {
    length = 0;
    if (!m.request) {
        std::string asked = methods_.empty() ? "GET" : methods_.front();
        if (asked == "HEAD" || no_body_status(m.status)) return true;
    }
    if (m.header("Transfer-Encoding"))
        return fail(501, "Transfer-Encoding is not supported here: send a Content-Length");
    std::optional<std::size_t> found;
    for (const auto& [n, v] : m.headers) {
        if (!iequals(n, "Content-Length")) continue;
        auto value = parse_length(v);
        if (!value) return fail(400, "bad Content-Length \"" + v + "\"");
        if (found && *found != *value) return fail(400, "two different Content-Length values");
        found = value;
    }
    if (found && *found > max_body_bytes)
        return fail(400, "body of " + std::to_string(*found) + " bytes is over the limit");
    if (found)
        length = *found;
    else if (!m.request)
        length.reset(); // a response without a length runs until the server closes
    return true;
}

std::optional<Message> MessageReader::next() {
    if (failed() || buf_.empty()) return std::nullopt;
    const std::string_view text(reinterpret_cast<const char*>(buf_.data()), buf_.size());
    Message m;
    m.request = kind_ == Kind::requests;
    ParseResult r;
    if (m.request) {
        RequestHead head;
        r = parse_request(text, head, limits_);
        if (r.status == ParseStatus::complete) {
            m.method = head.method;
            m.target = head.target;
            m.version_minor = head.version_minor;
            m.headers = copy_fields(head.headers);
        }
    } else {
        ResponseHead head;
        r = parse_response(text, head, limits_);
        if (r.status == ParseStatus::complete) {
            m.status = head.status;
            m.reason = head.reason;
            m.version_minor = head.version_minor;
            m.headers = copy_fields(head.headers);
        }
    }
    if (r.status == ParseStatus::error) {
        bool too_big = r.error == ParseError::too_large || r.error == ParseError::too_many_headers;
        fail(too_big ? 431 : 400, std::string(describe(r.error)));
        return std::nullopt;
    }
    if (r.status == ParseStatus::need_more) return std::nullopt;
    std::optional<std::size_t> length;
    if (!body_length(m, length)) return std::nullopt;
    std::size_t total;
    if (length) {
        if (buf_.size() - r.consumed < *length) return std::nullopt;
        total = r.consumed + *length;
    } else {
        if (!eof_) return std::nullopt;
        total = buf_.size();
    }
    m.head_size = r.consumed;
    m.raw.assign(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(total));
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(total));
    if (!m.request && !methods_.empty() && m.status >= 200) methods_.pop_front();
    return m;
}

wire::Bytes MessageReader::take_buffered() {
    wire::Bytes out = std::move(buf_);
    buf_.clear();
    return out;
}

std::string format_request(std::string_view method, std::string_view target, const Fields& headers,
                           std::string_view body) {
    std::string out = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\n";
    for (const auto& [name, value] : headers)
        out += name + ": " + value + "\r\n";
    if (!body.empty()) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    out += "\r\n";
    out += body;
    return out;
}

std::string format_response(int status, const Fields& headers, std::string_view body,
                            bool head_only) {
    std::string out =
        "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason_phrase(status)) + "\r\n";
    bool has_length = false;
    for (const auto& [name, value] : headers) {
        out += name + ": " + value + "\r\n";
        has_length = has_length || iequals(name, "Content-Length");
    }
    const bool bodyless = no_body_status(status);
    if (!bodyless && !has_length) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    out += "\r\n";
    if (!bodyless && !head_only) out += body;
    return out;
}

std::string summary_line(const Message& m) {
    const std::string version = "HTTP/1." + std::to_string(m.version_minor);
    if (m.request) return m.method + " " + m.target + " " + version;
    std::string s = version + " " + std::to_string(m.status);
    if (!m.reason.empty()) s += " " + m.reason;
    if (!m.body().empty()) s += " (" + std::to_string(m.body().size()) + " B)";
    return s;
}

std::string http_date(std::int64_t unix_seconds) {
    // Days since 1970-01-01 -> civil date (Howard Hinnant's days_from_civil, inverted).
    std::int64_t days = unix_seconds / 86400, secs = unix_seconds % 86400;
    if (secs < 0) {
        secs += 86400;
        --days;
    }
    static constexpr const char* weekdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const char* weekday = weekdays[((days % 7) + 7) % 7];
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", weekday,
                  static_cast<int>(day), months[month - 1], static_cast<int>(year),
                  static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                  static_cast<int>(secs % 60));
    return buf;
}

} // namespace wirelab::http
