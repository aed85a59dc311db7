// Twirp-Timeout-Ms (docs/wire-protocol.md §5.14): the whole milliseconds a client
// has left of its deadline, which a twirpcpp server takes as the request's
// deadline. Other Twirp implementations ignore the header.
#pragma once

#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace twirp::internal {

inline constexpr std::string_view kTimeoutHeader = "Twirp-Timeout-Ms";

// At most 8 digits (about 27 hours), as gRPC bounds grpc-timeout: a longer value
// is refused by the server and never sent by the client.
inline constexpr std::int64_t kMaxTimeoutMs = 99'999'999;

// The value a client sends with `left` of its deadline remaining: rounded down
// so that it never promises the server more time than the caller has, clamped
// to kMaxTimeoutMs. Nullopt under 1 ms: the call is as good as expired.
inline std::optional<std::string> TimeoutHeaderValue(std::chrono::nanoseconds left) {
  const std::int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(left).count();
  if (ms < 1) return std::nullopt;
  return std::to_string(ms < kMaxTimeoutMs ? ms : kMaxTimeoutMs);
}

// The header's value as a timeout: 1 to 8 ASCII digits and nothing else, not
// all zeros. Anything else is nullopt, and the server ignores the header.
inline std::optional<std::chrono::milliseconds> ParseTimeoutHeader(std::string_view value) {
  if (value.empty() || value.size() > 8) return std::nullopt;
  std::int64_t ms = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
  // from_chars takes a leading '-': refused below as not positive.
  if (ec != std::errc() || end != value.data() + value.size() || ms < 1) return std::nullopt;
  return std::chrono::milliseconds(ms);
}

}  // namespace twirp::internal
