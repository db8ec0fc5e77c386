// JSON.parse for Socket.IO payloads (json_text.hpp): a one-pass recursive-descent parser
// that builds the Json value directly, or (scan_json_event) only checks the text. Every
// client of a broadcast checks the packet it receives, so this is on the simulator's hot
// path; nlohmann's lexer, one character and one token-buffer push at a time, cost more than
// the rest of the Socket.IO layer together, and so did building the tree the client then
// only stored (it keeps the checked text instead: EventArgs).
//
// Accepts exactly RFC 8259 JSON text, as JSON.parse does: no BOM, no trailing commas, no
// comments, strings of valid UTF-8 without raw control characters, lone surrogates in \u
// escapes refused. Numbers become what nlohmann would make of them: an integer literal an
// int64 (negative) or uint64 that fits, anything else a double; a literal beyond the double
// range is refused. A later duplicate key replaces the value in place, as JSON.parse does.
#include "sim/proto/sio/json_text.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace wirelab::sio {
namespace {

constexpr int max_depth = 512;
// Room for the first items of a non-empty array: a Socket.IO event is [name, args...], and
// growing 1 -> 2 -> 4 would allocate twice.
constexpr std::size_t first_capacity = 4;

// Build = true makes the Json value; false only checks the text (scan_json_event), taking
// exactly the same decisions, so the two can never disagree on what is JSON.
class Parser {
public:
    explicit Parser(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

    std::optional<Json> run() {
        Json v;
        skip_space();
        if (!value<true>(&v, 0)) return std::nullopt;
        skip_space();
        if (p_ != end_) return std::nullopt;
        return v;
    }

    // run() for an array starting with a string, the string decoded, the rest only checked
    // (scan_json_event).
    bool scan_event(std::string& name, std::string_view& args_tail) {
        skip_space();
        if (!eat('[')) return false;
        skip_space();
        // As array() at depth 1, the first item a string.
        if (p_ == end_ || *p_ != '"' || !string<true>(&name)) return false;
        skip_space();
        const char* tail = p_ != end_ && *p_ == ',' ? p_ + 1 : p_;
        for (;;) {
            skip_space();
            if (eat(']')) break;
            if (!eat(',')) return false;
            skip_space();
            if (!value<false>(nullptr, 1)) return false;
        }
        skip_space();
        if (p_ != end_) return false;
        args_tail = std::string_view(tail, static_cast<std::size_t>(end_ - tail));
        return true;
    }

private:
    const char* p_;
    const char* end_;

    void skip_space() {
        while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t'))
            ++p_;
    }
    bool eat(char c) {
        if (p_ == end_ || *p_ != c) return false;
        ++p_;
        return true;
    }
    bool literal(std::string_view word) {
        if (static_cast<std::size_t>(end_ - p_) < word.size() ||
            std::memcmp(p_, word.data(), word.size()) != 0)
            return false;
        p_ += word.size();
        return true;
    }

    // `out` is written only when Build (it may be null otherwise); so are the strings below.
    template <bool Build> bool value(Json* out, int depth) {
        if (p_ == end_) return false;
        switch (*p_) {
        case '{': return object<Build>(out, depth + 1);
        case '[': return array<Build>(out, depth + 1);
        case '"':
            if constexpr (Build) {
                *out = Json::value_t::string;
                return string<true>(&out->get_ref<std::string&>());
            } else {
                return string<false>(nullptr);
            }
        case 't': return assign<Build>(out, true) && literal("true");
        case 'f': return assign<Build>(out, false) && literal("false");
        case 'n': return assign<Build>(out, nullptr) && literal("null");
        default: return number<Build>(out);
        }
    }

    template <bool Build, class T> static bool assign(Json* out, T&& v) {
        if constexpr (Build) *out = std::forward<T>(v);
        return true;
    }

    template <bool Build> bool array(Json* out, int depth) {
        if (depth > max_depth) return false;
        ++p_; // '['
        Json::array_t* items = nullptr;
        if constexpr (Build) {
            *out = Json::value_t::array;
            items = &out->get_ref<Json::array_t&>();
        }
        skip_space();
        if (eat(']')) return true;
        if constexpr (Build) items->reserve(first_capacity); // [event, arg]: one allocation
        for (;;) {
            skip_space();
            Json* item = nullptr;
            if constexpr (Build) item = &items->emplace_back();
            if (!value<Build>(item, depth)) return false;
            skip_space();
            if (eat(']')) return true;
            if (!eat(',')) return false;
        }
    }

    template <bool Build> bool object(Json* out, int depth) {
        if (depth > max_depth) return false;
        ++p_; // '{'
        if constexpr (Build) *out = Json::value_t::object;
        skip_space();
        if (eat('}')) return true;
        std::string key;
        for (;;) {
            skip_space();
            if (p_ == end_ || *p_ != '"' || !string<Build>(&key)) return false;
            skip_space();
            if (!eat(':')) return false;
            skip_space();
            Json v;
            if (!value<Build>(&v, depth)) return false;
            // A duplicate key keeps its place, takes the new value.
            if constexpr (Build) (*out)[key] = std::move(v);
            skip_space();
            if (eat('}')) return true;
            if (!eat(',')) return false;
        }
    }

    // A run of bytes that need no attention: printable ASCII other than '"' and '\'.
    static bool plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

    // The top bit of each of the 8 bytes at `s` that needs attention (not plain): zero for a
    // clean word, exactly (a borrow out of a byte only starts at a byte that matches, so no
    // clean word is ever flagged), and each kind of byte sets its own top bit (>= 0x80 in
    // `v`, < 0x20 in `v - 0x20..`, '"' and '\\' as a zero byte after the xor). A borrow runs
    // towards the more significant bytes only, so the least significant flag is exact too.
    static std::uint64_t attention8(const char* s) {
        constexpr std::uint64_t ones = 0x0101010101010101ULL;
        constexpr std::uint64_t tops = 0x8080808080808080ULL;
        std::uint64_t v = 0;
        std::memcpy(&v, s, 8);
        const std::uint64_t quote = v ^ (ones * '"');
        const std::uint64_t slash = v ^ (ones * '\\');
        return (v | (v - ones * 0x20) | (quote - ones) | (slash - ones)) & tops;
    }

    // The plain run starting at p_: eight bytes at a time (two words a step). Where a word
    // holds a byte that needs attention, a little-endian machine (the word's first byte least
    // significant) steps straight to it; otherwise the bytes from that word or after the last
    // clean word are looked at one by one. The run is walked with a local pointer, p_ written
    // once at the end (the text's bytes might alias p_: a step on p_ would store it each time).
    void skip_plain() {
        const char* s = p_;
        std::uint64_t flags = 0;
        while (end_ - s >= 16) {
            if ((flags = attention8(s)) != 0) break;
            if ((flags = attention8(s + 8)) != 0) {
                s += 8;
                break;
            }
            s += 16;
        }
        if (flags == 0 && end_ - s >= 8 && (flags = attention8(s)) == 0) s += 8;
        if constexpr (std::endian::native == std::endian::little) {
            if (flags != 0) {
                p_ = s + std::countr_zero(flags) / 8;
                return;
            }
        }
        while (s != end_ && plain(static_cast<unsigned char>(*s)))
            ++s;
        p_ = s;
    }

    template <bool Build> bool string(std::string* out) {
        ++p_; // '"'
        if constexpr (Build) out->clear();
        for (;;) {
            const char* run = p_;
            skip_plain();
            if constexpr (Build) out->append(run, static_cast<std::size_t>(p_ - run));
            if (p_ == end_) return false;
            const auto c = static_cast<unsigned char>(*p_);
            if (c == '"') {
                ++p_;
                return true;
            }
            if (c == '\\') {
                if (!escape<Build>(out)) return false;
            } else if (c < 0x20) {
                return false; // a raw control character
            } else if (!utf8<Build>(out)) {
                return false;
            }
        }
    }

    bool hex4(std::uint32_t& v) {
        if (end_ - p_ < 4) return false;
        v = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = *p_++;
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= static_cast<std::uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= static_cast<std::uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= static_cast<std::uint32_t>(c - 'A' + 10);
            else
                return false;
        }
        return true;
    }

