#include "edge/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace bff::edge {

RateLimiter::RateLimiter(RateLimit limit, std::size_t capacity)
    : limit_(limit),
      shard_capacity_(std::max<std::size_t>(1, capacity / kShards)),
      idle_after_(limit.enabled()
                      ? std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(limit.burst / limit.per_second))
                      : Clock::duration::zero()) {}

RateLimiter::Bucket& RateLimiter::Refill(Shard& shard, std::uint64_t hash, Clock::time_point now) {
  // Forgetting full buckets costs one pass over the shard, at most once per
  // idle period, so a request pays for it only amortized.
  if (now - shard.last_sweep >= idle_after_) {
    std::erase_if(shard.buckets,
                  [&](const auto& entry) { return now - entry.second.updated >= idle_after_; });
    shard.last_sweep = now;
  }
  auto it = shard.buckets.find(hash);
  if (it == shard.buckets.end()) {
    // Still full of active keys: a flood of distinct ones. Starting over keeps
    // memory bounded; the keys forgotten get a fresh burst, which the other
    // limits (per address) still bound.
    if (shard.buckets.size() >= shard_capacity_) shard.buckets.clear();
    it = shard.buckets.emplace(hash, Bucket{limit_.burst, now}).first;
    return it->second;
  }
  Bucket& bucket = it->second;
  const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  if (elapsed > 0) {
    bucket.tokens = std::min(limit_.burst, bucket.tokens + elapsed * limit_.per_second);
    bucket.updated = now;
  }
  return bucket;
}

std::chrono::seconds RateLimiter::RetryAfter(const Bucket& bucket) const {
  const double wait = (1.0 - bucket.tokens) / limit_.per_second;
  return std::chrono::seconds(std::max<long long>(1, static_cast<long long>(std::ceil(wait))));
}

std::optional<std::chrono::seconds> RateLimiter::Acquire(std::string_view key,
                                                         Clock::time_point now) {
  if (!enabled()) return std::nullopt;
  const std::uint64_t hash = std::hash<std::string_view>{}(key);
  Shard& shard = shards_[hash % kShards];
  const std::lock_guard lock(shard.mutex);
  Bucket& bucket = Refill(shard, hash, now);
  if (bucket.tokens < 1) return RetryAfter(bucket);
  bucket.tokens -= 1;
  return std::nullopt;
}

std::optional<std::chrono::seconds> RateLimiter::Empty(std::string_view key,
                                                       Clock::time_point now) {
  if (!enabled()) return std::nullopt;
  const std::uint64_t hash = std::hash<std::string_view>{}(key);
  Shard& shard = shards_[hash % kShards];
  const std::lock_guard lock(shard.mutex);
  const auto it = shard.buckets.find(hash);
  if (it == shard.buckets.end()) return std::nullopt;
  const Bucket& bucket = Refill(shard, hash, now);
  if (bucket.tokens < 1) return RetryAfter(bucket);
  return std::nullopt;
}

void RateLimiter::Charge(std::string_view key, Clock::time_point now) {
  if (!enabled()) return;
  const std::uint64_t hash = std::hash<std::string_view>{}(key);
  Shard& shard = shards_[hash % kShards];
  const std::lock_guard lock(shard.mutex);
  Bucket& bucket = Refill(shard, hash, now);
  bucket.tokens = std::max(0.0, bucket.tokens - 1);
}

std::size_t RateLimiter::size() const {
  std::size_t total = 0;
  for (const Shard& shard : shards_) {
    const std::lock_guard lock(shard.mutex);
    total += shard.buckets.size();
  }
  return total;
}

}  // namespace bff::edge
