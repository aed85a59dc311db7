// Child processes for the interop tests: the peers' servers and clients run as
// separate programs (node, twirpcpp-clientcompat), driven through pipes, each
// wait bounded by a deadline, and killed when the test is done with them.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace twirp::interop {

class Subprocess {
 public:
  struct Outcome {
    bool timed_out = false;  // killed at the deadline
    bool exited = false;     // exited normally (else killed by a signal)
    int exit_code = -1;
    int signal = 0;
    std::string out;
    std::string err;

    // "exit 0", "signal 9", "timed out": for failure messages.
    std::string Describe() const;
  };

  // Starts `argv` (argv[0] an absolute path) with stdin and stdout piped; stderr
  // is piped too unless `inherit_stderr`, where the child's diagnostics go to the
  // test's own stderr (and so into ctest's output). Throws std::runtime_error if
  // the program cannot be started.
  explicit Subprocess(const std::vector<std::string>& argv, bool inherit_stderr = false);
  // Kills the child (SIGKILL) if it is still running, and reaps it.
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }

  // Writes all of `data` to the child's stdin; false if the child closed it.
  bool WriteStdin(std::string_view data) const;
  void CloseStdin();

  // The next line of stdout (without '\n'), or nullopt on EOF or timeout.
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout);

  // Closes stdin, reads stdout and stderr to EOF and reaps the child, all within
  // `timeout`; past it the child is killed and the outcome says timed_out.
  Outcome Finish(std::chrono::milliseconds timeout);

  // SIGTERM, then SIGKILL if the child has not exited within `grace`.
  void Stop(std::chrono::milliseconds grace);

 private:
  bool Reap(std::chrono::steady_clock::time_point deadline, Outcome& outcome);

  pid_t pid_ = -1;
  bool reaped_ = false;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  int pidfd_ = -1;  // readable once the child exits
  std::string stdout_buffer_;  // read by ReadLine but not yet returned
};

// Runs `argv` to completion with `input` on stdin.
Subprocess::Outcome RunProcess(const std::vector<std::string>& argv, std::string_view input,
                               std::chrono::milliseconds timeout);

}  // namespace twirp::interop
