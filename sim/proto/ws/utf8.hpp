// Incremental UTF-8 validation (RFC 3629, as RFC 6455 8.1 requires for text messages and
// close reasons). Validates a message piece by piece, across fragment and chunk boundaries,
// and reports the first invalid byte as soon as the piece carrying it arrives. ASCII runs are
// checked 32 bytes at a time; other bytes go through a shift-based DFA (one table load and
// one shift per byte, no branches on the byte's class).
#pragma once

#include "sim/wire/bytes.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace wirelab::ws {

class Utf8Validator {
public:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    // Validates the next piece. Returns npos if it is fine so far, otherwise the index in
    // `piece` of the byte that made the text invalid (the validator then stays failed).
    std::size_t feed(wire::ByteView piece);
    // True when the bytes fed so far end on a character boundary (call at message end:
    // false there means the text was truncated inside a character).
    bool complete() const { return state_ == accept_state; }
    bool failed() const { return state_ == reject_state; }
    // Bytes accepted so far (the message offset of the next piece).
    std::uint64_t position() const { return position_; }
    void reset() {
        state_ = accept_state;
        position_ = 0;
    }

    static constexpr std::uint32_t accept_state = 0;
    static constexpr std::uint32_t reject_state = 6; // shift of the reject row in the DFA

private:
    std::uint32_t state_ = accept_state;
    std::uint64_t position_ = 0;
};

// Whole-buffer check; same rules.
bool is_valid_utf8(wire::ByteView data);
inline bool is_valid_utf8(std::string_view s) {
    return is_valid_utf8(wire::ByteView{reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
}

} // namespace wirelab::ws
