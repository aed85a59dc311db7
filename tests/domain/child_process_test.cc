// domain::ChildProcess, the one spawner of the launcher and the tests: lines of
// stdout, stdin and stderr piped, and every way out reaping the child. The
// children are /bin/sh scripts; every wait is bounded.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "process/child_process.h"

using domain::ChildProcess;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> Shell(const std::string& script) { return {"/bin/sh", "-c", script}; }

// True once `pid` is neither running nor a zombie of ours.
bool Reaped(pid_t pid) { return waitpid(pid, nullptr, WNOHANG) < 0 && errno == ECHILD; }

}  // namespace

TEST_CASE("A child's stdout arrives line by line, its unterminated rest once the output ends") {
  ChildProcess child(Shell("echo 'one listening on http://127.0.0.1:1'; printf two"));
  CHECK(child.ReadLine(10s) == "one listening on http://127.0.0.1:1");
  CHECK(child.ReadLine(10s) == "two");
  CHECK_FALSE(child.ReadLine(10s));
  const pid_t pid = child.pid();
  CHECK(child.Stop(10s) == 0);
  CHECK(Reaped(pid));
  CHECK_FALSE(child.running());
}

TEST_CASE("A child inherits none of our descriptors but its standard streams") {
  // As Asio opens its sockets: without close-on-exec.
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  ChildProcess child(Shell("for fd in " + std::to_string(fds[0]) + " " + std::to_string(fds[1]) +
                           "; do if [ -e /proc/$$/fd/$fd ]; then echo open; else echo closed; fi;"
                           " done"));
  CHECK(child.ReadLine(10s) == "closed");
  CHECK(child.ReadLine(10s) == "closed");
  CHECK_FALSE(child.ReadLine(10s));  // exited: Stop has nothing to signal
  CHECK(child.Stop(10s) == 0);
  close(fds[0]);
  close(fds[1]);
}

TEST_CASE("Stop kills a child that ignores SIGTERM once the timeout has passed, and reaps it") {
  ChildProcess child(Shell("trap '' TERM; echo ready; read line"), {.pipe_stdin = true});
  REQUIRE(child.ReadLine(10s) == "ready");
  const pid_t pid = child.pid();
  const auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(child.Stop(200ms));
  CHECK(std::chrono::steady_clock::now() - start >= 200ms);
  CHECK(Reaped(pid));
}

TEST_CASE("Finish closes stdin and collects stdout, stderr and the exit code of a filter") {
  ChildProcess child(Shell("cat; echo oops >&2; exit 3"),
                     {.pipe_stdin = true, .capture_stderr = true});
  REQUIRE(child.WriteStdin("hello\n"));
  const ChildProcess::Outcome outcome = child.Finish(10s);
  CHECK(outcome.Describe() == "exit 3");
  CHECK(outcome.out == "hello\n");
  CHECK(outcome.err == "oops\n");
}

TEST_CASE("A child ended by a signal exits with 128 + the signal, as a shell reports it") {
  ChildProcess child(Shell("kill -KILL $$"));
  CHECK(child.Finish(10s).exit_code == 128 + SIGKILL);
}

TEST_CASE("Finish kills a child that outlives the timeout") {
  ChildProcess child(Shell("echo partial; exec sleep 30"));
  const ChildProcess::Outcome outcome = child.Finish(200ms);
  CHECK(outcome.Describe() == "timed out (killed)");
  CHECK(outcome.out == "partial\n");
}

TEST_CASE("A program that cannot be run throws with the path and the reason") {
  CHECK_THROWS_WITH(ChildProcess({"/nonexistent/program"}),
                    "cannot run /nonexistent/program: No such file or directory");
}
