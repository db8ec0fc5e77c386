// Sec-WebSocket-Extensions grammar: a hand-written scanner (quoted strings may hold commas,
// so the generic list splitter of head_parser does not fit).
#include "sim/proto/http/extensions.hpp"

namespace wirelab::http {
namespace {

bool is_tchar(char c) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}

struct Scanner {
    std::string_view s;
    std::size_t pos = 0;

    bool at_end() const { return pos == s.size(); }
    char peek() const { return s[pos]; }
    void skip_ows() {
        while (!at_end() && (peek() == ' ' || peek() == '\t'))
            ++pos;
    }
    std::optional<std::string> token() {
        std::size_t start = pos;
        while (!at_end() && is_tchar(peek()))
            ++pos;
        if (pos == start) return std::nullopt;
        return std::string(s.substr(start, pos - start));
    }
    // quoted-string with quoted-pair; RFC 6455 9.1 requires the unquoted value to be a token.
    std::optional<std::string> quoted() {
        ++pos; // opening DQUOTE
        std::string out;
        while (!at_end() && peek() != '"') {
            if (peek() == '\\') {
                if (++pos == s.size()) return std::nullopt;
            }
            out.push_back(s[pos++]);
        }
        if (at_end()) return std::nullopt;
        ++pos; // closing DQUOTE
        if (out.empty()) return std::nullopt;
        for (char c : out)
            if (!is_tchar(c)) return std::nullopt;
        return out;
    }
};

} // namespace

std::optional<std::vector<Extension>> parse_extensions(std::string_view value) {
    std::vector<Extension> out;
    Scanner sc{value};
    while (true) {
        sc.skip_ows();
        if (sc.at_end()) break;
        if (sc.peek() == ',') { // empty list element
            ++sc.pos;
            continue;
        }
        auto name = sc.token();
        if (!name) return std::nullopt;
        Extension ext{*name, {}};
        sc.skip_ows();
        while (!sc.at_end() && sc.peek() == ';') {
            ++sc.pos;
            sc.skip_ows();
            auto pname = sc.token();
            if (!pname) return std::nullopt;
            ExtensionParam param{*pname, std::nullopt};
            sc.skip_ows();
            if (!sc.at_end() && sc.peek() == '=') {
                ++sc.pos;
                sc.skip_ows();
                if (sc.at_end()) return std::nullopt;
                param.value = sc.peek() == '"' ? sc.quoted() : sc.token();
                if (!param.value) return std::nullopt;
                sc.skip_ows();
            }
            ext.params.push_back(std::move(param));
        }
        out.push_back(std::move(ext));
        if (sc.at_end()) break;
        if (sc.peek() != ',') return std::nullopt;
        ++sc.pos;
    }
    return out;
}

std::optional<std::vector<Extension>> parse_extensions(const Headers& headers,
                                                       std::string_view name) {
    std::vector<Extension> out;
    for (const Header& h : headers) {
        if (!iequals(h.name, name)) continue;
        auto part = parse_extensions(h.value);
        if (!part) return std::nullopt;
        for (auto& e : *part)
            out.push_back(std::move(e));
    }
    return out;
}

std::string format_extensions(const std::vector<Extension>& extensions) {
    std::string out;
    for (const Extension& e : extensions) {
        if (!out.empty()) out += ", ";
        out += e.name;
        for (const ExtensionParam& p : e.params) {
            out += "; ";
            out += p.name;
            if (p.value) {
                out += '=';
                out += *p.value;
            }
        }
    }
    return out;
}

} // namespace wirelab::http
