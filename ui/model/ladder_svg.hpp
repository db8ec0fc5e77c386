// The ladder diagram of a whole lesson as a standalone SVG, for handouts: lifelines, one arrow
// per frame labelled with its short label (lost frames end in ✗ with the reason), state
// changes on the lifelines, times on the left. Long quiet gaps are compressed so a 1 s timeout
// does not leave a page of white. Plain C++ (ui/model): the app writes it, a test reads it.
#pragma once

#include "ui/model/session.hpp"

#include <string>

namespace wirelab::ui {

std::string ladder_svg(const Session& session);

} // namespace wirelab::ui
