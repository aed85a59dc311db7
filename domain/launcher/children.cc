#include "children.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <utility>

namespace launcher {

namespace {

int ExitCode(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

std::optional<Child> Child::Spawn(std::string name, const std::vector<std::string>& argv,
                                  std::string& error) {
  int out[2];
  int exec_error[2];  // the child writes errno here if exec fails; closes on exec
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(exec_error, O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    return std::nullopt;
  }
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t launcher_pid = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    for (int fd : {out[0], out[1], exec_error[0], exec_error[1]}) close(fd);
    return std::nullopt;
  }
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != launcher_pid) _exit(127);  // the launcher is already gone
    // Its own process group: a terminal's Ctrl-C reaches the launcher only,
    // which stops the children in order.
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(out[1], STDOUT_FILENO);
    execv(args[0], args.data());
    const int code = errno;
    (void)!write(exec_error[1], &code, sizeof code);
    _exit(127);
  }
  close(out[1]);
  close(exec_error[1]);
  int code = 0;
  ssize_t n;
  do {
    n = read(exec_error[0], &code, sizeof code);
  } while (n < 0 && errno == EINTR);
  close(exec_error[0]);
  Child child(std::move(name), pid, out[0]);
  if (n == sizeof code) {
    error = "cannot run " + argv[0] + ": " + std::strerror(code);
    return std::nullopt;  // ~Child reaps it
  }
  fcntl(child.out_, F_SETFL, fcntl(child.out_, F_GETFL) | O_NONBLOCK);
  return child;
}

Child::Child(Child&& other) noexcept
    : name_(std::move(other.name_)),
      pid_(std::exchange(other.pid_, -1)),
      out_(std::exchange(other.out_, -1)),
      buffer_(std::move(other.buffer_)) {}

Child::~Child() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_ >= 0) close(out_);
}

std::vector<std::string> Child::ReadLines(bool& eof) {
  eof = false;
  std::vector<std::string> lines;
  if (out_ < 0) {
    eof = true;
    return lines;
  }
  char chunk[4096];
  while (true) {
    const ssize_t n = read(out_, chunk, sizeof chunk);
    if (n > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
      eof = true;
      close(out_);
      out_ = -1;
    }
    break;
  }
  std::size_t newline;
  while ((newline = buffer_.find('\n')) != std::string::npos) {
    lines.push_back(buffer_.substr(0, newline));
    buffer_.erase(0, newline + 1);
  }
  if (eof && !buffer_.empty()) lines.push_back(std::exchange(buffer_, {}));
  return lines;
}

std::optional<int> Child::Reap() {
  if (pid_ <= 0) return std::nullopt;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return std::nullopt;
  pid_ = -1;
  return ExitCode(status);
}

void Child::Signal(int signal) const {
  if (pid_ > 0) kill(pid_, signal);
}

int Child::Stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return 0;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (true) {
    bool eof = false;
    for (const std::string& line : ReadLines(eof)) std::cerr << line << "\n";
    if (auto code = Reap()) return *code;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    if (out_ >= 0) {
      // Wakes when the child prints or exits (its stdout closes).
      pollfd pfd{out_, POLLIN, 0};
      poll(&pfd, 1, static_cast<int>(std::min<long>(left.count(), 50)));
    } else {
      // Its stdout is closed already: the exit is imminent.
      usleep(10'000);
    }
  }
  std::cerr << "reference-system: " << name_ << " did not stop within " << grace.count()
            << " ms; killing it\n";
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return ExitCode(status);
}

}  // namespace launcher