    template <bool Build> bool escape(std::string* out) {
        ++p_; // '\'
        if (p_ == end_) return false;
        char c = 0;
        switch (*p_++) {
        case '"': c = '"'; break;
        case '\\': c = '\\'; break;
        case '/': c = '/'; break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case 'u': break;
        default: return false;
        }
        if (c != 0) {
            if constexpr (Build) out->push_back(c);
            return true;
        }
        std::uint32_t cp = 0;
        if (!hex4(cp)) return false;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return false; // a low surrogate alone
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t low = 0;
            if (!literal("\\u") || !hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        if constexpr (Build) append_utf8(*out, cp);
        return true;
    }
    static void append_utf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }

    // One multi-byte UTF-8 sequence, checked as RFC 3629 table 2 (no overlongs, no
    // surrogates, nothing above U+10FFFF), copied as it is.
    template <bool Build> bool utf8(std::string* out) {
        const auto* s = reinterpret_cast<const unsigned char*>(p_);
        const auto left = static_cast<std::size_t>(end_ - p_);
        const unsigned char b0 = s[0];
        std::size_t n = 0;
        unsigned char lo = 0x80, hi = 0xBF; // the second byte's range
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            n = 2;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            n = 3;
            if (b0 == 0xE0) lo = 0xA0;
            if (b0 == 0xED) hi = 0x9F;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            n = 4;
            if (b0 == 0xF0) lo = 0x90;
            if (b0 == 0xF4) hi = 0x8F;
        } else {
            return false;
        }
        if (left < n || s[1] < lo || s[1] > hi) return false;
        for (std::size_t i = 2; i < n; ++i)
            if (s[i] < 0x80 || s[i] > 0xBF) return false;
        if constexpr (Build) out->append(p_, n);
        p_ += n;
        return true;
    }

