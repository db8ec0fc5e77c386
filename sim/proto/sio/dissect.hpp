// Engine.IO / Socket.IO in the byte inspector: field rows for the text a WebSocket text frame
// carries, the same wire::FieldTable the other codecs fill, so the studio's hex view can light
// the type digit, the namespace, the ack id, the event name and each argument.
//   wire::dissect_frame / dissect_stream_payload (WebSocket frame rows, "Payload" row)
//   -> add_socketio_rows: each text frame's payload, unmasked -> dissect_text -> rows
//      (Engine.IO packet, layer 5; Socket.IO packet, layer 7; its JSON data, layer 6)
// Sans-I/O and allocation-light; never throws, never reads out of bounds.
#pragma once

#include "sim/wire/bytes.hpp"
#include "sim/wire/dissect.hpp"

#include <cstdint>
#include <string_view>

namespace wirelab::sio {

// Rows for one Engine.IO packet as a WebSocket text frame carries it, offsets relative to
// `text`. For `42/admin,3["chat","hi"]`:
//   row                              offset+length  layer  depth
//   Engine.IO packet: message          0+23           5      0
//     Type: 4 (message)                0+1            5      1
//   Socket.IO packet: EVENT            1+22           7      0
//     Type: 2 (EVENT)                  1+1            7      1
//     Namespace: /admin                2+7 ("/admin," with the comma that ends it)
//     Ack id: 3                        9+1            7      1
//     Data (JSON): ["chat","hi"]       10+13          6      1
//       Event name: chat               11+6 ("chat" with its quotes)  7  2
//       Argument 1: "hi"               18+4           7      2
// (BINARY_* packets add "Attachments"; an ACK's data rows are its arguments.) A text that is
// not an Engine.IO packet gives no rows; a malformed Socket.IO packet, one row saying so.
wire::FieldTable dissect_text(std::string_view text);

// Adds dissect_text's rows after the payload row of each complete, unfragmented WebSocket
// text frame found in `d` (rows as wire::dissect_frame or dissect_stream_payload make them,
// over `bytes`), unmasking a client's payload first; the offsets stay those of `bytes`, so the
// rows light the (masked) bytes that carry each field. An HTTP "Body" row (long-polling)
// gets the rows of each Engine.IO packet in it (joined by 0x1e). Returns true if it added any.
bool add_socketio_rows(wire::ByteView bytes, wire::Dissection& d);

} // namespace wirelab::sio
