#include "server/metrics_registry.h"

#include <algorithm>
#include <cstdio>

namespace twirp::internal {
namespace {

std::string_view OutcomeName(std::size_t index) {
  return index == 0 ? std::string_view("ok") : CodeString(static_cast<ErrorCode>(index - 1));
}

// Label values escape backslash, double quote and newline (exposition format 0.0.4).
void AppendLabel(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append("=\"");
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += '"';
}

std::string FormatDouble(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", value);
  return buf;
}

}  // namespace

MethodMetrics::MethodMetrics(std::string service_label, std::string method_label,
                             std::size_t bucket_count)
    : service(std::move(service_label)),
      method(std::move(method_label)),
      buckets(new std::atomic<std::uint64_t>[bucket_count]) {
  for (std::size_t i = 0; i < bucket_count; ++i) buckets[i].store(0, std::memory_order_relaxed);
}

MetricsRegistry::MetricsRegistry(std::vector<double> latency_buckets)
    : bounds_(std::move(latency_buckets)) {
  std::sort(bounds_.begin(), bounds_.end());
  unrouted_ = Add("", "");
}

MethodMetrics* MetricsRegistry::Add(std::string service, std::string method) {
  methods_.push_back(
      std::make_unique<MethodMetrics>(std::move(service), std::move(method), bounds_.size() + 1));
  return methods_.back().get();
}

void MetricsRegistry::Record(MethodMetrics& method, std::optional<ErrorCode> code,
                             std::chrono::steady_clock::duration latency) {
  const std::size_t outcome = code ? 1 + static_cast<std::size_t>(*code) : 0;
  method.requests[outcome].fetch_add(1, std::memory_order_relaxed);
  const double seconds = std::chrono::duration<double>(latency).count();
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), seconds) - bounds_.begin());
  method.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  method.duration_sum_ns.fetch_add(
      static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(latency).count()),
      std::memory_order_relaxed);
}

std::string MetricsRegistry::Render() const {
  std::string out;
  out += "# HELP twirp_server_requests_total Twirp requests answered, by outcome code.\n";
  out += "# TYPE twirp_server_requests_total counter\n";
  for (const auto& m : methods_) {
    for (std::size_t i = 0; i < m->requests.size(); ++i) {
      const std::uint64_t count = m->requests[i].load(std::memory_order_relaxed);
      // Every method shows its "ok" line, so that a scrape lists every route.
      if (count == 0 && (i != 0 || m.get() == unrouted_)) continue;
      out += "twirp_server_requests_total{";
      AppendLabel(out, "service", m->service);
      out += ',';
      AppendLabel(out, "method", m->method);
      out += ',';
      AppendLabel(out, "code", OutcomeName(i));
      out += "} " + std::to_string(count) + "\n";
    }
  }
  out +=
      "# HELP twirp_server_request_duration_seconds Time from request headers to response written.\n";
  out += "# TYPE twirp_server_request_duration_seconds histogram\n";
  for (const auto& m : methods_) {
    std::string labels;
    AppendLabel(labels, "service", m->service);
    labels += ',';
    AppendLabel(labels, "method", m->method);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
      cumulative += m->buckets[i].load(std::memory_order_relaxed);
      out += "twirp_server_request_duration_seconds_bucket{";
      out += labels;
      out += ",le=\"";
      out += i < bounds_.size() ? FormatDouble(bounds_[i]) : "+Inf";
      out += "\"} " + std::to_string(cumulative) + "\n";
    }
    const double sum =
        static_cast<double>(m->duration_sum_ns.load(std::memory_order_relaxed)) / 1e9;
    out += "twirp_server_request_duration_seconds_sum{" + labels + "} " + FormatDouble(sum) + "\n";
    out += "twirp_server_request_duration_seconds_count{" + labels + "} " +
           std::to_string(cumulative) + "\n";
  }
  out += "# HELP twirp_server_connections Open client connections.\n";
  out += "# TYPE twirp_server_connections gauge\n";
  out += "twirp_server_connections " + std::to_string(connections()) + "\n";
  return out;
}

std::uint64_t MetricsRegistry::RequestCount(std::string_view service, std::string_view method,
                                            std::string_view code) const {
  for (const auto& m : methods_) {
    if (m->service != service || m->method != method) continue;
    for (std::size_t i = 0; i < m->requests.size(); ++i) {
      if (OutcomeName(i) == code) return m->requests[i].load(std::memory_order_relaxed);
    }
  }
  return 0;
}

}  // namespace twirp::internal
