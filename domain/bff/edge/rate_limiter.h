// Token buckets keyed by a client's identity (its bearer token, its address),
// for the edge of a BFF (docs/domain-rules.md, "Edge rules"). A bucket holds at
// most `burst` tokens and gains `per_second` a second; a request takes one.
//
// Memory is bounded whatever clients send: keys are stored as 64-bit hashes
// (no key text is kept), a bucket idle long enough to be full again is
// forgotten (it is the same as a new one), and a shard that still reaches its
// capacity starts over empty, so that a flood of distinct keys costs at most
// `capacity` buckets. The buckets are split in shards, each under its own mutex
// held for one bucket's arithmetic, never across an upstream call.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

namespace bff::edge {

struct RateLimit {
  double per_second = 0;  // 0: no limit
  double burst = 0;

  bool enabled() const { return per_second > 0 && burst >= 1; }
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // `capacity` buckets at most, over all shards.
  explicit RateLimiter(RateLimit limit, std::size_t capacity = 100'000);

  bool enabled() const { return limit_.enabled(); }

  // Takes a token from `key`'s bucket: nullopt when there was one, else how
  // long until there is (at least one second, as Retry-After counts).
  std::optional<std::chrono::seconds> Acquire(std::string_view key, Clock::time_point now);
  // Whether `key`'s bucket is empty (how long until it is not), taking nothing.
  std::optional<std::chrono::seconds> Empty(std::string_view key, Clock::time_point now);
  // Takes a token if there is one: a failure counted after the fact.
  void Charge(std::string_view key, Clock::time_point now);

  // Buckets held now, for tests and metrics.
  std::size_t size() const;

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::uint64_t, Bucket> buckets;
    Clock::time_point last_sweep;
  };
  static constexpr std::size_t kShards = 16;

  // `key`'s bucket refilled to `now`, created full when new; the shard's mutex held.
  Bucket& Refill(Shard& shard, std::uint64_t hash, Clock::time_point now);
  std::chrono::seconds RetryAfter(const Bucket& bucket) const;

  RateLimit limit_;
  std::size_t shard_capacity_;
  // How long an untouched bucket takes to be full again: then it is forgotten.
  Clock::duration idle_after_;
  std::array<Shard, kShards> shards_;
};

}  // namespace bff::edge
