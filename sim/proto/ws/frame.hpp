// The frame layer of the WebSocket engine: an incremental frame parser that hands out the
// header and then (still masked) payload pieces, word-at-a-time masking, and the frame writer.
// Pipeline: bytes -> FrameParser::next() -> Connection (validates, unmasks, reassembles).
// sans-I/O: no clock, no socket; nothing here allocates per frame.
#pragma once

#include "sim/proto/ws/byte_buffer.hpp"
#include "sim/wire/bytes.hpp"
#include "sim/wire/websocket.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace wirelab::ws {

using wire::websocket::FrameHeader;
using wire::websocket::HeaderStatus;
using wire::websocket::is_control;
using wire::websocket::is_reserved;
using wire::websocket::Opcode;
using MaskKey = std::array<std::uint8_t, 4>;

// XORs `n` bytes of `src` with `key` into `dst` (which may equal `src`), starting at byte
// `phase` (0..3) of the key: pass the payload offset of the first byte, so a frame split
// across chunks unmasks correctly. Works 8 bytes at a time.
void apply_mask(std::uint8_t* dst, const std::uint8_t* src, std::size_t n, MaskKey key,
                std::size_t phase);

// Incremental frame parser. Feed it whatever bytes arrived, any split:
//     while ((r = parser.next(rest)).kind != FrameParser::Kind::need_more) {
//         rest = rest.subspan(r.consumed); ...
//     }
// It yields Kind::header once a header is complete (look at header()), then one or more
// Kind::payload pieces (views into YOUR buffer, still masked: unmask with apply_mask(...,
// r.offset & 3)), the last one with frame_end set; a zero-length frame yields one empty
// payload piece with frame_end. After Kind::error the parser stays in error.
class FrameParser {
public:
    enum class Kind { need_more, header, payload, error };
    struct Result {
        Kind kind = Kind::need_more;
        std::size_t consumed = 0; // bytes of the input this step used
        wire::ByteView payload;   // Kind::payload: the piece, as on the wire
        std::uint64_t offset = 0; // Kind::payload: offset of the piece in the frame payload
        bool frame_end = false;   // Kind::payload: this piece completes the frame
        HeaderStatus error = HeaderStatus::complete; // Kind::error: why
    };

    Result next(wire::ByteView data);
    const FrameHeader& header() const { return header_; }
    // True between frames (no header byte or payload byte of a frame pending).
    bool at_frame_boundary() const { return !in_payload_ && buffered_ == 0; }
    void reset();

private:
    // at_frame_boundary()'s two first: a caller checks it on every chunk.
    std::size_t buffered_ = 0; // header bytes held in partial_
    bool in_payload_ = false;  // header delivered, payload pieces pending
    bool failed_ = false;
    HeaderStatus error_ = HeaderStatus::complete;
    std::uint64_t seen_ = 0; // payload bytes handed out for the current frame
    FrameHeader header_{};
    std::array<std::uint8_t, wire::websocket::max_header_size> partial_{};
};

// Appends one frame to `out`: header (minimal length form) then the payload, masked with
// h.mask when h.masked (clients MUST mask, servers MUST NOT: RFC 6455 5.1). h.length is
// overwritten with payload.size().
void write_frame(ByteBuffer& out, FrameHeader h, wire::ByteView payload);

} // namespace wirelab::ws
