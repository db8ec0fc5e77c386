// Text drawing for the terminal exporters (see text_canvas.hpp).
#include "sim/export/text_canvas.hpp"

#include <sstream>

namespace wirelab::exporter::text {

std::vector<std::string> code_points(const std::string& s) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = 1;
        while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80)
            ++n;
        out.push_back(s.substr(i, n));
        i += n;
    }
    return out;
}

int columns(const std::string& s) {
    return static_cast<int>(code_points(s).size());
}

std::string fit(const std::string& s, int max) {
    if (max <= 0) return {};
    auto cps = code_points(s);
    if (static_cast<int>(cps.size()) <= max) return s;
    std::string out;
    for (int i = 0; i < max - 1; ++i)
        out += cps[static_cast<std::size_t>(i)];
    return out + "…";
}

std::vector<std::string> wrap(const std::string& text, int width) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string word, line;
    while (in >> word) {
        if (!line.empty() && columns(line) + 1 + columns(word) > width) {
            lines.push_back(line);
            line.clear();
        }
        if (!line.empty()) line += ' ';
        line += fit(word, width);
    }
    if (!line.empty() || lines.empty()) lines.push_back(line);
    return lines;
}

Canvas::Canvas(int width) : cells_(static_cast<std::size_t>(width), " "), colors_(cells_.size()) {}

void Canvas::put(int col, const std::string& text, const char* color) {
    for (const auto& cp : code_points(text)) {
        if (col >= 0 && col < width()) {
            cells_[static_cast<std::size_t>(col)] = cp;
            colors_[static_cast<std::size_t>(col)] = color;
        }
        ++col;
    }
}

std::string Canvas::render(bool with_color) const {
    std::size_t end = cells_.size();
    while (end > 0 && cells_[end - 1] == " ")
        --end;
    std::string out;
    const char* current = nullptr;
    for (std::size_t i = 0; i < end; ++i) {
        const char* c = cells_[i] == " " ? current : colors_[i];
        if (with_color && c != current) {
            if (current) out += "\x1b[0m";
            if (c) out += std::string("\x1b[") + c + "m";
            current = c;
        }
        out += cells_[i];
    }
    if (with_color && current) out += "\x1b[0m";
    return out;
}

} // namespace wirelab::exporter::text
