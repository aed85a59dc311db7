// The timing loop the in-process benchmarks share.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

namespace bench {

// Mean nanoseconds per call of `body`, run for about `seconds` after a short
// warm-up. `body` returns something derived from its work, so that the
// optimiser cannot drop it.
inline double Measure(double seconds, const std::function<std::size_t()>& body) {
  using Clock = std::chrono::steady_clock;
  static volatile std::size_t sink = 0;
  for (int i = 0; i < 20; ++i) sink = sink + body();
  long iterations = 0;
  const auto start = Clock::now();
  const auto budget = std::chrono::duration<double>(seconds);
  auto elapsed = Clock::duration::zero();
  do {
    for (int i = 0; i < 20; ++i) sink = sink + body();
    iterations += 20;
    elapsed = Clock::now() - start;
  } while (elapsed < budget);
  return std::chrono::duration<double, std::nano>(elapsed).count() /
         static_cast<double>(iterations);
}

}  // namespace bench
