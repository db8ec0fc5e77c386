// Frame layer: the incremental parser, word-at-a-time masking, the frame writer and the byte
// buffer. Connection (connection.cpp) drives the parser; nothing here allocates per frame.
#include "sim/proto/ws/frame.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace wirelab::ws {

void apply_mask(std::uint8_t* dst, const std::uint8_t* src, std::size_t n, MaskKey key,
                std::size_t phase) {
    // The key as a word, rotated so that its first byte applies to src[0], then doubled.
    std::uint32_t k32;
    std::memcpy(&k32, key.data(), 4);
    const int rot = static_cast<int>(phase & 3) * 8;
    if constexpr (std::endian::native == std::endian::little) {
        k32 = std::rotr(k32, rot);
    } else {
        k32 = std::rotl(k32, rot);
    }
    const std::uint64_t k64 = (std::uint64_t{k32} << 32) | k32;
    std::uint8_t k[8];
    std::memcpy(k, &k64, 8);
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        std::uint64_t w[4];
        std::memcpy(w, src + i, 32);
        w[0] ^= k64;
        w[1] ^= k64;
        w[2] ^= k64;
        w[3] ^= k64;
        std::memcpy(dst + i, w, 32);
    }
    for (; i + 8 <= n; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, src + i, 8);
        w ^= k64;
        std::memcpy(dst + i, &w, 8);
    }
    for (; i < n; ++i)
        dst[i] = src[i] ^ k[i & 7];
}

void FrameParser::reset() {
    *this = FrameParser{};
}

FrameParser::Result FrameParser::next(wire::ByteView data) {
    Result r;
    if (failed_) {
        r.kind = Kind::error;
        r.error = error_;
        return r;
    }
    if (in_payload_) {
        const std::uint64_t left = header_.length - seen_;
        const std::size_t take =
            static_cast<std::size_t>(std::min<std::uint64_t>(left, data.size()));
        if (take == 0 && left != 0) return r; // need_more
        r.kind = Kind::payload;
        r.consumed = take;
        r.payload = data.first(take);
        r.offset = seen_;
        seen_ += take;
        r.frame_end = seen_ == header_.length;
        if (r.frame_end) in_payload_ = false;
        return r;
    }
    HeaderStatus st;
    if (buffered_ == 0) {
        // Fast path: the whole header is in the caller's buffer.
        st = wire::websocket::parse_header(data, header_);
        if (st == HeaderStatus::need_more) {
            const std::size_t n = std::min(data.size(), partial_.size());
            std::memcpy(partial_.data(), data.data(), n);
            buffered_ = n;
            r.consumed = n;
            return r;
        }
        if (st == HeaderStatus::complete) r.consumed = header_.header_size;
    } else {
        // Slow path: top up the partial header and retry; consume only the bytes that
        // belong to the header.
        const std::size_t before = buffered_;
        const std::size_t n = std::min(data.size(), partial_.size() - buffered_);
        std::memcpy(partial_.data() + buffered_, data.data(), n);
        buffered_ += n;
        st = wire::websocket::parse_header({partial_.data(), buffered_}, header_);
        if (st == HeaderStatus::need_more) {
            r.consumed = n;
            return r;
        }
        if (st == HeaderStatus::complete) r.consumed = header_.header_size - before;
        buffered_ = 0;
    }
    if (st != HeaderStatus::complete) {
        failed_ = true;
        error_ = st;
        r.kind = Kind::error;
        r.error = st;
        r.consumed = 0;
        return r;
    }
    r.kind = Kind::header;
    in_payload_ = true;
    seen_ = 0;
    return r;
}

void ByteBuffer::grow(std::size_t need) {
    std::size_t cap = std::max<std::size_t>(capacity_ * 2, 256);
    while (cap < need)
        cap *= 2;
    auto fresh = std::make_unique_for_overwrite<std::uint8_t[]>(cap);
    if (size_) std::memcpy(fresh.get(), data_.get(), size_);
    data_ = std::move(fresh);
    capacity_ = cap;
}

void ByteBuffer::erase_front(std::size_t n) {
    if (n >= size_) {
        size_ = 0;
        return;
    }
    std::memmove(data_.get(), data_.get() + n, size_ - n);
    size_ -= n;
}

void write_frame(ByteBuffer& out, FrameHeader h, wire::ByteView payload) {
    h.length = payload.size();
    const std::size_t hs = wire::websocket::header_size(h.length, h.masked);
    std::uint8_t* p = out.extend(hs + payload.size());
    wire::websocket::emit_header(h, p);
    if (payload.empty()) return;
    if (h.masked) {
        apply_mask(p + hs, payload.data(), payload.size(), h.mask, 0);
    } else {
        std::memcpy(p + hs, payload.data(), payload.size());
    }
}

} // namespace wirelab::ws
