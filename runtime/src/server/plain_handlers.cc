#include "server/plain_handlers.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace twirp::internal {
namespace {

bool Matches(std::string_view prefix, std::string_view path) {
  if (prefix.back() == '/') return path.substr(0, prefix.size()) == prefix;
  return path == prefix;
}

}  // namespace

void HttpHandlers::Add(std::string prefix, HttpHandler handler) {
  if (prefix.empty() || prefix.front() != '/') {
    throw std::logic_error("twirp: HTTP handler path " + prefix + " does not start with '/'");
  }
  if (!handler) throw std::logic_error("twirp: empty HTTP handler for " + prefix);
  for (const Entry& entry : entries_) {
    if (entry.prefix == prefix) {
      throw std::logic_error("twirp: HTTP handler path " + prefix + " is registered twice");
    }
  }
  const auto at = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& entry) {
    return entry.prefix.size() < prefix.size();
  });
  entries_.insert(at, Entry{std::move(prefix), std::move(handler)});
}

const HttpHandler* HttpHandlers::Find(std::string_view path) const {
  for (const Entry& entry : entries_) {
    if (Matches(entry.prefix, path)) return &entry.handler;
  }
  return nullptr;
}

HttpHandler MetricsHandler(const Metrics& metrics) {
  return [&metrics](Context&, const HttpRequest& request) -> Awaitable<HttpResponse> {
    if (request.method != "GET") {
      HttpResponse response = HttpResponse::Text(405, "method not allowed\n");
      response.headers.emplace_back("Allow", "GET");
      co_return response;
    }
    co_return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", {}, metrics.Render()};
  };
}

}  // namespace twirp::internal
