// The per-Client circuit breaker of ClientOptions::circuit_breaker (see client.h
// for the contract). Lock-free: calls arrive from any thread or executor, and a
// closed breaker costs one atomic load before the round trip and at most one
// after it.
#pragma once

#include <atomic>
#include <cstdint>

#include "twirpcpp/client.h"

namespace twirp::internal {

class CircuitBreaker {
 public:
  // What Admit decided for one call.
  struct Ticket {
    bool admitted = false;
    // The half-open probe's claim (its start in Clock ticks); 0 for a normal call.
    std::int64_t probe = 0;
  };
  // How a call that was admitted ended.
  enum class Outcome {
    kSuccess,  // the server answered (any answer that is not a failure)
    kFailure,  // the upstream looks unhealthy (client.h lists the errors)
    kIgnored,  // says nothing about the upstream (cancelled by the caller, ...)
  };

  explicit CircuitBreaker(CircuitBreakerOptions options);

  Ticket Admit();
  void Record(const Ticket& ticket, Outcome outcome);

 private:
  void Open(std::int64_t now);

  CircuitBreakerOptions options_;
  std::int64_t open_ticks_;
  std::atomic<int> failures_{0};
  // 0 while closed; else when the open period ends (Clock ticks, never 0).
  std::atomic<std::int64_t> open_until_{0};
  // 0 when no probe is out; else when the current probe was admitted.
  std::atomic<std::int64_t> probe_since_{0};
};

}  // namespace twirp::internal
