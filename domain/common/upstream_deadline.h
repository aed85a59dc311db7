// The deadline of one upstream call of a tier (the VAS, the BFF): the earliest
// of the request's deadline, the tier's own limit for one call from its start
// (--upstream-timeout-ms) and, for an optional call, its budget
// (docs/domain-rules.md, "Deadlines, budgets and breakers", rule 2). A deadline
// received from a caller caps the tier's own limits; it never replaces them.
#pragma once

#include <chrono>
#include <optional>

#include "twirpcpp/client.h"

namespace domain {

// `options` with its deadline moved to `limit` from now, if that is earlier
// (or if it has none). nullopt: no limit, `options` as they are.
inline twirp::CallOptions CapDeadline(twirp::CallOptions options,
                                      std::optional<std::chrono::milliseconds> limit) {
  if (!limit) return options;
  const twirp::Clock::time_point cap = twirp::Clock::now() + *limit;
  if (!options.deadline || cap < *options.deadline) options.deadline = cap;
  return options;
}

}  // namespace domain
