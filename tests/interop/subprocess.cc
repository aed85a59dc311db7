#include "subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

// POSIX leaves declaring environ to the program; glibc declares it too.
extern char** environ;  // NOLINT(readability-redundant-declaration)

namespace twirp::interop {
namespace {

using Clock = std::chrono::steady_clock;

int MillisLeft(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Reads what is available from `fd` into `out`; closes `fd` at EOF.
void Drain(int& fd, std::string& out) {
  char buffer[16384];
  const ssize_t n = ::read(fd, buffer, sizeof buffer);
  if (n > 0) {
    out.append(buffer, static_cast<std::size_t>(n));
  } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
    CloseFd(fd);
  }
}

}  // namespace

std::string Subprocess::Outcome::Describe() const {
  if (timed_out) return "timed out (killed)";
  if (exited) return "exit " + std::to_string(exit_code);
  return "signal " + std::to_string(signal);
}

Subprocess::Subprocess(const std::vector<std::string>& argv, bool inherit_stderr) {
  // A child that exits before reading its stdin must not kill the test with SIGPIPE.
  ::signal(SIGPIPE, SIG_IGN);

  int in[2];
  int out[2];
  int err[2] = {-1, -1};
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
      (!inherit_stderr && ::pipe2(err, O_CLOEXEC) != 0)) {
    throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  if (!inherit_stderr) posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const int rc = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);

  ::close(in[0]);
  ::close(out[1]);
  if (!inherit_stderr) ::close(err[1]);
  stdin_fd_ = in[1];
  stdout_fd_ = out[0];
  stderr_fd_ = err[0];
  if (rc != 0) {
    CloseFd(stdin_fd_);
    CloseFd(stdout_fd_);
    CloseFd(stderr_fd_);
    reaped_ = true;
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  // Through syscall(): glibc 2.36's <sys/pidfd.h> lacks extern "C" for C++.
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  ::fcntl(stdout_fd_, F_SETFL, O_NONBLOCK);
  if (stderr_fd_ >= 0) ::fcntl(stderr_fd_, F_SETFL, O_NONBLOCK);
}

Subprocess::~Subprocess() {
  if (!reaped_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  CloseFd(stdin_fd_);
  CloseFd(stdout_fd_);
  CloseFd(stderr_fd_);
  CloseFd(pidfd_);
}

bool Subprocess::WriteStdin(std::string_view data) const {
  while (!data.empty()) {
    const ssize_t n = ::write(stdin_fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void Subprocess::CloseStdin() { CloseFd(stdin_fd_); }

std::optional<std::string> Subprocess::ReadLine(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (const auto newline = stdout_buffer_.find('\n'); newline != std::string::npos) {
      std::string line = stdout_buffer_.substr(0, newline);
      stdout_buffer_.erase(0, newline + 1);
      return line;
    }
    if (stdout_fd_ < 0) return std::nullopt;
    pollfd fd{stdout_fd_, POLLIN, 0};
    const int ready = ::poll(&fd, 1, MillisLeft(deadline));
    if (ready == 0) return std::nullopt;
    if (ready > 0) Drain(stdout_fd_, stdout_buffer_);
  }
}

bool Subprocess::Reap(Clock::time_point deadline, Outcome& outcome) {
  for (;;) {
    // A pidfd becomes readable when the child exits. Without one (kernels before
    // 5.3) poll waitpid briefly instead.
    if (pidfd_ >= 0) {
      pollfd fd{pidfd_, POLLIN, 0};
      ::poll(&fd, 1, MillisLeft(deadline));
    }
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      reaped_ = true;
      outcome.exited = WIFEXITED(status);
      outcome.exit_code = outcome.exited ? WEXITSTATUS(status) : -1;
      outcome.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
      return true;
    }
    if (Clock::now() >= deadline) return false;
    if (pidfd_ < 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

Subprocess::Outcome Subprocess::Finish(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  Outcome outcome;
  CloseStdin();
  outcome.out = std::move(stdout_buffer_);
  stdout_buffer_.clear();
  while (stdout_fd_ >= 0 || stderr_fd_ >= 0) {
    pollfd fds[2];
    nfds_t count = 0;
    if (stdout_fd_ >= 0) fds[count++] = {stdout_fd_, POLLIN, 0};
    if (stderr_fd_ >= 0) fds[count++] = {stderr_fd_, POLLIN, 0};
    const int ready = ::poll(fds, count, MillisLeft(deadline));
    if (ready == 0) break;
    if (ready < 0) continue;
    for (nfds_t i = 0; i < count; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == stdout_fd_) Drain(stdout_fd_, outcome.out);
      else Drain(stderr_fd_, outcome.err);
    }
  }
  if (!Reap(deadline, outcome)) {
    outcome.timed_out = true;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    reaped_ = true;
  }
  return outcome;
}

void Subprocess::Stop(std::chrono::milliseconds grace) {
  if (reaped_) return;
  ::kill(pid_, SIGTERM);
  Outcome ignored;
  if (!Reap(Clock::now() + grace, ignored)) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    reaped_ = true;
  }
}

Subprocess::Outcome RunProcess(const std::vector<std::string>& argv, std::string_view input,
                               std::chrono::milliseconds timeout) {
  Subprocess process(argv);
  process.WriteStdin(input);
  return process.Finish(timeout);
}

}  // namespace twirp::interop
