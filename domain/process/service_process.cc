#include "process/service_process.h"

#include <exception>
#include <iostream>
#include <utility>

#include <boost/program_options.hpp>

#include "process/health.h"

namespace domain {

bool ParseListen(const std::string& text, ListenAddress& out) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  try {
    std::size_t used = 0;
    const unsigned long value = std::stoul(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || value > 65535) return false;
    out.host = text.substr(0, colon);
    out.port = static_cast<std::uint16_t>(value);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

namespace po = boost::program_options;

std::optional<int> ParseFlags(std::string_view name, int argc, char* argv[],
                              const po::options_description& description) {
  po::variables_map vars;
  try {
    po::store(po::parse_command_line(argc, argv, description), vars);
    // Before notify(), so that --help works without the required flags.
    if (vars.contains("help")) {
      std::cout << description;
      return 0;
    }
    po::notify(vars);
  } catch (const po::error& e) {
    std::cerr << name << ": " << e.what() << "\n" << description;
    return 2;
  }
  return std::nullopt;
}

void ServerFlags::AddTo(po::options_description& description) {
  description.add_options()("help,h", "show this help")(
      "listen", po::value(&listen)->default_value(listen),
      "address:port to listen on (port 0 picks one; the chosen one is printed)")(
      "io-threads", po::value(&io_threads)->default_value(io_threads),
      "event loop threads: connections and coroutine handlers")(
      "worker-threads", po::value(&worker_threads)->default_value(worker_threads),
      "threads of the pool that runs blocking handlers")(
      "shutdown-grace-ms", po::value(&grace_ms)->default_value(grace_ms),
      "time given to requests in flight on shutdown");
}

bool ServerFlags::Apply(std::string_view name, ListenAddress& address,
                        twirp::ServerOptions& server) const {
  if (!ParseListen(listen, address)) {
    std::cerr << name << ": --listen wants address:port, got \"" << listen << "\"\n";
    return false;
  }
  if (io_threads < 1 || worker_threads < 1 || grace_ms < 0) {
    std::cerr << name << ": --io-threads and --worker-threads must be at least 1, "
              << "--shutdown-grace-ms not negative\n";
    return false;
  }
  server.io_threads = io_threads;
  server.worker_threads = worker_threads;
  server.metrics.enabled = true;
  return true;
}

void UpstreamCallerFlags::AddTo(po::options_description& description) {
  server.AddTo(description);
  description.add_options()("request-timeout-ms",
                            po::value(&request_timeout_ms)->default_value(request_timeout_ms),
                            "deadline of each request, passed on to its upstream calls (0: none)")(
      "upstream-timeout-ms", po::value(&upstream_timeout_ms)->default_value(upstream_timeout_ms),
      "deadline of an upstream call from its start; a request's deadline only shortens it")(
      "breaker-failures", po::value(&breaker_failures)->default_value(breaker_failures),
      "failed calls in a row that open an upstream's circuit breaker (0: no breaker)")(
      "breaker-open-ms", po::value(&breaker_open_ms)->default_value(breaker_open_ms),
      "how long an open breaker fails calls at once before one probe call");
}

bool UpstreamCallerFlags::Apply(std::string_view name, ListenAddress& address,
                                twirp::ServerOptions& server_options,
                                twirp::ClientOptions& clients) const {
  if (!server.Apply(name, address, server_options)) return false;
  if (request_timeout_ms < 0 || upstream_timeout_ms < 1) {
    std::cerr << name << ": --upstream-timeout-ms must be at least 1, "
              << "--request-timeout-ms not negative\n";
    return false;
  }
  if (breaker_failures < 0 || breaker_open_ms < 1) {
    std::cerr << name << ": --breaker-failures must not be negative, "
              << "--breaker-open-ms at least 1\n";
    return false;
  }
  if (breaker_failures > 0) {
    clients.circuit_breaker =
        twirp::CircuitBreakerOptions{.failure_threshold = breaker_failures,
                                     .open_duration = std::chrono::milliseconds(breaker_open_ms)};
  }
  if (request_timeout_ms > 0) {
    server_options.request_deadline = std::chrono::milliseconds(request_timeout_ms);
  }
  clients.default_timeout = std::chrono::milliseconds(upstream_timeout_ms);
  return true;
}

int ServeUntilStopped(twirp::Server& server, std::string_view name, const ListenAddress& address,
                      const twirp::StopSignals& stop_signals, std::chrono::milliseconds grace,
                      ReadinessCheck readiness) {
  ServeHealth(server, std::move(readiness));
  if (auto error = server.Listen(address.host, address.port)) {
    std::cerr << name << ": cannot listen on " << address.host << ":" << address.port << ": "
              << error.message() << "\n";
    return 1;
  }
  server.Start();
  std::cout << name << " listening on http://" << address.host << ":" << server.port() << std::endl;
  if (server.metrics_port() != 0) {
    std::cout << name << " serving metrics on http://" << server.options().metrics.listen_address
              << ":" << server.metrics_port() << server.options().metrics.path << std::endl;
  }

  const int signal = stop_signals.Wait();
  std::cout << name << ": " << twirp::StopSignals::Name(signal) << ", shutting down" << std::endl;
  server.Shutdown(grace);
  server.Wait();
  return 0;
}

}  // namespace domain
