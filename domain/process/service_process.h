// What every service process of the reference system does around its Twirp
// server: its flags, the stop signals, announcing its port, and a graceful
// shutdown. Shared by the foundation services, the Tracks VAS and the BFF (a
// process utility, not service code: tiers still talk only over Twirp).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/program_options/options_description.hpp>

#include "twirpcpp/awaitable.h"
#include "twirpcpp/client.h"
#include "twirpcpp/server.h"
#include "twirpcpp/stop_signals.h"

namespace domain {

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

// "127.0.0.1:8080" (port 0 picks a free one); false for anything else.
bool ParseListen(const std::string& text, ListenAddress& out);

// Parses the command line into `description`'s variables, answering --help
// (which `description` should offer). Returns the exit code when the process
// should stop now: 0 after --help, 2 for bad flags (the reason and the usage go
// to stderr); nullopt to go on.
std::optional<int> ParseFlags(std::string_view name, int argc, char* argv[],
                              const boost::program_options::options_description& description);

// The flags of every service's server: --listen, --io-threads, --worker-threads,
// --shutdown-grace-ms. The thread defaults follow the handlers the service runs.
struct ServerFlags {
  std::string listen = "127.0.0.1:0";
  // Event loop threads: connections and coroutine handlers.
  int io_threads = 1;
  // The pool that runs blocking handlers.
  int worker_threads = 1;
  int grace_ms = 10'000;

  // Blocking handlers (the foundation services' SQLite calls): the workers do
  // the work, one loop thread keeps up with the connections.
  static ServerFlags ForBlockingHandlers() { return {.io_threads = 1, .worker_threads = 4}; }
  // Coroutine handlers (the VAS and the BFF, which await upstream calls): the
  // loop threads do the work; the pool only needs its one thread.
  static ServerFlags ForCoroutineHandlers() { return {.io_threads = 2, .worker_threads = 1}; }

  // --help and the flags above, their defaults the current values.
  void AddTo(boost::program_options::options_description& description);

  // Checks the values and fills in the listen address and the server's options
  // (with /metrics, which every service serves). Prints why and returns false
  // when a value is out of range.
  bool Apply(std::string_view name, ListenAddress& address, twirp::ServerOptions& server) const;

  std::chrono::milliseconds grace() const { return std::chrono::milliseconds(grace_ms); }
};

// The flags of a service whose coroutine handlers call upstream services (the
// Tracks VAS, the mobile BFF).
struct UpstreamCallerFlags {
  ServerFlags server = ServerFlags::ForCoroutineHandlers();
  int request_timeout_ms = 0;
  // Each upstream call's own limit from its start, which a request's deadline
  // only shortens (domain/common/upstream_deadline.h).
  int upstream_timeout_ms = 5'000;
  // Each upstream client's circuit breaker (ClientOptions::circuit_breaker):
  // failures in a row that open it (0: no breaker), and how long it stays open.
  int breaker_failures = 3;
  int breaker_open_ms = 1'000;

  // The server's flags, --request-timeout-ms, --upstream-timeout-ms,
  // --breaker-failures, --breaker-open-ms.
  void AddTo(boost::program_options::options_description& description);

  // ServerFlags::Apply, and the upstream clients' options.
  bool Apply(std::string_view name, ListenAddress& address, twirp::ServerOptions& server,
             twirp::ClientOptions& clients) const;
};

// What GET /readyz checks beyond "listening" (answering at all proves that):
// nullopt when ready, else why not, in a few words ("store: ...", "upstream
// track_metadata unreachable"); no addresses: the reason is sent in the body.
// Runs on the server's event loop: it awaits I/O, or does very little. Each main
// fills one in (process/health.h has the upstream check).
using ReadinessCheck = std::function<twirp::Awaitable<std::optional<std::string>>()>;

// Serves GET /healthz and GET /readyz (`readiness`; null: ready once listening)
// beside the Twirp routes (process/health.h), listens on `address`, starts
// `server`, prints "<name> listening on http://HOST:PORT" (the launcher reads
// it to learn the port, then polls /readyz), waits for one of the
// `stop_signals`, then shuts down with `grace` for requests in flight.
// Returns the process exit code: 0 after a clean shutdown, 1 if it cannot listen.
int ServeUntilStopped(twirp::Server& server, std::string_view name, const ListenAddress& address,
                      const twirp::StopSignals& stop_signals, std::chrono::milliseconds grace,
                      ReadinessCheck readiness = nullptr);

}  // namespace domain
