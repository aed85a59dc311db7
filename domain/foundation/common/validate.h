// Request checks shared by the foundation services, so that every service
// refuses the same inputs with the same invalid_argument errors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "twirpcpp/error.h"

namespace foundation {

// The most ids one call may ask about. A bound keeps a request's SQL and
// response size predictable; callers with more split them.
inline constexpr std::size_t kMaxBatchIds = 500;

// Page sizes of the List methods: 0 asks for the default, others are clamped
// to 1..kMaxPageSize, so that every list pages alike.
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 200;
int PageSize(int requested);

// A required id field: required_argument when 0, invalid_argument when negative
// (ids start at 1). Meta "argument" is `field`.
std::optional<twirp::Error> CheckId(std::string_view field, std::int64_t id);

// A repeated id field: invalid_argument with meta argument=`field` when it has
// more than kMaxBatchIds ids or an id below 1. Empty is fine (nothing to do).
std::optional<twirp::Error> CheckIds(std::string_view field, std::span<const std::int64_t> ids);

}  // namespace foundation
