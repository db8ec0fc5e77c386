// UTF-8 validation (Autobahn category 6): the classic valid and invalid sequences (overlong
// forms, surrogates, above U+10FFFF, truncated), validation split at every byte, and the
// fast path agreeing with a byte-wise reference on random input.
#include "sim/proto/ws/utf8.hpp"
#include "tests/ws/ws_test_util.hpp"

#include <catch2/catch.hpp>

#include <random>

using namespace wstest;
using wirelab::ws::is_valid_utf8;
using wirelab::ws::Utf8Validator;

namespace {
// Straightforward reference decoder (Unicode table 3-7): the offset of the first byte that
// makes the text invalid (npos if none), and whether it ends on a character boundary.
struct RefResult {
    std::size_t bad = Utf8Validator::npos;
    bool complete = true;
};
RefResult reference(const std::string& s) {
    std::size_t i = 0;
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    while (i < s.size()) {
        const unsigned c = b(i);
        std::size_t n;
        unsigned lo = 0x80, hi = 0xbf;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            n = 1;
        else if (c == 0xe0)
            n = 2, lo = 0xa0;
        else if (c == 0xed)
            n = 2, hi = 0x9f;
        else if (c >= 0xe1 && c <= 0xef)
            n = 2;
        else if (c == 0xf0)
            n = 3, lo = 0x90;
        else if (c >= 0xf1 && c <= 0xf3)
            n = 3;
        else if (c == 0xf4)
            n = 3, hi = 0x8f;
        else
            return {i, false};
        for (std::size_t k = 1; k <= n; ++k) {
            if (i + k >= s.size()) return {Utf8Validator::npos, false};
            const unsigned cc = b(i + k);
            if (k == 1 ? (cc < lo || cc > hi) : (cc < 0x80 || cc > 0xbf)) return {i + k, false};
        }
        i += n + 1;
    }
    return {};
}
bool reference_valid(const std::string& s) {
    auto r = reference(s);
    return r.bad == Utf8Validator::npos && r.complete;
}
} // namespace

TEST_CASE("6.x: valid UTF-8 samples pass") {
    for (std::string s :
         {std::string(""),
          std::string("Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4\xc3\xbc\xc3\xa0\xc3\xa1-UTF-8!!"),
          std::string("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"), // κόσμε
          std::string("\x00", 1), std::string("\xc2\x80"), std::string("\xe0\xa0\x80"),
          std::string("\xf0\x90\x80\x80"), std::string("\x7f"), std::string("\xdf\xbf"),
          std::string("\xef\xbf\xbf"), std::string("\xf4\x8f\xbf\xbf"), // U+10FFFF
          std::string("\xed\x9f\xbf"), std::string("\xee\x80\x80"), std::string("\xef\xbf\xbd")}) {
        INFO(wire::to_hex(bytes_of(s)));
        CHECK(is_valid_utf8(s));
    }
}

TEST_CASE("6.x: the classic invalid sequences fail") {
    for (std::string s : {
             std::string("\xc0\xaf"),                 // overlong '/'
             std::string("\xe0\x80\xaf"),             // overlong '/', 3 bytes
             std::string("\xf0\x80\x80\xaf"),         // overlong '/', 4 bytes
             std::string("\xc1\xbf"),                 // max overlong 2-byte
             std::string("\xe0\x9f\xbf"),             // max overlong 3-byte
             std::string("\xf0\x8f\xbf\xbf"),         // max overlong 4-byte
             std::string("\xed\xa0\x80"),             // U+D800 high surrogate
             std::string("\xed\xbf\xbf"),             // U+DFFF low surrogate
             std::string("\xed\xa0\x80\xed\xb0\x80"), // surrogate pair
             std::string("\xf4\x90\x80\x80"),         // U+110000
             std::string("\xf5\x80\x80\x80"),
             std::string("\xf8\x88\x80\x80\x80"),
             std::string("\xfc\x84\x80\x80\x80\x80"),
             std::string("\xfe"),
             std::string("\xff"),
             std::string("\x80"),
             std::string("\xbf"), // lone continuations
             std::string("\xc2"),
             std::string("\xe2\x82"), // truncated at end
             std::string("\xf0\x9f\x98"),
             std::string("\xc2\x41"),
             std::string("\xe2\x28\xa1"),
             std::string("a\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"
                         "edited"),
         }) {
        INFO(wire::to_hex(bytes_of(s)));
        CHECK_FALSE(is_valid_utf8(s));
        CHECK_FALSE(reference_valid(s));
    }
}

