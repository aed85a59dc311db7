#include "validate.h"

#include <algorithm>
#include <string>

namespace foundation {

int PageSize(int requested) {
  return requested == 0 ? kDefaultPageSize : std::clamp(requested, 1, kMaxPageSize);
}

std::optional<twirp::Error> CheckId(std::string_view field, std::int64_t id) {
  if (id == 0) return twirp::RequiredArgumentError(std::string(field));
  if (id < 0) return twirp::InvalidArgumentError(std::string(field), "must be positive");
  return std::nullopt;
}

std::optional<twirp::Error> CheckIds(std::string_view field, std::span<const std::int64_t> ids) {
  if (ids.size() > kMaxBatchIds) {
    return twirp::InvalidArgumentError(
        std::string(field), "has " + std::to_string(ids.size()) + " ids; at most " +
                                std::to_string(kMaxBatchIds) + " are allowed in one call");
  }
  for (const std::int64_t id : ids) {
    if (id < 1) {
      return twirp::InvalidArgumentError(std::string(field),
                                         "must hold positive ids; got " + std::to_string(id));
    }
  }
  return std::nullopt;
}

}  // namespace foundation
