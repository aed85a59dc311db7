#include "process/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace domain {

namespace {

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// Both ends of a pipe, closed unless taken.
struct Pipe {
  int read = -1;
  int write = -1;

  Pipe() = default;
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  ~Pipe() {
    CloseFd(read);
    CloseFd(write);
  }
  void Open() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    }
    read = fds[0];
    write = fds[1];
  }
};

// Appends what `fd` holds to `into` without waiting; closes `fd` at the end of
// the output (or on an error, which ends it too).
void ReadAvailable(int& fd, std::string& into) {
  char chunk[16384];
  while (fd >= 0) {
    const ssize_t n = read(fd, chunk, sizeof chunk);
    if (n > 0) {
      into.append(chunk, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return;
    } else {
      CloseFd(fd);
    }
  }
}

std::optional<std::string> TakeLine(std::string& buffer, bool output_ended) {
  const auto newline = buffer.find('\n');
  if (newline == std::string::npos) {
    if (!output_ended || buffer.empty()) return std::nullopt;
    return std::exchange(buffer, {});
  }
  std::string line = buffer.substr(0, newline);
  buffer.erase(0, newline + 1);
  return line;
}

// Rounded up, so that a wait never ends before its deadline.
int MillisLeft(std::chrono::steady_clock::time_point deadline) {
  const auto left =
      std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::clamp<long long>(left.count(), 0, 1'000'000'000));
}

// In the child, between fork and exec: only async-signal-safe calls, since
// another thread of the parent may have held a lock (malloc's) at the fork.
// Marks every descriptor above stderr close-on-exec, so that the child gets its
// three standard streams and nothing else of ours: sockets are not opened
// close-on-exec by Asio, and a child holding a copy of a listening socket keeps
// it listening after its owner closed it (docs/domain-rules.md, "Faults between
// tiers"). The exec_error pipe stays usable until the exec. `max_fd`, for the
// kernels without close_range, is taken before the fork.
void CloseInheritedOnExec(int max_fd) {
  if (close_range(STDERR_FILENO + 1, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  for (int fd = STDERR_FILENO + 1; fd < max_fd; ++fd) fcntl(fd, F_SETFD, FD_CLOEXEC);
}

[[noreturn]] void ExecChild(char* const* args, const ChildProcessOptions& options, pid_t parent,
                            int max_fd, int stdin_fd, int stdout_fd, int stderr_fd,
                            int exec_error) {
  if (options.terminate_with_parent) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);  // the parent is gone already
  }
  if (options.own_process_group) setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);
  if ((stdin_fd < 0 || dup2(stdin_fd, STDIN_FILENO) >= 0) && dup2(stdout_fd, STDOUT_FILENO) >= 0 &&
      (stderr_fd < 0 || dup2(stderr_fd, STDERR_FILENO) >= 0)) {
    CloseInheritedOnExec(max_fd);
    execv(args[0], args);
  }
  const int code = errno;
  // Should this write fail too, the parent still sees the exit status 127.
  [[maybe_unused]] const ssize_t written = write(exec_error, &code, sizeof code);
  _exit(127);
}

}  // namespace

std::string ChildProcess::Outcome::Describe() const {
  return exit_code ? "exit " + std::to_string(*exit_code) : "timed out (killed)";
}

