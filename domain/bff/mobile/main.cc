// mobile-bff --listen 127.0.0.1:PORT --tracks-url URL --users-url URL
//            [--threads N] [--request-timeout-ms MS] [--upstream-timeout-ms MS]
//            [--shutdown-grace-ms MS]
//
// The mobile backend-for-frontend: the app's HTTP JSON API under /mobile/v1/
// (see mobile/api.h), with /metrics, until SIGINT or SIGTERM, then a graceful
// shutdown: requests in flight are answered first.
#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>

#include <boost/program_options.hpp>

#include "mobile/api.h"
#include "process/service_process.h"
#include "twirpcpp/client.h"
#include "twirpcpp/server.h"

namespace {

namespace po = boost::program_options;
constexpr std::string_view kName = "mobile-bff";

}  // namespace

int main(int argc, char* argv[]) {
  std::string listen;
  std::string tracks_url;
  std::string users_url;
  twirp::ServerOptions options;
  int request_timeout_ms = 0;
  int upstream_timeout_ms = 5'000;
  int grace_ms = 10'000;

  po::options_description description(std::string(kName) + " options");
  description.add_options()
      ("help,h", "show this help")
      ("listen", po::value(&listen)->default_value("127.0.0.1:0"),
       "address:port to listen on (port 0 picks one; the chosen one is printed)")
      ("tracks-url", po::value(&tracks_url)->required(), "base URL of the Tracks VAS (vas.tracks.v1.Tracks)")
      ("users-url", po::value(&users_url)->required(),
       "base URL of foundation.users.v1.Users (sign-in only)")
      ("threads", po::value(&options.io_threads)->default_value(2),
       "threads running the (coroutine) handlers and connections")
      ("request-timeout-ms", po::value(&request_timeout_ms)->default_value(0),
       "deadline of each request, passed on to its upstream calls (0: none)")
      ("upstream-timeout-ms", po::value(&upstream_timeout_ms)->default_value(5'000),
       "deadline of an upstream call when its request has none")
      ("shutdown-grace-ms", po::value(&grace_ms)->default_value(10'000),
       "time given to requests in flight on shutdown");
  po::variables_map vars;
  try {
    po::store(po::parse_command_line(argc, argv, description), vars);
    if (vars.count("help")) {
      std::cout << description;
      return 0;
    }
    po::notify(vars);
  } catch (const po::error& e) {
    std::cerr << kName << ": " << e.what() << "\n" << description;
    return 2;
  }
  domain::ListenAddress address;
  if (!domain::ParseListen(listen, address)) {
    std::cerr << kName << ": --listen wants address:port, got \"" << listen << "\"\n";
    return 2;
  }
  if (options.io_threads < 1 || request_timeout_ms < 0 || upstream_timeout_ms < 1) {
    std::cerr << kName << ": --threads and --upstream-timeout-ms must be at least 1, "
              << "--request-timeout-ms not negative\n";
    return 2;
  }
  // Every handler is a coroutine: the blocking worker pool only needs a thread.
  options.worker_threads = 1;
  if (request_timeout_ms > 0) {
    options.request_deadline = std::chrono::milliseconds(request_timeout_ms);
  }

  // Before the clients and the server start their threads, which inherit it.
  const sigset_t stop_signals = domain::BlockStopSignals();

  twirp::ClientOptions client_options;
  client_options.default_timeout = std::chrono::milliseconds(upstream_timeout_ms);
  auto tracks = twirp::Client::Create(tracks_url, client_options);
  if (!tracks.ok()) {
    std::cerr << kName << ": --tracks-url: " << tracks.error().msg() << "\n";
    return 2;
  }
  auto users = twirp::Client::Create(users_url, client_options);
  if (!users.ok()) {
    std::cerr << kName << ": --users-url: " << users.error().msg() << "\n";
    return 2;
  }

  options.metrics.enabled = true;
  twirp::Server server(options);
  bff::mobile::RegisterMobileApi(
      server, std::make_shared<bff::mobile::MobileApi>(bff::mobile::Upstreams{
                  vas::tracks::v1::TracksClient(std::move(tracks).value()),
                  foundation::users::v1::UsersClient(std::move(users).value())}));
  return domain::ServeUntilStopped(server, kName, address, stop_signals,
                                   std::chrono::milliseconds(grace_ms));
}
