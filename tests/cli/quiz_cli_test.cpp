// `wirelab quiz LESSON` as a student runs it: answers piped into stdin, or given with
// --answers; right/wrong with the explanation, then the score, exit code 0.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace {

struct Shell {
    int status = -1;
    std::string out;
};

// Runs `command` with /bin/sh (so a test can pipe into it) and collects its stdout.
Shell shell(const std::string& command) {
    Shell r;
    FILE* p = popen(command.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;)
        r.out.append(buf, n);
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

const std::string lesson = WIRELAB_SOURCE_DIR "/scenarios/tcp-handshake.toml";

std::size_t count(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1))
        ++n;
    return n;
}

} // namespace

TEST_CASE("quiz reads answers from a pipe and scores them", "[cli][quiz]") {
    // tcp-handshake: question 1 is right with choice 2 (SYN and ACK), question 2 with 2 (Three).
    auto r = shell(std::string("printf '2\\n2\\n' | ") + WIRELAB_EXE + " quiz " + lesson);
    CHECK(r.status == 0);
    CHECK(r.out.find("1. Which flags does the server's answer to a SYN carry?") !=
          std::string::npos);
    CHECK(r.out.find("   2) SYN and ACK") != std::string::npos);
    CHECK(count(r.out, "Right.") == 2);
    CHECK(r.out.find("SYN, SYN-ACK and ACK: the three-way handshake.") != std::string::npos);
    CHECK(r.out.find("Score: 2/2") != std::string::npos);
}

TEST_CASE("quiz says what was wrong and still shows the explanation", "[cli][quiz]") {
    auto r = shell(std::string("printf '1\\n2\\n' | ") + WIRELAB_EXE + " quiz " + lesson);
    CHECK(r.status == 0);
    CHECK(r.out.find("Wrong — the answer is 2) SYN and ACK.") != std::string::npos);
    CHECK(r.out.find("It acknowledges the client's SYN (ACK)") != std::string::npos);
    CHECK(r.out.find("Score: 1/2") != std::string::npos);
}

TEST_CASE("quiz --answers scripts the answers and ignores stdin", "[cli][quiz]") {
    auto r =
        shell(std::string("printf '' | ") + WIRELAB_EXE + " quiz " + lesson + " --answers 2,1");
    CHECK(r.status == 0);
    CHECK(count(r.out, "Right.") == 1);
    CHECK(count(r.out, "Wrong") == 1);
    CHECK(r.out.find("Score: 1/2") != std::string::npos);
}

TEST_CASE("quiz counts an unanswered question (end of input) as wrong", "[cli][quiz]") {
    auto r = shell(std::string("printf '2\\n' | ") + WIRELAB_EXE + " quiz " + lesson);
    CHECK(r.status == 0);
    CHECK(r.out.find("Score: 1/2") != std::string::npos);
}

TEST_CASE("quiz checks a fill-in answer ignoring case and blanks", "[cli][quiz]") {
    const std::string file = WIRELAB_BINARY_DIR "/quiz_fill_in.toml";
    FILE* f = std::fopen(file.c_str(), "w");
    REQUIRE(f != nullptr);
    std::fputs("[lesson]\ntitle = \"Fill in\"\n[[host]]\nname = \"a\"\nip = \"10.0.0.1/24\"\n"
               "[[quiz]]\nafter = \"end\"\nquestion = \"WebSockets let the server send "
               "without first receiving a ____.\"\nanswer_text = \"request\"\n"
               "explain = \"No request needed.\"\n",
               f);
    std::fclose(f);
    auto r = shell(std::string("printf '  Request \\n' | ") + WIRELAB_EXE + " quiz " + file);
    CHECK(r.status == 0);
    CHECK(r.out.find("Your answer: ") != std::string::npos);
    CHECK(r.out.find("Right.") != std::string::npos);
    CHECK(r.out.find("Score: 1/1") != std::string::npos);
    auto w = shell(std::string("printf 'response\\n' | ") + WIRELAB_EXE + " quiz " + file);
    CHECK(w.out.find("Wrong — the answer is request.") != std::string::npos);
}

TEST_CASE("quiz on a broken lesson exits 2 with the error", "[cli][quiz]") {
    auto r = shell(std::string(WIRELAB_EXE) + " quiz /nonexistent/lesson.toml 2>/dev/null");
    CHECK(r.status == 2);
}
