// The server's Metrics: per-method counters and latency histograms, allocated
// before serving so that recording a request is a few relaxed atomic adds.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "twirpcpp/error.h"
#include "twirpcpp/metrics.h"

namespace twirp::internal {

struct MethodMetrics {
  MethodMetrics(std::string service_label, std::string method_label, std::size_t bucket_count);

  std::string service;
  std::string method;
  // Index 0 is "ok", 1 + static_cast<int>(code) the error codes.
  std::array<std::atomic<std::uint64_t>, kErrorCodeCount + 1> requests{};
  // Per bucket (not cumulative); the last one is +Inf.
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets;
  std::atomic<std::uint64_t> duration_sum_ns{0};
};

class MetricsRegistry final : public Metrics {
 public:
  explicit MetricsRegistry(std::vector<double> latency_buckets);

  // Allocates the counters of one method. Not thread-safe: call before serving.
  MethodMetrics* Add(std::string service, std::string method);
  // Requests that were never routed to a method: service="" method="".
  MethodMetrics* unrouted() { return unrouted_; }

  void Record(MethodMetrics& method, std::optional<ErrorCode> code,
              std::chrono::steady_clock::duration latency);
  void ConnectionOpened() { connections_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { connections_.fetch_sub(1, std::memory_order_relaxed); }
  std::int64_t connections() const { return connections_.load(std::memory_order_relaxed); }

  std::string Render() const override;
  std::uint64_t RequestCount(std::string_view service, std::string_view method,
                             std::string_view code) const override;

 private:
  std::vector<double> bounds_;  // seconds, ascending
  std::vector<std::unique_ptr<MethodMetrics>> methods_;
  MethodMetrics* unrouted_;
  std::atomic<std::int64_t> connections_{0};
};

}  // namespace twirp::internal
