// Quiz answer checking (see quiz.hpp).
#include "ui/model/quiz.hpp"

#include <algorithm>
#include <cctype>

namespace wirelab::ui {

namespace {

std::string_view trim(std::string_view s) {
    const auto not_space = [](char c) { return !std::isspace(static_cast<unsigned char>(c)); };
    const auto b = std::find_if(s.begin(), s.end(), not_space);
    const auto e = std::find_if(s.rbegin(), s.rend(), not_space).base();
    return b < e ? std::string_view(&*b, static_cast<std::size_t>(e - b)) : std::string_view{};
}

bool words_only(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalpha(static_cast<unsigned char>(c)) || c == ' ' || c == '-';
    });
}

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

} // namespace

bool answer_is_right(const scenario::Quiz& quiz, int choice, std::string_view typed) {
    if (!quiz.choices.empty()) return choice >= 0 && choice == quiz.answer;
    const std::string_view want = trim(quiz.answer_text), got = trim(typed);
    if (want.empty() || got.empty()) return false;
    return got == want || (words_only(want) && iequal(got, want));
}

} // namespace wirelab::ui
