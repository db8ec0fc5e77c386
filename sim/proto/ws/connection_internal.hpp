// Private to connection*.cpp: the pending-event record (offsets into the connection's arenas
// until events() turns them into views) and the state machine's inputs.
#pragma once

#include "sim/proto/ws/connection.hpp"

namespace wirelab::ws {

// Where the views of a queued event point, as offsets (arenas move when they grow); events()
// turns them into views. Kept apart from the Event so queuing writes the Event in place.
struct Connection::Pending {
    // input: the payload is in the caller's buffer (receive_data_borrowing), at address
    // `offset`.
    enum class Where : std::uint8_t { none, arena, control, fail, input };
    Where where = Where::none;
    std::size_t offset = 0; // payload (close: reason) in the arena named by `where`
    std::size_t length = 0;
};

enum class Connection::Input : std::uint8_t {
    opened,         // open(): the HTTP Upgrade completed
    close_sent,     // we queued a close frame (send_close, or the echo of the peer's close)
    close_received, // the peer's close frame arrived
    failed,         // fail(): a protocol violation or the application gave up
    eof,            // the transport ended
};

} // namespace wirelab::ws
