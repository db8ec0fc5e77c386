// sio::parse_json (JSON.parse) against a table of RFC 8259 cases, and differentially against
// nlohmann's parser, which it replaced, on generated and mutated texts. Each text is also
// checked as an event's argument by scan_json_event (which only checks, builds nothing).
#include "event_scan_check.hpp"

#include "sim/proto/sio/json_text.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>

using wirelab::sio::Json;
using wirelab::sio::parse_json;

namespace {

std::optional<Json> reference(std::string_view text) {
    Json v = Json::parse(text.begin(), text.end(), nullptr, false);
    if (v.is_discarded()) return std::nullopt;
    return v;
}

// Both parsers read `text`; they must agree on whether it is JSON and on its value. True
// when it is.
bool agrees_with_reference(const std::string& text) {
    INFO("text: " << text);
    const auto ours = parse_json(text);
    const auto theirs = reference(text);
    REQUIRE(ours.has_value() == theirs.has_value());
    if (ours) CHECK(*ours == *theirs);
    // The same text after an event's name: the scan's verdict and value are parse_json's.
    CHECK(wirelab::sio::test::event_agrees("[\"e\"," + text + "]"));
    return ours.has_value();
}

// A random value: nested arrays and objects, strings with escapes and multi-byte UTF-8,
// integers and doubles of every size.
Json random_value(std::mt19937_64& rng, int depth) {
    const auto pick = [&](std::uint64_t n) { return rng() % n; };
    switch (depth > 3 ? pick(5) : pick(7)) {
    case 0: return nullptr;
    case 1: return pick(2) == 0;
    case 2: return static_cast<std::int64_t>(rng()) >> pick(64);
    case 3: {
        std::uniform_real_distribution<double> d(-1e6, 1e6);
        return pick(4) == 0 ? d(rng) * 1e300 : d(rng) / static_cast<double>(1 + pick(1000000));
    }
    case 4: {
        static const char* pieces[] = {"a",    "hi", " ", "\"", "\\",     "/", "\n", "\t",
                                       "\x01", "é",  "€", "😀",  "\u2028", "0", "{",  "]"};
        std::string s;
        for (auto n = pick(8); n > 0; --n)
            s += pieces[pick(std::size(pieces))];
        return s;
    }
    case 5: {
        Json a = Json::array();
        for (auto n = pick(5); n > 0; --n)
            a.push_back(random_value(rng, depth + 1));
        return a;
    }
    default: {
        Json o = Json::object();
        for (auto n = pick(5); n > 0; --n)
            o[std::string(1, static_cast<char>('a' + pick(6)))] = random_value(rng, depth + 1);
        return o;
    }
    }
}

} // namespace

TEST_CASE("parse_json accepts RFC 8259 JSON and builds the value JSON.parse would") {
    CHECK(parse_json("[\"alert\",\"storm\"]") == Json::array({"alert", "storm"}));
    CHECK(parse_json(" \t\r\n{\"a\" : [1, -2, 3.5, true, false, null]} ") ==
          Json::parse(R"({"a":[1,-2,3.5,true,false,null]})"));
    CHECK(parse_json(R"("\u00e9\ud83d\ude00\/\b\f\n\r\t\"\\")") == Json("é😀/\b\f\n\r\t\"\\"));
    CHECK(parse_json("\"é€😀\"") == Json("é€😀")); // raw UTF-8 copied through
    CHECK(parse_json("18446744073709551615")->is_number_unsigned());
    CHECK(parse_json("-9223372036854775808")->is_number_integer());
    CHECK(parse_json("18446744073709551616")->is_number_float()); // beyond uint64
    CHECK(parse_json("1e-400") == Json(0.0));                     // underflows to zero
    CHECK(parse_json("2.5E+3") == Json(2500.0));
    // A later duplicate key replaces the value where the key first stood.
    const auto dup = parse_json(R"({"a":1,"b":2,"a":3})");
    REQUIRE(dup);
    CHECK(dup->dump() == R"({"a":3,"b":2})");
}

