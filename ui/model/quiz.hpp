// Checking a learner's answer to a lesson quiz: a choice index, or typed text for a quiz with
// `answer_text` (scenarios/README.md). Plain C++ so the rule is unit-tested.
#pragma once

#include "sim/scenario/scenario.hpp"

#include <string_view>

namespace wirelab::ui {

// True when `choice` is the quiz's answer (choice quizzes), or when `typed`, trimmed, equals its
// answer_text: exactly, or ignoring case when the answer is made of words only (a base64 value
// or a hex string must match exactly; "three" may be typed "Three").
bool answer_is_right(const scenario::Quiz& quiz, int choice, std::string_view typed);

} // namespace wirelab::ui
