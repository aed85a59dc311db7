// Waiting for the process's stop signals (SIGINT, SIGTERM) in a server's main
// thread, which then shuts the server down gracefully:
//
//   twirp::StopSignals stop_signals;  // first, before any thread starts
//   twirp::Server server(options);
//   ... Listen, Start ...
//   stop_signals.Wait();
//   server.Shutdown(grace);
//   server.Wait();
#pragma once

#include <signal.h>

#include <string_view>

namespace twirp {

class StopSignals {
 public:
  // Blocks SIGINT and SIGTERM in the calling thread. Threads started afterwards
  // (a Server's, a Client's) inherit the mask, so that no thread is interrupted
  // and the signals wait for Wait(). Construct it before any thread starts: a
  // thread started earlier would take a signal with its default action (exit).
  // The signals stay blocked for the rest of the thread's life.
  StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Blocks until SIGINT or SIGTERM arrives (or has arrived since construction);
  // the signal taken.
  int Wait() const;

  // "SIGINT", "SIGTERM"; "signal" for any other.
  static std::string_view Name(int signal);

 private:
  sigset_t signals_;
};

}  // namespace twirp
