// Origin: request -> 200 / 304 / 404 / 405 / 400 response bytes.
#include "sim/proto/http/origin.hpp"

namespace wirelab::http {

namespace {
// The If-None-Match list matches `etag` (weak comparison, RFC 9110 13.1.2), or is "*".
bool none_match_hits(const std::string& header, const std::string& etag) {
    std::string_view rest = header;
    while (!rest.empty()) {
        std::size_t comma = rest.find(',');
        std::string_view tag = trim_ows(rest.substr(0, comma));
        if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
        if (tag == "*" || tag == etag) return true;
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return false;
}

std::size_t count_if_host(const Message& m) {
    std::size_t n = 0;
    for (const auto& field : m.headers)
        n += iequals(field.first, "Host") ? 1 : 0;
    return n;
}

Response make(int status, const Fields& headers, std::string_view body, bool head_only,
              bool close) {
    Response r;
    r.status = status;
    r.bytes = format_response(status, headers, body, head_only);
    r.head_size = r.bytes.find("\r\n\r\n") + 4;
    r.close = close;
    return r;
}
} // namespace

int Origin::set(const std::string& path, std::string body) {
    Resource& r = resources_[path];
    r.body = std::move(body);
    return ++r.version;
}

int Origin::version(const std::string& path) const {
    auto it = resources_.find(path);
    return it == resources_.end() ? 0 : it->second.version;
}

std::string Origin::etag(const std::string& path) const {
    const std::string n = std::to_string(version(path));
    return '"' + n + '"';
}

Fields Origin::common(std::int64_t now_ns) const {
    return {{"Date", http_date(options_.epoch_unix + now_ns / 1'000'000'000)},
            {"Server", options_.server}};
}

Response Origin::respond(const Message& request, std::int64_t now_ns) const {
    const bool close = !request.keep_alive();
    Fields h = common(now_ns);
    if (close) h.emplace_back("Connection", "close");
    auto text = [&](int status, std::string body, Fields extra = {}) {
        for (auto& f : extra)
            h.push_back(std::move(f));
        h.emplace_back("Content-Type", "text/plain; charset=utf-8");
        return make(status, h, body + "\n", request.method == "HEAD", close);
    };
    // RFC 9112 3.2: an HTTP/1.1 request without exactly one Host is answered 400.
    if (request.version_minor >= 1 && count_if_host(request) != 1)
        return text(400, "an HTTP/1.1 request carries exactly one Host header");
    if (request.method != "GET" && request.method != "HEAD")
        return text(405, request.method + " is not allowed here", {{"Allow", "GET, HEAD"}});
    const std::string path = request.target.substr(0, request.target.find('?'));
    auto it = resources_.find(path);
    if (it == resources_.end()) return text(404, "no resource at " + path);
    const std::string tag = etag(path);
    h.emplace_back("ETag", tag);
    // The client must ask again each time: polling relies on revalidation, not on a cache.
    h.emplace_back("Cache-Control", "no-cache");
    const std::string* inm = request.header("If-None-Match");
    if (inm && none_match_hits(*inm, tag)) return make(304, h, {}, true, close);
    h.emplace_back("Content-Type", options_.content_type);
    return make(200, h, it->second.body, request.method == "HEAD", close);
}

Response Origin::refuse(int status, const std::string& why, std::int64_t now_ns) const {
    Fields h = common(now_ns);
    h.emplace_back("Connection", "close");
    h.emplace_back("Content-Type", "text/plain; charset=utf-8");
    return make(status, h, why + "\n", false, true);
}

} // namespace wirelab::http
