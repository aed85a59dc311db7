// A program run as a child process and driven from outside: its stdout on a
// pipe, read line by line (a service announces "NAME listening on
// http://HOST:PORT" there), its stdin and stderr too when asked; stopped with
// SIGTERM and a deadline, past which it is killed. Every way out reaps it, so
// that no zombie is left. It inherits no descriptor of ours but its three
// standard streams (a service must not keep a test's or the launcher's
// sockets open). The launcher starts the services with it; the tests
// start the executables they drive (tests/domain, tests/interop).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace domain {

struct ChildProcessOptions {
  // A pipe to its stdin (WriteStdin, CloseStdin); else it shares ours. The
  // caller then ignores SIGPIPE: a child that exits before reading its stdin
  // makes WriteStdin false rather than end the caller.
  bool pipe_stdin = false;
  // A pipe from its stderr, which Finish() returns; else it shares ours, and
  // its diagnostics land where the caller's go.
  bool capture_stderr = false;
  // A process group of its own: a terminal's Ctrl-C then reaches the caller
  // only, which stops its children in the order it chooses.
  bool own_process_group = false;
  // SIGTERM when the thread that started it ends, the caller killed or not, so
  // that it never outlives its supervisor.
  bool terminate_with_parent = false;
};

class ChildProcess {
 public:
  // What a process run to its end printed, and how it ended.
  struct Outcome {
    // As a shell reports it (128 + the signal that ended it); nullopt when it
    // outlived the deadline and was killed.
    std::optional<int> exit_code;
    std::string out;
    std::string err;  // with capture_stderr

    // "exit 0", "exit 137", "timed out (killed)": for failure messages.
    std::string Describe() const;
  };

  // Starts argv[0] (a path: PATH is not searched) with no signal blocked and
  // SIGPIPE at its default, as a shell would. Throws std::runtime_error
  // ("cannot run PATH: reason") when it cannot be started.
  explicit ChildProcess(const std::vector<std::string>& argv, ChildProcessOptions options = {});
  // Kills (SIGKILL) a child still running, and reaps it.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // -1 once reaped.
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

  // The read end of its stdout, to poll beside other descriptors; -1 once the
  // output has ended.
  int stdout_fd() const { return stdout_fd_; }
  // The complete lines of stdout that have arrived, without waiting; once the
  // output has ended, its unterminated rest too.
  std::vector<std::string> ReadLines();
  // The next line of stdout (without '\n'); nullopt once the output has ended
  // or after `timeout`.
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout);

  // With pipe_stdin: writes all of `data`; false if the child closed its stdin.
  bool WriteStdin(std::string_view data) const;
  void CloseStdin();

  void Signal(int signal) const;
  // Its exit code (as in Outcome) once it has exited, reaping it; nullopt while
  // it runs. Never waits.
  std::optional<int> Reap();
  // SIGTERM, then its exit code once it has exited; nullopt if it did not exit
  // within `timeout` and was killed. Its stdout meanwhile is kept for
  // ReadLines(), so that it never blocks on a full pipe.
  std::optional<int> Stop(std::chrono::milliseconds timeout);
  // Closes its stdin (which asks a well-behaved filter to finish), then waits
  // for its exit, collecting stdout and stderr, all within `timeout`; past it
  // the child is killed.
  Outcome Finish(std::chrono::milliseconds timeout);

 private:
  using Clock = std::chrono::steady_clock;

  // Moves what stdout and stderr hold into their buffers, without waiting.
  void ReadPipes();
  // Until the child exits (true, reaped) or `deadline` (false), reading its pipes.
  bool WaitForExit(Clock::time_point deadline);
  // SIGKILL, and reaps it.
  void Kill();
  void Reaped(int wait_status);

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  int pidfd_ = -1;             // readable once the child has exited
  std::string stdout_buffer_;  // read but not yet taken
  std::string stderr_buffer_;
};

}  // namespace domain
