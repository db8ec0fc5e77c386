// Text drawing for the terminal exporters: UTF-8 code points counted as terminal columns,
// cutting with "…", word wrap, and a one-line canvas of coloured cells rendered with or
// without ANSI escapes. Used by ladder.cpp:  print_* -> Canvas::put -> Canvas::render.
#pragma once

#include <string>
#include <vector>

namespace wirelab::exporter::text {

// Splits UTF-8 text into code points (each drawn as one terminal column; the ladder uses no
// double-width characters of its own).
std::vector<std::string> code_points(const std::string& s);
int columns(const std::string& s);
// `s` cut to `max` columns, with "…" when something was cut.
std::string fit(const std::string& s, int max);
// Words of `text` in lines of at most `width` columns (a longer word is cut).
std::vector<std::string> wrap(const std::string& text, int width);

// One output line: `width` cells, each a code point with an ANSI SGR colour ("36", "1;31") or
// none. Writes outside the line are clipped.
class Canvas {
public:
    explicit Canvas(int width);
    int width() const { return static_cast<int>(cells_.size()); }
    const std::string& at(int col) const { return cells_[static_cast<std::size_t>(col)]; }
    void put(int col, const std::string& text, const char* color);
    // Trailing blanks trimmed; colour runs merged (a blank continues the run around it).
    std::string render(bool with_color) const;

private:
    std::vector<std::string> cells_;
    std::vector<const char*> colors_;
};

} // namespace wirelab::exporter::text
