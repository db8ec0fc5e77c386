// Byte ownership and the row tree (see inspector_model.hpp).
#include "ui/model/inspector_model.hpp"

namespace wirelab::ui {

std::vector<int> byte_owners(const wire::FieldTable& rows, std::size_t size) {
    std::vector<int> owner(size, -1);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        for (std::size_t b = r.offset; b < r.offset + r.length && b < size; ++b) {
            const int cur = owner[b];
            if (cur < 0) {
                owner[b] = static_cast<int>(i);
                continue;
            }
            const auto& c = rows[static_cast<std::size_t>(cur)];
            if (r.depth > c.depth || (r.depth == c.depth && r.length < c.length))
                owner[b] = static_cast<int>(i);
        }
    }
    return owner;
}

std::vector<int> row_parents(const wire::FieldTable& rows) {
    std::vector<int> parent(rows.size(), -1);
    std::vector<int> stack; // open rows by increasing depth
    for (std::size_t i = 0; i < rows.size(); ++i) {
        while (!stack.empty() &&
               rows[static_cast<std::size_t>(stack.back())].depth >= rows[i].depth)
            stack.pop_back();
        parent[i] = stack.empty() ? -1 : stack.back();
        stack.push_back(static_cast<int>(i));
    }
    return parent;
}

} // namespace wirelab::ui
