// `wirelab quiz`: asks every [[quiz]] of a lesson in file order. A multiple-choice answer is
// the number printed beside a choice (counting from 1, as a person counts); `--answers`
// takes the same numbers, comma-separated, or the text of a fill-in answer. Exit codes:
// 0 the quiz was taken (whatever the score), 2 a scenario error.
#include "sim/cli/quiz_cmd.hpp"

#include "sim/scenario/scenario.hpp"

#include <algorithm>
#include <cctype>
#include <iostream>
#include <sstream>

namespace wirelab::cli {

namespace {

std::string trim(std::string s) {
    auto blank = [](unsigned char c) { return std::isspace(c) != 0; };
    s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), blank));
    s.erase(std::find_if_not(s.rbegin(), s.rend(), blank).base(), s.end());
    return s;
}

std::string lower(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::vector<std::string> split_answers(const std::string& list) {
    std::vector<std::string> out;
    std::istringstream in(list);
    for (std::string item; std::getline(in, item, ',');)
        out.push_back(trim(item));
    return out;
}

// A fill-in answer is right if it matches ignoring case and surrounding blanks.
bool right_answer(const scenario::Quiz& q, const std::string& given) {
    if (q.choices.empty()) return lower(trim(given)) == lower(trim(q.answer_text));
    try {
        std::size_t used = 0;
        int n = std::stoi(given, &used);
        return used == given.size() && n - 1 == q.answer;
    } catch (const std::exception&) {
        return false;
    }
}

struct QuizArgs {
    std::string file, answers;
};

int quiz(const QuizArgs& args) {
    auto result = scenario::load_file(args.file);
    for (const auto& e : result.errors)
        std::cerr << e.format() << "\n";
    if (!result.errors.empty() || !result.scenario) return 2;
    const auto& sc = *result.scenario;
    const bool scripted = !args.answers.empty();
    auto scripted_answers = split_answers(args.answers);

    std::cout << sc.lesson.title << " — " << sc.quizzes.size() << " question"
              << (sc.quizzes.size() == 1 ? "" : "s") << "\n";
    std::size_t score = 0;
    for (std::size_t i = 0; i < sc.quizzes.size(); ++i) {
        const auto& q = sc.quizzes[i];
        std::cout << "\n" << i + 1 << ". " << q.question << "\n";
        for (std::size_t c = 0; c < q.choices.size(); ++c)
            std::cout << "   " << c + 1 << ") " << q.choices[c] << "\n";
        std::cout << (q.choices.empty() ? "Your answer: " : "Your choice (number): ");
        std::string given;
        if (scripted) {
            if (i < scripted_answers.size()) given = scripted_answers[i];
            std::cout << given << "\n";
        } else if (!std::getline(std::cin, given)) {
            std::cout << "\n";
        }
        given = trim(given);
        const bool ok = right_answer(q, given);
        if (ok) ++score;
        std::string right = q.choices.empty() ? q.answer_text
                                              : std::to_string(q.answer + 1) + ") " +
                                                    q.choices[static_cast<std::size_t>(q.answer)];
        std::cout << (ok ? "Right." : "Wrong — the answer is " + right + ".") << "\n";
        if (!q.explain.empty()) std::cout << "   " << q.explain << "\n";
    }
    std::cout << "\nScore: " << score << "/" << sc.quizzes.size() << "\n";
    return 0;
}

} // namespace

void add_quiz_command(CLI::App& app) {
    auto args = std::make_shared<QuizArgs>();
    auto* cmd = app.add_subcommand("quiz", "Answer a lesson's quiz questions in the terminal");
    cmd->add_option("lesson", args->file, "Scenario file (TOML)")->required();
    cmd->add_option("--answers", args->answers,
                    "Scripted answers, comma-separated: choice numbers (from 1) or fill-in text");
    cmd->callback([args] { throw CLI::RuntimeError(quiz(*args)); });
}

} // namespace wirelab::cli
