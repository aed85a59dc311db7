// vas-tracks --listen 127.0.0.1:PORT --track-metadata-url URL --likes-url URL
//            --users-url URL [--threads N] [--request-timeout-ms MS]
//            [--upstream-timeout-ms MS] [--shutdown-grace-ms MS]
//
// The Tracks VAS. Serves Twirp with /metrics until SIGINT or SIGTERM, then shuts
// down gracefully: requests in flight are answered first.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <boost/program_options.hpp>

#include "process/service_process.h"
#include "twirpcpp/server.h"
#include "vas/tracks/service.h"
#include "vas/tracks/upstreams.h"

namespace {

namespace po = boost::program_options;
constexpr std::string_view kName = "vas-tracks";

}  // namespace

int main(int argc, char* argv[]) {
  std::string listen;
  vas::tracks::UpstreamUrls urls;
  twirp::ServerOptions options;
  int request_timeout_ms = 0;
  int upstream_timeout_ms = 5'000;
  int grace_ms = 10'000;

  po::options_description description(std::string(kName) + " options");
  description.add_options()
      ("help,h", "show this help")
      ("listen", po::value(&listen)->default_value("127.0.0.1:0"),
       "address:port to listen on (port 0 picks one; the chosen one is printed)")
      ("track-metadata-url", po::value(&urls.track_metadata)->required(),
       "base URL of foundation.tracks.v1.TrackMetadata")
      ("likes-url", po::value(&urls.likes)->required(), "base URL of foundation.likes.v1.Likes")
      ("users-url", po::value(&urls.users)->required(), "base URL of foundation.users.v1.Users")
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
  auto upstreams = vas::tracks::Upstreams::Create(urls, client_options);
  if (!upstreams.ok()) {
    std::string flag(upstreams.error().meta("argument"));  // "likes_url"
    std::ranges::replace(flag, '_', '-');
    std::cerr << kName << ": --" << flag << ": " << upstreams.error().msg() << "\n";
    return 2;
  }

  options.metrics.enabled = true;
  auto service = std::make_shared<vas::tracks::TracksService>(std::move(upstreams).value());
  twirp::Server server(options);
  vas::tracks::v1::RegisterTracks(server, service);
  return domain::ServeUntilStopped(server, kName, address, stop_signals,
                                   std::chrono::milliseconds(grace_ms));
}
