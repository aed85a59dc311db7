#include "process/service_process.h"

#include <pthread.h>

#include <exception>
#include <iostream>

#include <boost/program_options.hpp>

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
    if (vars.count("help")) {
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

void UpstreamCallerFlags::AddTo(po::options_description& description) {
  description.add_options()
      ("help,h", "show this help")
      ("listen", po::value(&listen)->default_value(listen),
       "address:port to listen on (port 0 picks one; the chosen one is printed)")
      ("threads", po::value(&threads)->default_value(threads),
       "threads running the (coroutine) handlers and connections")
      ("request-timeout-ms", po::value(&request_timeout_ms)->default_value(request_timeout_ms),
       "deadline of each request, passed on to its upstream calls (0: none)")
      ("upstream-timeout-ms", po::value(&upstream_timeout_ms)->default_value(upstream_timeout_ms),
       "deadline of an upstream call when its request has none")
      ("shutdown-grace-ms", po::value(&grace_ms)->default_value(grace_ms),
       "time given to requests in flight on shutdown");
}

bool UpstreamCallerFlags::Apply(std::string_view name, ListenAddress& address,
                                twirp::ServerOptions& server, twirp::ClientOptions& clients) const {
  if (!ParseListen(listen, address)) {
    std::cerr << name << ": --listen wants address:port, got \"" << listen << "\"\n";
    return false;
  }
  if (threads < 1 || request_timeout_ms < 0 || upstream_timeout_ms < 1 || grace_ms < 0) {
    std::cerr << name << ": --threads and --upstream-timeout-ms must be at least 1, "
              << "--request-timeout-ms and --shutdown-grace-ms not negative\n";
    return false;
  }
  server.io_threads = threads;
  // Every handler is a coroutine: the blocking worker pool only needs a thread.
  server.worker_threads = 1;
  if (request_timeout_ms > 0) server.request_deadline = std::chrono::milliseconds(request_timeout_ms);
  server.metrics.enabled = true;
  clients.default_timeout = std::chrono::milliseconds(upstream_timeout_ms);
  return true;
}

sigset_t BlockStopSignals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  return stop_signals;
}

int ServeUntilStopped(twirp::Server& server, std::string_view name, const ListenAddress& address,
                      const sigset_t& stop_signals, std::chrono::milliseconds grace) {
  if (auto error = server.Listen(address.host, address.port)) {
    std::cerr << name << ": cannot listen on " << address.host << ":" << address.port << ": "
              << error.message() << "\n";
    return 1;
  }
  server.Start();
  std::cout << name << " listening on http://" << address.host << ":" << server.port() << std::endl;

  int signal = 0;
  sigwait(&stop_signals, &signal);
  std::cout << name << ": " << (signal == SIGINT ? "SIGINT" : "SIGTERM") << ", shutting down"
            << std::endl;
  server.Shutdown(grace);
  server.Wait();
  return 0;
}

}  // namespace domain
