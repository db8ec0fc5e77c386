// The byte inspector's model: which dissection row each byte belongs to, so hovering a byte
// in the hex dump highlights its field and hovering a field highlights its bytes (both ways,
// like Wireshark), and which layer's colour each byte takes. Fed by wire::dissect_frame's
// rows (absolute offsets), the same tables the codecs use, so the two never disagree.
#pragma once

#include "sim/wire/bytes.hpp"

#include <cstddef>
#include <vector>

namespace wirelab::ui {

// For every byte in [0, size), the index of the most specific row covering it (the deepest;
// among equals the shortest), or -1 when no row does.
std::vector<int> byte_owners(const wire::FieldTable& rows, std::size_t size);

// The row a layer header starts with (depth 0 rows when the table has them), for the tree:
// rows[i] is a child of the nearest row above it with a smaller depth; -1 for top rows.
std::vector<int> row_parents(const wire::FieldTable& rows);

// True when byte `b` lies inside rows[row].
inline bool row_covers(const wire::FieldSpan& row, std::size_t b) {
    return b >= row.offset && b < row.offset + row.length;
}

} // namespace wirelab::ui
