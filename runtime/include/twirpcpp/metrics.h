// Request metrics, served as Prometheus text on GET /metrics when enabled.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace twirp {

struct MetricsOptions {
  bool enabled = false;
  std::string path = "/metrics";
  // Serve `path` on a listener of its own, such as "127.0.0.1" for an internal
  // address, instead of the public one, which then has no metrics path. Empty:
  // on the public listener. Server::Listen binds it too; listen_port 0 picks a
  // free port (Server::metrics_port()). It is plain HTTP and answers nothing
  // but `path`: anything else is bad_route 404.
  std::string listen_address;
  std::uint16_t listen_port = 0;
  // Upper bounds of the latency histogram buckets, in seconds.
  std::vector<double> latency_buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                         0.1,    0.25,  0.5,    1,     2.5,  5,     10};
};

// Counters the server keeps per method without locks on the request path:
//   twirp_server_requests_total{service,method,code}   code = "ok" or a Twirp code
//   twirp_server_request_duration_seconds{service,method}  histogram
//   twirp_server_connections  gauge
class Metrics {
 public:
  virtual ~Metrics() = default;
  // The Prometheus text exposition format (version 0.0.4).
  virtual std::string Render() const = 0;
  // The count for one method and outcome ("ok", "not_found", ...); 0 if unknown.
  virtual std::uint64_t RequestCount(std::string_view service, std::string_view method,
                                     std::string_view code) const = 0;
};

}  // namespace twirp
