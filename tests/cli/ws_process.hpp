// Child processes for the `wirelab ws` tests: fork/exec with stdout on a pipe read with
// deadlines, stdin and stderr from/to files, and a kill on every exit path so a failing test
// never leaves a server running.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace wstest {

inline std::string wirelab_exe() {
    if (const char* e = std::getenv("WIRELAB_EXE")) return e; // run against another build
    return WIRELAB_EXE;
}
inline std::string python() {
    return "/usr/bin/python3";
}
inline std::string peer_script() {
    return std::string(WIRELAB_SOURCE_DIR) + "/tests/cli/ws_peer.py";
}

// A fresh directory under /tmp for one test's files.
inline std::string temp_dir() {
    char tmpl[] = "/tmp/wirelab-ws-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    return tmpl;
}

// temp_dir() removed with everything in it when the test is done.
struct TempDir {
    std::string path = temp_dir();
    TempDir() = default;
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    std::string operator+(const char* name) const { return path + name; }
};

class Child {
public:
    Child(const std::vector<std::string>& argv, const std::string& stdin_path = "/dev/null",
          const std::string& stderr_path = "/dev/null") {
        int fds[2];
        if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
        pid_ = fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            int in = open(stdin_path.c_str(), O_RDONLY);
            int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            dup2(in, 0);
            dup2(fds[1], 1);
            dup2(err, 2);
            close(fds[0]);
            std::vector<char*> args;
            for (const auto& a : argv)
                args.push_back(const_cast<char*>(a.c_str()));
            args.push_back(nullptr);
            execv(args[0], args.data());
            _exit(127);
        }
        close(fds[1]);
        out_ = fds[0];
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        if (out_ >= 0) close(out_);
    }

    // One stdout line (without '\n'), or nullopt at EOF or when the deadline passes.
    std::optional<std::string> read_line(double seconds) {
        auto deadline = after(seconds);
        for (;;) {
            if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
                std::string line = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                return line;
            }
            if (!fill(deadline)) return std::nullopt;
        }
    }
    // Everything up to EOF (empty optional if the deadline passed first).
    std::optional<std::string> read_all(double seconds) {
        auto deadline = after(seconds);
        while (!eof_)
            if (!fill(deadline) && !eof_) return std::nullopt;
        return std::exchange(buffer_, {});
    }
    // The exit status; -1 if it had to be killed at the deadline.
    int wait(double seconds) {
        auto deadline = after(seconds);
        int status = 0;
        while (clock::now() < deadline) {
            pid_t r = waitpid(pid_, &status, WNOHANG);
            if (r == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            usleep(10000);
        }
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
        return -1;
    }
    void terminate() {
        if (pid_ > 0) kill(pid_, SIGTERM);
    }

private:
    using clock = std::chrono::steady_clock;
    static clock::time_point after(double seconds) {
        return clock::now() +
               std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(seconds));
    }
    bool fill(clock::time_point deadline) {
        if (eof_) return false;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
        if (left.count() <= 0) return false;
        pollfd p{out_, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        char buf[65536];
        ssize_t n = read(out_, buf, sizeof buf);
        if (n <= 0) {
            eof_ = true;
            return false;
        }
        buffer_.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    pid_t pid_ = -1;
    int out_ = -1;
    bool eof_ = false;
    std::string buffer_;
};

struct RunResult {
    int status = -1;
    std::string out;
};

// Runs a command to completion (killed after `seconds`), stdin from a string.
inline RunResult run(const std::vector<std::string>& argv, const std::string& input = {},
                     double seconds = 30, const std::string& stderr_path = "/dev/null") {
    std::string in_path = "/dev/null";
    std::string dir;
    if (!input.empty()) {
        dir = temp_dir();
        in_path = dir + "/stdin";
        int fd = open(in_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (write(fd, input.data(), input.size()) != static_cast<ssize_t>(input.size()))
            throw std::runtime_error("write failed");
        close(fd);
    }
    Child child{argv, in_path, stderr_path};
    RunResult r;
    r.out = child.read_all(seconds).value_or("<timed out>");
    r.status = child.wait(seconds);
    if (!dir.empty()) {
        unlink(in_path.c_str());
        rmdir(dir.c_str());
    }
    return r;
}

// The port from a "listening on ws://127.0.0.1:PORT" line.
inline int port_of(const std::string& line) {
    auto colon = line.rfind(':');
    if (line.rfind("listening on ws://", 0) != 0 || colon == std::string::npos) return 0;
    return std::stoi(line.substr(colon + 1));
}

} // namespace wstest