TEST_CASE("parse_json refuses what JSON.parse refuses") {
    for (const char* bad : {"",
                            " ",
                            "[",
                            "[1,]",
                            "{\"a\":1,}",
                            "{a:1}",
                            "'a'",
                            "01",
                            "1.",
                            ".5",
                            "-",
                            "+1",
                            "1e",
                            "1e+",
                            "0x10",
                            "NaN",
                            "Infinity",
                            "tru",
                            "nul",
                            "[1 2]",
                            "{\"a\" 1}",
                            "\"abc",
                            "\"\\x\"",
                            "\"\\u12\"",
                            "\"\\ud83d\"",
                            "\"\\ude00\"",
                            "\"\\ud83d\\u0041\"",
                            "\"a\x01\"",
                            "\"\xff\"",
                            "\"\xc0\xaf\"",
                            "\"\xed\xa0\x80\"",
                            "\"\xf4\x90\x80\x80\"",
                            "\xef\xbb\xbf[]",
                            "1e400",
                            "[] []",
                            "// c\n1"}) {
        INFO("text: " << bad);
        CHECK_FALSE(parse_json(bad));
        std::string name;
        std::string_view tail;
        CHECK_FALSE(wirelab::sio::scan_json_event("[\"e\"," + std::string(bad) + "]", name, tail));
    }
    // A NUL byte is not whitespace (nlohmann stopped at one as at the end of a C string).
    CHECK_FALSE(parse_json(std::string("\"a\"\0x", 5)));
    CHECK_FALSE(parse_json(std::string("[1]\0", 4)));
    // 512 levels of nesting are accepted, 513 are not.
    CHECK(parse_json(std::string(512, '[') + std::string(512, ']')));
    CHECK_FALSE(parse_json(std::string(513, '[') + std::string(513, ']')));
    CHECK_FALSE(parse_json(std::string(100000, '[')));
}

TEST_CASE("parse_json agrees with nlohmann on generated and mutated texts") {
    std::mt19937_64 rng(20261125);
    int accepted = 0, refused = 0;
    for (int i = 0; i < 4000; ++i) {
        const Json v = random_value(rng, 0);
        std::string text = v.dump();
        // Mutate most texts: replace, insert or delete a byte or two.
        for (auto n = rng() % 3; n > 0 && !text.empty(); --n) {
            const std::size_t at = rng() % text.size();
            static const char alphabet[] = "[]{}\",:\\ 0123456789.eE+-tfnul\xc3\xa9\x80\xff";
            const char c = alphabet[rng() % (sizeof alphabet - 1)];
            switch (rng() % 3) {
            case 0: text[at] = c; break;
            case 1: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c); break;
            default: text.erase(at, 1);
            }
        }
        if (agrees_with_reference(text))
            ++accepted;
        else
            ++refused;
    }
    // Both kinds were exercised, not only one.
    CHECK(accepted > 1000);
    CHECK(refused > 500);
}

TEST_CASE("parse_json's word-at-a-time string scan stops at every byte that needs attention") {
    // Strings scan eight bytes at a time, two words a step: put each byte around the
    // thresholds ('"', '\', control, non-ASCII) at every position of strings of every length
    // up to 5 words (two steps, a single word, bytes), the string itself at every alignment,
    // and compare with nlohmann byte by byte.
    const std::string specials[] = {
        "\"", "\\", "\\n",  "\\u0041", "\x01",     "\x1f",         " ",   "!", "#",
        "[",  "]",  "\x7f", "\x80",    "\xc3\xa9", "\xe2\x82\xac", "\xff"};
    int accepted = 0;
    for (std::size_t len = 0; len <= 41; ++len) {
        for (std::size_t at = 0; at <= len; ++at) {
            for (const auto& special : specials) {
                for (std::size_t align = 0; align < 8; ++align) {
                    std::string text(align, ' ');
                    text += '"' + std::string(at, 'a') + special + std::string(len - at, 'b') + '"';
                    if (agrees_with_reference(text)) ++accepted;
                }
            }
        }
    }
    CHECK(accepted > 1000);
    // A NUL byte in a string is a raw control character, wherever it falls in a word.
    for (std::size_t at = 0; at < 41; ++at) {
        std::string text = '"' + std::string(40, 'a') + '"';
        text[1 + at] = '\0';
        CHECK_FALSE(parse_json(text));
    }
    // The text ends inside a string (or just after a backslash) at every length: refused,
    // and nothing past the end is read (the sanitizer builds would see it).
    for (std::size_t len = 0; len < 42; ++len) {
        const std::string open = '"' + std::string(len, 'a');
        CHECK_FALSE(parse_json(open));
        CHECK_FALSE(parse_json(open + '\\'));
        CHECK_FALSE(parse_json(open + "\\\""));
        CHECK(parse_json(open + '"') == Json(std::string(len, 'a')));
    }
}
