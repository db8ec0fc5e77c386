// JSON.stringify-compatible serializer and a guarded JSON.parse (see json_text.hpp).
#include "sim/proto/sio/json_text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace wirelab::sio {
namespace {

void quote(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out.push_back(hex[c >> 4]);
                out.push_back(hex[c & 0xf]);
            } else {
                out.push_back(ch);
            }
        }
    }
    out.push_back('"');
}

// An ECMAScript "array index": canonical decimal below 2^32 - 1. Objects list these first.
std::optional<std::uint32_t> array_index(std::string_view key) {
    if (key.empty() || key.size() > 10 || (key.size() > 1 && key[0] == '0')) return std::nullopt;
    std::uint64_t v = 0;
    for (const char c : key) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (v >= 0xffffffffull) return std::nullopt;
    return static_cast<std::uint32_t>(v);
}

} // namespace

std::string js_number(double x) {
    if (!std::isfinite(x)) return "null";
    if (x == 0) return "0";
    std::string out;
    if (x < 0) {
        out.push_back('-');
        x = -x;
    }
    std::array<char, 64> buf{};
    const auto r =
        std::to_chars(buf.data(), buf.data() + buf.size(), x, std::chars_format::scientific);
    const std::string_view sci(buf.data(), static_cast<std::size_t>(r.ptr - buf.data()));
    const auto e_pos = sci.find('e');
    std::string digits;
    for (const char c : sci.substr(0, e_pos)) {
        if (c != '.') digits.push_back(c);
    }
    int exp10 = 0;
    std::from_chars(sci.data() + e_pos + (sci[e_pos + 1] == '+' ? 2 : 1), sci.data() + sci.size(),
                    exp10);
    const int k = static_cast<int>(digits.size());
    const int n = exp10 + 1; // value = 0.digits * 10^n
    if (k <= n && n <= 21) {
        out += digits;
        out.append(static_cast<std::size_t>(n - k), '0');
    } else if (0 < n && n <= 21) {
        out += digits.substr(0, static_cast<std::size_t>(n));
        out.push_back('.');
        out += digits.substr(static_cast<std::size_t>(n));
    } else if (-6 < n && n <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-n), '0');
        out += digits;
    } else {
        out.push_back(digits[0]);
        if (k > 1) {
            out.push_back('.');
            out += digits.substr(1);
        }
        out.push_back('e');
        out.push_back(n - 1 >= 0 ? '+' : '-');
        out += std::to_string(std::abs(n - 1));
    }
    return out;
}

void stringify_to(std::string& out, const Json& value) {
    switch (value.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded: out += "null"; break;
    case Json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; break;
    case Json::value_t::number_integer: out += std::to_string(value.get<std::int64_t>()); break;
    case Json::value_t::number_unsigned: out += std::to_string(value.get<std::uint64_t>()); break;
    case Json::value_t::number_float: out += js_number(value.get<double>()); break;
    case Json::value_t::string: quote(out, value.get_ref<const std::string&>()); break;
    case Json::value_t::binary: {
        out += R"({"type":"Buffer","data":[)";
        bool first = true;
        for (const auto b : value.get_binary()) {
            if (!first) out.push_back(',');
            first = false;
            out += std::to_string(static_cast<unsigned>(b));
        }
        out += "]}";
        break;
    }
    case Json::value_t::array: {
        out.push_back('[');
        bool first = true;
        for (const auto& item : value) {
            if (!first) out.push_back(',');
            first = false;
            stringify_to(out, item);
        }
        out.push_back(']');
        break;
    }
    case Json::value_t::object: {
        // Array-index keys first, ascending; then the others in insertion order (ES2015
        // OrdinaryOwnPropertyKeys, which JSON.stringify follows).
        std::vector<std::pair<std::uint32_t, Json::const_iterator>> indexed;
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (const auto idx = array_index(it.key())) indexed.emplace_back(*idx, it);
        }
        std::sort(indexed.begin(), indexed.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        out.push_back('{');
        bool first = true;
        const auto member = [&](const std::string& key, const Json& v) {
            if (!first) out.push_back(',');
            first = false;
            quote(out, key);
            out.push_back(':');
            stringify_to(out, v);
        };
        for (const auto& [idx, it] : indexed)
            member(it.key(), it.value());
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (!array_index(it.key())) member(it.key(), it.value());
        }
        out.push_back('}');
        break;
    }
    }
}

bool json_equal(const Json& a, const Json& b) {
    if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
    if (a.type() != b.type()) return false;
    if (a.is_array()) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (!json_equal(a[i], b[i])) return false;
        }
        return true;
    }
    if (a.is_object()) {
        if (a.size() != b.size()) return false;
        for (auto it = a.begin(); it != a.end(); ++it) {
            const auto other = b.find(it.key());
            if (other == b.end() || !json_equal(it.value(), *other)) return false;
        }
        return true;
    }
    return a == b;
}

std::string stringify(const Json& value) {
    std::string out;
    stringify_to(out, value);
    return out;
}

std::string base64_encode(std::string_view bytes) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    const auto at = [&](std::size_t j) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[j]));
    };
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
        out.push_back(alphabet[v >> 18 & 63]);
        out.push_back(alphabet[v >> 12 & 63]);
        out.push_back(alphabet[v >> 6 & 63]);
        out.push_back(alphabet[v & 63]);
    }
    if (bytes.size() - i == 1) {
        const std::uint32_t v = at(i) << 16;
        out.push_back(alphabet[v >> 18 & 63]);
        out.push_back(alphabet[v >> 12 & 63]);
        out += "==";
    } else if (bytes.size() - i == 2) {
        const std::uint32_t v = at(i) << 16 | at(i + 1) << 8;
        out.push_back(alphabet[v >> 18 & 63]);
        out.push_back(alphabet[v >> 12 & 63]);
        out.push_back(alphabet[v >> 6 & 63]);
        out.push_back('=');
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    while (!text.empty() && text.back() == '=')
        text.remove_suffix(1);
    std::string out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (const char c : text) {
        int v = -1;
        if (c >= 'A' && c <= 'Z')
            v = c - 'A';
        else if (c >= 'a' && c <= 'z')
            v = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            v = c - '0' + 52;
        else if (c == '+' || c == '-')
            v = 62; // Node also accepts the URL-safe alphabet
        else if (c == '/' || c == '_')
            v = 63;
        if (v < 0) return std::nullopt;
        acc = acc << 6 | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>(acc >> bits & 0xff));
        }
    }
    return out;
}

} // namespace wirelab::sio
