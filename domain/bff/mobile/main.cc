// mobile-bff --listen 127.0.0.1:PORT --tracks-url URL --users-url URL
//            [--io-threads N] [--request-timeout-ms MS] [--upstream-timeout-ms MS]
//            [--breaker-failures N] [--breaker-open-ms MS]
//            [--shutdown-grace-ms MS] [--metrics-listen 127.0.0.1:PORT]
//            [--trusted-proxies CIDR,...] [--rate-limit-token RPS:BURST]
//            [--rate-limit-address RPS:BURST] [--rate-limit-signin PER_MINUTE]
//
// The mobile backend-for-frontend: the app's HTTP JSON API under /mobile/v1/
// (see mobile/api.h), with /metrics, until SIGINT or SIGTERM, then a graceful
// shutdown: requests in flight are answered first. The app's port faces the
// public; --metrics-listen moves /metrics off it to an internal address.
// Every request gets its deadline here, at the edge (--request-timeout-ms, 2 s by
// default), and passes it on to the VAS, which passes it on in turn
// (docs/domain-rules.md, "Deadlines, budgets and breakers"). The edge's other
// duties, rate limits and whose X-Country counts among them, are edge/edge.h's
// (docs/domain-rules.md, "Edge rules").
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include <boost/program_options.hpp>

#include "mobile/api.h"
#include "process/health.h"
#include "process/service_process.h"
#include "twirpcpp/client.h"
#include "twirpcpp/server.h"

namespace {

namespace po = boost::program_options;
constexpr std::string_view kName = "mobile-bff";
// The edge's deadline: what an app waits at most for an answer.
constexpr int kDefaultRequestTimeoutMs = 2'000;

}  // namespace

int main(int argc, char* argv[]) {
  domain::UpstreamCallerFlags flags;
  flags.request_timeout_ms = kDefaultRequestTimeoutMs;
  std::string tracks_url;
  std::string users_url;
  std::string metrics_listen;
  bff::edge::EdgeFlags edge_flags;

  po::options_description description(std::string(kName) + " options");
  flags.AddTo(description);
  edge_flags.AddTo(description);
  description.add_options()("tracks-url", po::value(&tracks_url)->required(),
                            "base URL of the Tracks VAS (vas.tracks.v1.Tracks)")(
      "users-url", po::value(&users_url)->required(),
      "base URL of foundation.users.v1.Users (sign-in only)")(
      "metrics-listen", po::value(&metrics_listen),
      "serve /metrics on this address:port only, not on --listen");
  if (auto exit_code = domain::ParseFlags(kName, argc, argv, description)) return *exit_code;
  domain::ListenAddress address;
  twirp::ServerOptions options;
  twirp::ClientOptions client_options;
  if (!flags.Apply(kName, address, options, client_options)) return 2;
  bff::edge::EdgeOptions edge_options;
  if (!edge_flags.Apply(kName, edge_options)) return 2;
  if (!metrics_listen.empty()) {
    domain::ListenAddress metrics_address;
    if (!domain::ParseListen(metrics_listen, metrics_address)) {
      std::cerr << kName << ": --metrics-listen wants address:port, got \"" << metrics_listen
                << "\"\n";
      return 2;
    }
    options.metrics.listen_address = metrics_address.host;
    options.metrics.listen_port = metrics_address.port;
  }

  // Before the clients and the server start their threads, which inherit the
  // blocked signals.
  const twirp::StopSignals stop_signals;

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

  // Every screen needs the VAS; Users only signs in (anonymous reads go on).
  auto readiness = domain::UpstreamsReachable({{"tracks", tracks_url}});
  if (!readiness.ok()) {
    std::cerr << kName << ": --tracks-url: " << readiness.error().msg() << "\n";
    return 2;
  }

  twirp::Server server(options);
  bff::mobile::RegisterMobileApi(
      server,
      std::make_shared<bff::mobile::MobileApi>(
          bff::mobile::Upstreams{vas::tracks::v1::TracksClient(std::move(tracks).value()),
                                 foundation::users::v1::UsersClient(std::move(users).value()),
                                 client_options.default_timeout},
          std::move(edge_options)));
  return domain::ServeUntilStopped(server, kName, address, stop_signals, flags.server.grace(),
                                   std::move(readiness).value());
}
