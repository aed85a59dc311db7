#include "client/circuit_breaker.h"

#include <algorithm>

namespace twirp::internal {
namespace {

std::int64_t Now() { return Clock::now().time_since_epoch().count(); }

}  // namespace

CircuitBreaker::CircuitBreaker(CircuitBreakerOptions options)
    : options_(options),
      open_ticks_(std::chrono::duration_cast<Clock::duration>(options.open_duration).count()) {
  options_.failure_threshold = std::max(options_.failure_threshold, 1);
}

CircuitBreaker::Ticket CircuitBreaker::Admit() {
  const std::int64_t open_until = open_until_.load(std::memory_order_acquire);
  if (open_until == 0) return {.admitted = true};
  const std::int64_t now = Now();
  if (now < open_until) return {};
  // Half-open: one probe at a time. A probe still out after a whole open period
  // (a call without a deadline that hangs) is given up on, so that one hung call
  // cannot keep the breaker from ever closing.
  std::int64_t since = probe_since_.load(std::memory_order_acquire);
  if (since != 0 && now - since < open_ticks_) return {};
  const std::int64_t claim = std::max<std::int64_t>(now, 1);
  if (!probe_since_.compare_exchange_strong(since, claim, std::memory_order_acq_rel)) return {};
  return {.admitted = true, .probe = claim};
}

void CircuitBreaker::Record(const Ticket& ticket, Outcome outcome) {
  if (ticket.probe != 0) {
    std::int64_t mine = ticket.probe;
    // A probe that was given up on (another took its place) counts as a normal call.
    if (probe_since_.load(std::memory_order_acquire) == mine) {
      if (outcome == Outcome::kSuccess) {
        failures_.store(0, std::memory_order_relaxed);
        open_until_.store(0, std::memory_order_release);
      } else if (outcome == Outcome::kFailure) {
        open_until_.store(std::max<std::int64_t>(Now() + open_ticks_, 1),
                          std::memory_order_release);
      }
      // Ignored: the breaker stays half-open and the next call probes.
      probe_since_.compare_exchange_strong(mine, 0, std::memory_order_acq_rel);
      return;
    }
  }
  switch (outcome) {
    case Outcome::kSuccess:
      // A load first: the closed, healthy path writes nothing shared.
      if (failures_.load(std::memory_order_relaxed) != 0) {
        failures_.store(0, std::memory_order_relaxed);
      }
      return;
    case Outcome::kFailure:
      if (failures_.fetch_add(1, std::memory_order_relaxed) + 1 >= options_.failure_threshold) {
        Open(Now());
      }
      return;
    case Outcome::kIgnored: return;
  }
}

void CircuitBreaker::Open(std::int64_t now) {
  std::int64_t closed = 0;
  // Only a closed breaker opens here: failures of calls admitted before it
  // opened do not stretch the open period.
  if (open_until_.compare_exchange_strong(closed, std::max<std::int64_t>(now + open_ticks_, 1),
                                          std::memory_order_acq_rel)) {
    failures_.store(0, std::memory_order_relaxed);
  }
}

}  // namespace twirp::internal