    static bool digit(char c) { return c >= '0' && c <= '9'; }

    template <bool Build> bool number(Json* out) {
        const char* start = p_;
        const bool negative = eat('-');
        if (p_ == end_ || !digit(*p_)) return false;
        if (*p_ == '0')
            ++p_;
        else
            while (p_ != end_ && digit(*p_))
                ++p_;
        bool integral = true;
        if (p_ != end_ && *p_ == '.') {
            integral = false;
            ++p_;
            if (p_ == end_ || !digit(*p_)) return false;
            while (p_ != end_ && digit(*p_))
                ++p_;
        }
        if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
            integral = false;
            ++p_;
            if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
            if (p_ == end_ || !digit(*p_)) return false;
            while (p_ != end_ && digit(*p_))
                ++p_;
        }
        if (integral) {
            if (negative) {
                std::int64_t v = 0;
                if (std::from_chars(start, p_, v).ec == std::errc{}) return assign<Build>(out, v);
            } else {
                std::uint64_t v = 0;
                if (std::from_chars(start, p_, v).ec == std::errc{}) return assign<Build>(out, v);
            }
        }
        double d = 0;
        const auto r = std::from_chars(start, p_, d);
        if (r.ec == std::errc::result_out_of_range) {
            // An underflow is zero and an overflow infinite, as strtod says; nlohmann refuses
            // the overflow and so does this parser.
            d = std::strtod(std::string(start, p_).c_str(), nullptr);
            if (!std::isfinite(d)) return false;
        } else if (r.ec != std::errc{} || r.ptr != p_) {
            return false;
        }
        return assign<Build>(out, d);
    }
};

} // namespace

std::optional<Json> parse_json(std::string_view text) {
    return Parser(text).run();
}

bool scan_json_event(std::string_view text, std::string& name, std::string_view& args_tail) {
    return Parser(text).scan_event(name, args_tail);
}

} // namespace wirelab::sio
