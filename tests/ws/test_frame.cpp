// The frame layer alone: header parse/emit (all length forms, minimal-length rule), masking
// across chunk boundaries at every phase, the incremental parser, and the dissection rows.
#include "sim/proto/ws/frame.hpp"
#include "tests/ws/ws_test_util.hpp"

#include <catch2/catch.hpp>

using namespace wstest;
namespace wsw = wirelab::wire::websocket;

TEST_CASE("parse_header reads every length form and the mask") {
    ws::FrameHeader h;
    REQUIRE(wsw::parse_header(hex("81 85 37 fa 21 3d"), h) == ws::HeaderStatus::complete);
    CHECK(h.fin);
    CHECK(h.opcode == ws::Opcode::text);
    CHECK(h.masked);
    CHECK(h.length == 5);
    CHECK(h.mask == rfc_mask);
    CHECK(h.header_size == 6);
    REQUIRE(wsw::parse_header(hex("02 7e 01 00"), h) == ws::HeaderStatus::complete);
    CHECK_FALSE(h.fin);
    CHECK(h.length == 256);
    CHECK(h.header_size == 4);
    REQUIRE(wsw::parse_header(hex("82 ff 00 00 00 01 00 00 00 00 01 02 03 04"), h) ==
            ws::HeaderStatus::complete);
    CHECK(h.length == (1ull << 32));
    CHECK(h.header_size == 14);
}

TEST_CASE("parse_header asks for more until the header is whole") {
    const auto full = hex("82 ff 00 00 00 01 00 00 00 00 01 02 03 04");
    ws::FrameHeader h;
    for (std::size_t n = 0; n < full.size(); ++n)
        CHECK(wsw::parse_header({full.data(), n}, h) == ws::HeaderStatus::need_more);
}

TEST_CASE("non-minimal lengths and a 64-bit length with the top bit set are rejected") {
    ws::FrameHeader h;
    CHECK(wsw::parse_header(hex("82 7e 00 7d"), h) == ws::HeaderStatus::non_minimal_length);
    CHECK(wsw::parse_header(hex("82 7f 00 00 00 00 00 00 ff ff"), h) ==
          ws::HeaderStatus::non_minimal_length);
    CHECK(wsw::parse_header(hex("82 7f 80 00 00 00 00 00 00 00"), h) ==
          ws::HeaderStatus::length_msb_set);
    CHECK(wsw::parse_header(hex("82 7e 00 7e"), h) == ws::HeaderStatus::complete);
}

TEST_CASE("emit_header round-trips through parse_header") {
    for (std::uint64_t len : {0ull, 1ull, 125ull, 126ull, 65535ull, 65536ull, 1ull << 40}) {
        for (bool masked : {false, true}) {
            ws::FrameHeader h;
            h.fin = len % 2 == 0;
            h.rsv = 0x5;
            h.opcode = ws::Opcode::binary;
            h.masked = masked;
            h.length = len;
            h.mask = rfc_mask;
            std::uint8_t buf[wsw::max_header_size];
            const std::size_t n = wsw::emit_header(h, buf);
            CHECK(n == wsw::header_size(len, masked));
            ws::FrameHeader back;
            REQUIRE(wsw::parse_header({buf, n}, back) == ws::HeaderStatus::complete);
            CHECK(back.length == len);
            CHECK(back.fin == h.fin);
            CHECK(back.rsv == 0x5);
            CHECK(back.masked == masked);
            CHECK(back.header_size == n);
        }
    }
}

TEST_CASE("apply_mask matches byte-wise XOR at every length and phase") {
    wire::Bytes src(300);
    for (std::size_t i = 0; i < src.size(); ++i)
        src[i] = static_cast<std::uint8_t>(i * 31 + 7);
    for (std::size_t phase = 0; phase < 4; ++phase) {
        for (std::size_t n : {0, 1, 3, 7, 8, 9, 31, 32, 33, 64, 100, 300}) {
            wire::Bytes dst(n);
            ws::apply_mask(dst.data(), src.data(), n, rfc_mask, phase);
            for (std::size_t i = 0; i < n; ++i)
                REQUIRE(dst[i] == (src[i] ^ rfc_mask[(phase + i) & 3]));
        }
    }
}

TEST_CASE("apply_mask in place, split at an odd offset, equals one pass") {
    wire::Bytes data(77, 0x41), whole = data;
    ws::apply_mask(whole.data(), whole.data(), whole.size(), rfc_mask, 0);
    ws::apply_mask(data.data(), data.data(), 13, rfc_mask, 0);
    ws::apply_mask(data.data() + 13, data.data() + 13, 64, rfc_mask, 13 & 3);
    CHECK(data == whole);
}

TEST_CASE("FrameParser yields header, payload pieces and frame end at every chunk size") {
    const std::size_t chunk = GENERATE(range<std::size_t>(1, 20));
    wire::Bytes in = hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"); // masked Hello
    append(in, hex("89 00"));                                 // empty ping
    ws::FrameParser parser;
    std::vector<std::string> seen;
    std::string text;
    for (std::size_t pos = 0; pos < in.size(); pos += chunk) {
        wire::ByteView rest{in.data() + pos, std::min(chunk, in.size() - pos)};
        while (true) {
            auto r = parser.next(rest);
            rest = rest.subspan(r.consumed);
            if (r.kind == ws::FrameParser::Kind::need_more) break;
            REQUIRE(r.kind != ws::FrameParser::Kind::error);
            if (r.kind == ws::FrameParser::Kind::header) {
                seen.push_back("h" + std::to_string(parser.header().length));
            } else {
                std::string piece(r.payload.size(), '\0');
                ws::apply_mask(reinterpret_cast<std::uint8_t*>(piece.data()), r.payload.data(),
                               r.payload.size(), parser.header().mask, r.offset & 3);
                text += piece;
                if (r.frame_end) seen.push_back("end");
            }
        }
    }
    CHECK(text == "Hello");
    CHECK(seen == std::vector<std::string>{"h5", "end", "h0", "end"});
    CHECK(parser.at_frame_boundary());
}

TEST_CASE("dissect_header names every field with its byte span") {
    auto rows = wsw::dissect_header(hex("81 fe 01 00 37 fa 21 3d"));
    REQUIRE(rows.size() == 9);
    CHECK(rows[0].length == 8);
    CHECK(rows[0].layer == 5);
    CHECK(rows[5].name == "Opcode");
    CHECK(rows[5].value == "1 (text)");
    CHECK(rows[7].name == "Payload length");
    CHECK(rows[7].offset == 1);
    CHECK(rows[7].length == 3);
    CHECK(rows[7].value == "256");
    CHECK(rows[8].name == "Masking key");
    CHECK(rows[8].offset == 4);
    CHECK(rows[8].value == "37fa213d");
    CHECK(wsw::dissect_header(hex("81")).empty());
}