TEST_CASE("6.x: validation split at every byte boundary agrees with one pass") {
    const std::string s = std::string(37, 'a') + "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5" +
                          "\xf0\x9f\x98\x80" + std::string(40, 'b') + "\xf4\x8f\xbf\xbf";
    for (std::size_t cut = 0; cut <= s.size(); ++cut) {
        Utf8Validator v;
        CHECK(v.feed(bytes_of(s.substr(0, cut))) == Utf8Validator::npos);
        CHECK(v.feed(bytes_of(s.substr(cut))) == Utf8Validator::npos);
        CHECK(v.complete());
        CHECK(v.position() == s.size());
    }
}

TEST_CASE("6.x: the first invalid byte is reported at its offset, in whichever piece") {
    const std::string s = std::string(70, 'a') + "\xe2\x82\xac" + std::string(10, 'b') +
                          "\xed\xa0\x80" + std::string(50, 'c');
    const std::size_t bad = 70 + 3 + 10 + 1; // the A0 after ED
    for (std::size_t cut = 0; cut <= s.size(); ++cut) {
        Utf8Validator v;
        std::size_t r1 = v.feed(bytes_of(s.substr(0, cut)));
        if (cut > bad) {
            REQUIRE(r1 == bad);
            continue;
        }
        REQUIRE(r1 == Utf8Validator::npos);
        std::size_t r2 = v.feed(bytes_of(s.substr(cut)));
        REQUIRE(r2 == bad - cut);
        CHECK(v.failed());
    }
}

TEST_CASE("the fast path agrees with the reference on random mostly-ASCII input") {
    std::mt19937 rng(42);
    const char* pieces[] = {"a",    "b",    "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                            "\xed", "\x80", "\xf4\x90", "\xc0",         "z"};
    for (int round = 0; round < 2000; ++round) {
        std::string s;
        const int n = static_cast<int>(rng() % 80);
        for (int i = 0; i < n; ++i) {
            const unsigned r = rng() % 100;
            if (r < 85)
                s += static_cast<char>('a' + rng() % 26);
            else
                s += pieces[rng() % 10];
        }
        INFO(wire::to_hex(bytes_of(s)));
        REQUIRE(is_valid_utf8(s) == reference_valid(s));
    }
}

TEST_CASE("long mixed text: SIMD and DFA paths agree with the reference, offset included") {
    std::mt19937 rng(1234);
    const char* pieces[] = {"\xc3\xa9",     "\xe2\x82\xac",     "\xf0\x9f\x98\x80", "\xd0\x96",
                            "\xe4\xbd\xa0", "\xf4\x8f\xbf\xbf", "\xef\xbf\xbf",     "\xe0\xa0\x80",
                            "\xed\x9f\xbf", "\xf0\x90\x80\x80"};
    for (int round = 0; round < 3000; ++round) {
        std::string s;
        const std::size_t target = rng() % 700;
        const unsigned ascii_pct = rng() % 100;
        while (s.size() < target) {
            if (rng() % 100 < ascii_pct)
                s += static_cast<char>(0x20 + rng() % 95);
            else
                s += pieces[rng() % 10];
        }
        if (round % 2 && !s.empty()) {
            // Corrupt one byte (any value), or cut the text mid-character.
            if (rng() % 4)
                s[rng() % s.size()] = static_cast<char>(rng() % 256);
            else
                s.resize(s.size() - 1);
        }
        const RefResult ref = reference(s);
        Utf8Validator v;
        const std::size_t got = v.feed(bytes_of(s));
        INFO("round " << round << " size " << s.size());
        REQUIRE(got == ref.bad);
        if (ref.bad == Utf8Validator::npos) REQUIRE(v.complete() == ref.complete);
        // And split in two at a random point.
        const std::size_t cut = s.empty() ? 0 : rng() % s.size();
        Utf8Validator w;
        const std::size_t r1 = w.feed(bytes_of(s.substr(0, cut)));
        if (ref.bad != Utf8Validator::npos && ref.bad < cut) {
            REQUIRE(r1 == ref.bad);
        } else {
            REQUIRE(r1 == Utf8Validator::npos);
            const std::size_t r2 = w.feed(bytes_of(s.substr(cut)));
            REQUIRE(r2 == (ref.bad == Utf8Validator::npos ? ref.bad : ref.bad - cut));
        }
    }
}
