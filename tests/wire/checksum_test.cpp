// The Internet checksum's word-at-a-time sum (checksum_add), the TCP pseudo-header checksum
// and the IPv4 header checksum, each against a 16-bit-word-at-a-time reference written the
// way RFC 1071 states it: every length 0..2000, unaligned starts, sums chained over pieces,
// the carries of all-0xff data, and the all-zero corner where 0x0000 and 0xffff differ.
#include "sim/wire/bytes.hpp"
#include "sim/wire/ipv4.hpp"
#include "sim/wire/tcp.hpp"

#include <catch2/catch.hpp>

#include <random>

using namespace wirelab::wire;

namespace {

// The plain sum of big-endian 16-bit words (an odd last byte padded with zero), no folding.
std::uint64_t reference_sum(std::uint64_t sum, ByteView data) {
    std::size_t i = 0;
    for (; i + 1 < data.size(); i += 2)
        sum += std::uint64_t{data[i]} << 8 | data[i + 1];
    if (i < data.size()) sum += std::uint64_t{data[i]} << 8;
    return sum;
}

std::uint16_t reference_fold(std::uint64_t sum) {
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

// The TCP checksum as RFC 9293 3.1 defines it: pseudo-header, then the segment with its
// checksum field (bytes 16-17, where present) as zero.
std::uint16_t reference_tcp(ByteView seg, std::uint32_t src, std::uint32_t dst) {
    Bytes b(seg.begin(), seg.end());
    for (std::size_t i = 16; i < 18 && i < b.size(); ++i)
        b[i] = 0;
    std::uint8_t pseudo[12];
    store_be32(pseudo, src);
    store_be32(pseudo + 4, dst);
    pseudo[8] = 0;
    pseudo[9] = 6;
    store_be16(pseudo + 10, static_cast<std::uint16_t>(seg.size()));
    return reference_fold(reference_sum(reference_sum(0, pseudo), b));
}

Bytes random_bytes(std::mt19937& rng, std::size_t n) {
    Bytes b(n);
    for (auto& x : b)
        x = static_cast<std::uint8_t>(rng());
    return b;
}

} // namespace

TEST_CASE("checksum_add agrees with the 16-bit reference on every length and alignment",
          "[checksum]") {
    std::mt19937 rng(11);
    const Bytes buf = random_bytes(rng, 2000 + 8);
    for (std::size_t n = 0; n <= 2000; n += (n < 300 ? 1 : 37)) {
        for (std::size_t start = 0; start < 8; ++start) {
            const ByteView data = ByteView(buf).subspan(start, n);
            const std::uint32_t sum = start == 0 ? 0 : static_cast<std::uint32_t>(rng() >> 2);
            const std::uint32_t got = checksum_add(sum, data);
            const std::uint64_t want = reference_sum(sum, data);
            INFO("length " << n << " start " << start << " sum " << sum);
            REQUIRE(checksum_fold(got) == reference_fold(want));
            // What the result promises: the same sum modulo 0xffff, zero only if that is.
            REQUIRE(got % 0xffff == want % 0xffff);
            REQUIRE((got == 0) == (want == 0));
        }
    }
}

TEST_CASE("checksum_add: the carries of all-0xff data and the zero of all-zero data",
          "[checksum]") {
    for (std::size_t n = 0; n <= 200; ++n) {
        INFO("length " << n);
        const Bytes ones(n, 0xff);
        CHECK(checksum_fold(checksum_add(0, ones)) == reference_fold(reference_sum(0, ones)));
        CHECK(checksum_fold(checksum_add(0xffff, ones)) ==
              reference_fold(reference_sum(0xffff, ones)));
        const Bytes zeros(n, 0);
        // Nothing to add: 0 stays 0 (its complement is 0xffff), never "negative zero".
        CHECK(checksum_add(0, zeros) == 0);
        CHECK(checksum_fold(checksum_add(0, zeros)) == 0xffff);
    }
    // An odd last byte is the high byte of a word padded with zero.
    const std::uint8_t odd[] = {0x12, 0x34, 0x56};
    CHECK(checksum_fold(checksum_add(0, odd)) == static_cast<std::uint16_t>(~(0x1234 + 0x5600)));
    // Nonzero data summing to 0xffff folds to 0xffff, not 0: the checksum is 0x0000.
    const std::uint8_t minus_zero[] = {0xf0, 0x0f, 0x0f, 0xf0};
    CHECK(checksum_fold(checksum_add(0, minus_zero)) == 0x0000);
}

TEST_CASE("checksum_add chains over pieces that start on even offsets", "[checksum]") {
    std::mt19937 rng(5);
    for (int round = 0; round < 300; ++round) {
        const std::size_t n = rng() % 400;
        const Bytes b = random_bytes(rng, n);
        const std::size_t cut = (rng() % (n + 1)) & ~std::size_t{1};
        const ByteView all(b);
        std::uint32_t pieces = checksum_add(0, all.first(cut));
        pieces = checksum_add(pieces, all.subspan(cut));
        INFO("length " << n << " cut " << cut);
        CHECK(checksum_fold(pieces) == checksum_fold(checksum_add(0, all)));
        CHECK(checksum_fold(pieces) == reference_fold(reference_sum(0, all)));
    }
}

TEST_CASE("tcp_checksum equals the RFC 9293 definition whatever the stored checksum",
          "[checksum]") {
    std::mt19937 rng(3);
    for (std::size_t n = 0; n <= 300; ++n) {
        for (int round = 0; round < 4; ++round) {
            Bytes seg = random_bytes(rng, n);
            // The stored field's extremes, where a slip between 0x0000 and 0xffff would show.
            if (n >= 18 && round < 2) store_be16(seg.data() + 16, round == 0 ? 0x0000 : 0xffff);
            const std::uint32_t src = rng(), dst = rng();
            INFO("length " << n << " round " << round);
            CHECK(tcp_checksum(seg, src, dst) == reference_tcp(seg, src, dst));
        }
        // All zero but the pseudo-header.
        const Bytes zeros(n, 0);
        CHECK(tcp_checksum(zeros, 0, 0) == reference_tcp(zeros, 0, 0));
    }
    // A segment whose own bytes cancel the pseudo-header's, so the sum is 0xffff.
    Bytes seg(20, 0);
    store_be16(seg.data(), 0xffff - 6 - 20);
    CHECK(tcp_checksum(seg, 0, 0) == 0x0000);
    CHECK(reference_tcp(seg, 0, 0) == 0x0000);
    store_be16(seg.data() + 16, 0xffff);
    CHECK(tcp_checksum(seg, 0, 0) == 0x0000);
}

TEST_CASE("ipv4_checksum equals the sum with the checksum field zeroed", "[checksum]") {
    std::mt19937 rng(9);
    for (std::size_t n = 12; n <= 60; ++n) {
        for (int round = 0; round < 8; ++round) {
            Bytes h = random_bytes(rng, n);
            if (round == 0) std::fill(h.begin(), h.end(), std::uint8_t{0});
            if (round == 1) std::fill(h.begin(), h.end(), std::uint8_t{0xff});
            Bytes zeroed = h;
            zeroed[10] = zeroed[11] = 0;
            INFO("length " << n << " round " << round);
            CHECK(ipv4_checksum(h) == reference_fold(reference_sum(0, zeroed)));
        }
    }
    // An all-zero header but for its checksum field: the sum is 0, the checksum 0xffff.
    Bytes h(20, 0);
    h[10] = 0x12;
    h[11] = 0x34;
    CHECK(ipv4_checksum(h) == 0xffff);
}