// fork and exec rather than posix_spawn: posix_spawn cannot ask for
// PR_SET_PDEATHSIG (terminate_with_parent), which must be set in the child.
ChildProcess::ChildProcess(const std::vector<std::string>& argv, ChildProcessOptions options) {
  if (argv.empty()) throw std::invalid_argument("ChildProcess: empty argv");
  if (options.pipe_stdin) signal(SIGPIPE, SIG_IGN);

  Pipe in;
  Pipe out;
  Pipe err;
  Pipe exec_error;  // errno if exec fails; closed by a successful exec
  if (options.pipe_stdin) in.Open();
  out.Open();
  if (options.capture_stderr) err.Open();
  exec_error.Open();
  // Built before the fork: the child must not allocate.
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  const pid_t parent = getpid();
  const int max_fd = static_cast<int>(std::clamp(sysconf(_SC_OPEN_MAX), 256L, 65536L));
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ExecChild(args.data(), options, parent, max_fd, in.read, out.write, err.write,
              exec_error.write);
  }

  CloseFd(exec_error.write);
  int code = 0;
  ssize_t n;
  do {
    n = read(exec_error.read, &code, sizeof code);
  } while (n < 0 && errno == EINTR);
  if (n == sizeof code) {
    waitpid(pid, nullptr, 0);
    throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(code));
  }
  pid_ = pid;
  stdin_fd_ = std::exchange(in.write, -1);
  stdout_fd_ = std::exchange(out.read, -1);
  stderr_fd_ = std::exchange(err.read, -1);
  for (const int fd : {stdout_fd_, stderr_fd_}) {
    if (fd >= 0) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  }
  // Through syscall(): glibc 2.36's <sys/pidfd.h> lacks extern "C" for C++.
  // Without one (kernels before 5.3) WaitForExit looks for the exit every 10 ms.
  pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) Kill();
  CloseFd(stdin_fd_);
  CloseFd(stdout_fd_);
  CloseFd(stderr_fd_);
  CloseFd(pidfd_);
}

std::vector<std::string> ChildProcess::ReadLines() {
  ReadPipes();
  std::vector<std::string> lines;
  while (auto line = TakeLine(stdout_buffer_, stdout_fd_ < 0)) lines.push_back(std::move(*line));
  return lines;
}

std::optional<std::string> ChildProcess::ReadLine(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    if (auto line = TakeLine(stdout_buffer_, stdout_fd_ < 0)) return line;
    if (stdout_fd_ < 0) return std::nullopt;
    pollfd fd{stdout_fd_, POLLIN, 0};
    if (poll(&fd, 1, MillisLeft(deadline)) == 0) return std::nullopt;
    ReadPipes();
  }
}

bool ChildProcess::WriteStdin(std::string_view data) const {
  while (!data.empty()) {
    const ssize_t n = write(stdin_fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void ChildProcess::CloseStdin() { CloseFd(stdin_fd_); }

void ChildProcess::Signal(int signal) const {
  if (pid_ > 0) kill(pid_, signal);
}

std::optional<int> ChildProcess::Reap() {
  int status = 0;
  if (pid_ > 0 && waitpid(pid_, &status, WNOHANG) == pid_) Reaped(status);
  return exit_code_;
}

std::optional<int> ChildProcess::Stop(std::chrono::milliseconds timeout) {
  Signal(SIGTERM);
  if (WaitForExit(Clock::now() + timeout)) return exit_code_;
  Kill();
  return std::nullopt;
}

ChildProcess::Outcome ChildProcess::Finish(std::chrono::milliseconds timeout) {
  CloseStdin();
  Outcome outcome;
  if (WaitForExit(Clock::now() + timeout)) {
    outcome.exit_code = exit_code_;
  } else {
    Kill();
  }
  ReadPipes();  // what it wrote just before it exited
  outcome.out = std::exchange(stdout_buffer_, {});
  outcome.err = std::exchange(stderr_buffer_, {});
  return outcome;
}

void ChildProcess::ReadPipes() {
  ReadAvailable(stdout_fd_, stdout_buffer_);
  ReadAvailable(stderr_fd_, stderr_buffer_);
}

bool ChildProcess::WaitForExit(Clock::time_point deadline) {
  while (!Reap()) {
    const int left = MillisLeft(deadline);
    if (left == 0) return false;
    pollfd fds[3];
    nfds_t count = 0;
    for (const int fd : {pidfd_, stdout_fd_, stderr_fd_}) {
      if (fd >= 0) fds[count++] = {fd, POLLIN, 0};
    }
    poll(fds, count, pidfd_ >= 0 ? left : std::min(left, 10));
    ReadPipes();
  }
  return true;
}

void ChildProcess::Kill() {
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  Reaped(status);
}

void ChildProcess::Reaped(int wait_status) {
  pid_ = -1;
  exit_code_ = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

}  // namespace domain
