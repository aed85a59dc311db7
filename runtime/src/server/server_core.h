// What every connection of one server shares: options, routes, metrics, the
// worker pool and the shutdown state. Read-only while serving except for atomics
// and the session registry.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <boost/asio/thread_pool.hpp>

#include "codec/json_types.h"
#include "server/metrics_registry.h"
#include "server/plain_handlers.h"
#include "server/router.h"
#include "twirpcpp/interceptor.h"
#include "twirpcpp/server.h"

namespace twirp::internal {

class Session;

struct ServerCore {
  explicit ServerCore(ServerOptions opts)
      : options(std::move(opts)),
        router(options.prefix),
        metrics(options.metrics.latency_buckets),
        interceptor(ChainInterceptors(options.interceptors)) {
    if (options.metrics.enabled) {
      (options.metrics.listen_address.empty() ? http_handlers : metrics_handlers)
          .Add(options.metrics.path, MetricsHandler(metrics));
    }
  }

  const ServerOptions options;
  Router router;
  MetricsRegistry metrics;
  const Interceptor interceptor;  // the chain of options.interceptors; empty if none
  HttpHandlers http_handlers;     // Server::Handle's, and the metrics endpoint
  HttpHandlers metrics_handlers;  // the metrics endpoint when it has a listener of its own
  JsonTypes json_types;           // the routed methods' types, prepared by AddService
  boost::asio::thread_pool* workers = nullptr;

  // Set once by Start, when every method's metrics exist.
  std::atomic<bool> serving{false};
  // Set once by Shutdown: sessions answer with Connection: close and stop
  // waiting for further requests.
  std::atomic<bool> stopping{false};

  // Open sessions, so that Shutdown can reach them. Touched once per connection,
  // never per request.
  std::mutex sessions_mutex;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  // Called (from any thread) when the last session ends after Shutdown began.
  std::function<void()> on_drained;

  // Drops the services and handlers, and what they own (upstream clients and
  // their threads), once no thread of the server runs any more. A client
  // completing a call a handler awaits posts to the server's io_context from
  // its own thread: the clients must be gone before that io_context is.
  void ReleaseHandlers() {
    router = Router(options.prefix);
    http_handlers = HttpHandlers();
    metrics_handlers = HttpHandlers();
  }

  void SessionStarted(Session* session, std::weak_ptr<Session> weak) {
    std::lock_guard lock(sessions_mutex);
    sessions.emplace(session, std::move(weak));
  }
  void SessionEnded(Session* session) {
    bool drained;
    {
      std::lock_guard lock(sessions_mutex);
      sessions.erase(session);
      drained = sessions.empty() && stopping.load();
    }
    if (drained && on_drained) on_drained();
  }
};

}  // namespace twirp::internal
