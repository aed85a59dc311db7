// The launcher's child processes: started with their stdout on a pipe, so that
// the launcher learns where each listens, and watched until they exit.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace launcher {

class Child {
 public:
  // Starts argv[0] (a path). The child gets SIGTERM if the launcher dies, and an
  // empty signal mask. nullopt (and a message in `error`) if it cannot start.
  static std::optional<Child> Spawn(std::string name, const std::vector<std::string>& argv,
                                    std::string& error);
  Child(Child&& other) noexcept;
  Child& operator=(Child&&) = delete;
  Child(const Child&) = delete;
  ~Child();  // kills and reaps a child still running

  const std::string& name() const { return name_; }
  pid_t pid() const { return pid_; }
  int stdout_fd() const { return out_; }
  bool running() const { return pid_ > 0; }

  // Reads what the pipe has; returns the complete lines. `eof` is set when the
  // child closed its stdout.
  std::vector<std::string> ReadLines(bool& eof);
  // Reaps the child if it has exited: its exit code (128 + signal if killed).
  std::optional<int> Reap();
  void Signal(int signal) const;
  // SIGTERM, then SIGKILL after `grace`; the exit code. Lines it still prints
  // go to stderr.
  int Stop(std::chrono::milliseconds grace);

 private:
  Child(std::string name, pid_t pid, int out) : name_(std::move(name)), pid_(pid), out_(out) {}

  std::string name_;
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buffer_;
};

}  // namespace launcher
