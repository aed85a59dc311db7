// The plain HTTP handlers of a server (Server::Handle), matched by path prefix.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "twirpcpp/http.h"
#include "twirpcpp/metrics.h"

namespace twirp::internal {

// Prefix -> handler, longest match first. Filled before the server starts and
// read-only afterwards, so lookups need no lock.
class HttpHandlers {
 public:
  // Fails (std::logic_error) for a prefix not starting with '/' or taken twice.
  void Add(std::string prefix, HttpHandler handler);
  // The handler for a decoded path, or nullptr when the request is Twirp's.
  const HttpHandler* Find(std::string_view path) const;
  bool empty() const { return entries_.empty(); }

 private:
  struct Entry {
    std::string prefix;
    HttpHandler handler;
  };
  std::vector<Entry> entries_;  // longest prefix first
};

// GET: the registry's Prometheus text; other methods: 405.
HttpHandler MetricsHandler(const Metrics& metrics);

}  // namespace twirp::internal
