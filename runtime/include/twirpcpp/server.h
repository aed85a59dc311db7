// The Twirp HTTP/1.1 server: register generated services, listen, serve, shut down.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "twirpcpp/codec.h"
#include "twirpcpp/hooks.h"
#include "twirpcpp/http.h"
#include "twirpcpp/interceptor.h"
#include "twirpcpp/metrics.h"
#include "twirpcpp/transport.h"

namespace twirp {

class Server;

namespace detail {
struct ServiceRoutes;  // twirpcpp/detail/unary_route.h
// Registers a service's routes on `server`, before it starts: generated code
// calls it. Fails (std::logic_error) for a service registered twice.
void AddService(Server& server, ServiceRoutes routes);
}  // namespace detail

// Every limit and timeout of the server. The defaults are safe for a service
// exposed to untrusted clients.
struct ServerOptions {
  // Path prefix before "/<package>.<Service>/<Method>": "/twirp", "/a/b" (no
  // trailing slash), or "" for none (wire-protocol.md §1.1, §1.6).
  std::string prefix = "/twirp";

  // Threads running the event loop (sessions and coroutine handlers).
  int io_threads = 1;
  // Threads running blocking (Sync) handlers, so that they never stall the loop.
  int worker_threads = 4;

  // Requests with a larger body are refused with malformed before it is read.
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  // Request line plus header fields.
  std::size_t max_header_bytes = 64 * 1024;
  // Open connections; further ones are accepted and closed at once. The
  // process's descriptor limit caps it too: Start raises the soft RLIMIT_NOFILE
  // to the hard limit (once per process), and the server keeps an eighth of
  // that limit (at least 16, at most 1024) free for the rest of the process, so
  // that it refuses a connection rather than run out of descriptors, which
  // would leave new clients waiting unaccepted until old connections end.
  std::size_t max_connections = 20000;

  // From the first byte of a request to the end of its headers.
  std::chrono::milliseconds header_timeout{10'000};
  // For the whole body once the headers are in.
  std::chrono::milliseconds body_timeout{30'000};
  // Writing one response.
  std::chrono::milliseconds write_timeout{30'000};
  // A keep-alive connection with no request in progress.
  std::chrono::milliseconds idle_timeout{60'000};
  // If set, each request's Context::deadline() is its arrival time plus this.
  std::optional<std::chrono::milliseconds> request_deadline;
  // A request's Twirp-Timeout-Ms (the time its caller has left, wire-protocol.md
  // §5.14) sets its deadline, never later than request_deadline. Off: ignored.
  bool read_timeout_header = true;

  // How JSON responses are written (Go's WithServerJSONSkipDefaults and
  // WithServerJSONCamelCaseNames).
  JsonWriteOptions json;

  ServerHooks hooks;
  // Outermost first; see ChainInterceptors.
  std::vector<Interceptor> interceptors;

  // GET <path> serves Prometheus text metrics when enabled (a plain handler on
  // that exact path, so Handle() cannot take the path too).
  MetricsOptions metrics;
};

class Server {
 public:
  explicit Server(ServerOptions options = {});
  ~Server();  // shuts down (no grace) if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Serves requests whose decoded path matches `path_prefix` with `handler`
  // instead of Twirp, before Start(). A prefix ending in '/' matches that
  // subtree ("/api/" takes "/api/x/y"), any other prefix only its exact path; the
  // longest match wins, and only paths no handler matches reach the Twirp routes.
  // The server's limits, timeouts and request deadline apply to these requests;
  // hooks, interceptors and the request metrics are Twirp's only. Fails
  // (std::logic_error) for a prefix not starting with '/' or taken twice.
  void Handle(std::string path_prefix, HttpHandler handler);

  // Binds and listens; port 0 picks a free one (see port()).
  std::error_code Listen(std::string_view address, std::uint16_t port);
  std::uint16_t port() const;
  // The metrics listener's port (MetricsOptions::listen_address), 0 if none.
  std::uint16_t metrics_port() const;

  // Starts the I/O and worker threads and returns. Raises the process's soft
  // descriptor limit (see max_connections).
  void Start();

  // Graceful shutdown: stop accepting, close idle connections, let requests in
  // flight finish and be answered (with Connection: close) for up to `grace`,
  // then close what is left and stop the threads. Safe to call from any thread,
  // including a handler's, and more than once.
  void Shutdown(std::chrono::milliseconds grace = std::chrono::seconds(10));

  // Blocks until the server has shut down.
  void Wait();

  // A Transport that hands requests to this server in the same process, with
  // no socket: set it as ClientOptions::transport and a generated client calls
  // the registered services through the whole Twirp path (encoding, routing,
  // hooks, interceptors, handlers, errors) exactly as over HTTP. For unit tests
  // of code that calls a service, and for services that call each other inside
  // one process. Calls fail with unavailable before Start() and after
  // Shutdown(); the server must outlive the transport's calls. The call's
  // deadline is checked before the request is handed over and after the answer
  // comes back; a running handler is not interrupted.
  std::shared_ptr<Transport> InProcessTransport();

  const ServerOptions& options() const;
  const Metrics& metrics() const;

 private:
  // Generated Register<Service>() functions add their routes through it.
  friend void detail::AddService(Server& server, detail::ServiceRoutes routes);
  void AddService(detail::ServiceRoutes routes);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace twirp
