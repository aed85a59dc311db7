// StopSignals: SIGINT and SIGTERM wait, blocked, for the server's main thread,
// whichever thread they are sent to.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <thread>

#include "twirpcpp/stop_signals.h"

namespace {

// Whether `signal` waits, blocked, for this thread: Wait() then returns at once.
bool Pending(int signal) {
  sigset_t pending;
  sigpending(&pending);
  return sigismember(&pending, signal) == 1;
}

}  // namespace

TEST_CASE("A SIGTERM raised after construction waits for Wait(), which returns it") {
  const twirp::StopSignals stop_signals;
  REQUIRE(raise(SIGTERM) == 0);
  REQUIRE(Pending(SIGTERM));  // neither delivered nor lost: Wait() cannot block
  CHECK(stop_signals.Wait() == SIGTERM);
  CHECK(twirp::StopSignals::Name(SIGTERM) == "SIGTERM");
  CHECK_FALSE(Pending(SIGTERM));
}

TEST_CASE("A thread started after construction leaves a SIGINT sent to the process to Wait()") {
  const twirp::StopSignals stop_signals;
  // Sent from the thread itself, which would take it first if it did not block it.
  std::thread sender([] { kill(getpid(), SIGINT); });
  sender.join();
  REQUIRE(Pending(SIGINT));
  CHECK(stop_signals.Wait() == SIGINT);
  CHECK(twirp::StopSignals::Name(SIGINT) == "SIGINT");
}
