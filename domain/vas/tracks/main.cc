// vas-tracks --listen 127.0.0.1:PORT --track-metadata-url URL --likes-url URL
//            --users-url URL [--io-threads N] [--request-timeout-ms MS]
//            [--upstream-timeout-ms MS] [--optional-upstream-timeout-ms MS]
//            [--breaker-failures N] [--breaker-open-ms MS] [--shutdown-grace-ms MS]
//            [--artist-index-capacity TRACKS]
//
// The Tracks VAS. Serves Twirp with /metrics until SIGINT or SIGTERM, then shuts
// down gracefully: requests in flight are answered first.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <boost/program_options.hpp>

#include "process/health.h"
#include "process/service_process.h"
#include "twirpcpp/server.h"
#include "vas/tracks/service.h"
#include "vas/tracks/upstreams.h"

namespace {

namespace po = boost::program_options;
constexpr std::string_view kName = "vas-tracks";

}  // namespace

int main(int argc, char* argv[]) {
  domain::UpstreamCallerFlags flags;
  vas::tracks::UpstreamUrls urls;
  // Signed, so that a negative value is refused rather than wrapped around.
  std::int64_t artist_index_capacity = vas::tracks::kDefaultArtistIndexCapacity;
  int optional_upstream_timeout_ms =
      static_cast<int>(vas::tracks::kDefaultOptionalUpstreamTimeout.count());

  po::options_description description(std::string(kName) + " options");
  flags.AddTo(description);
  description.add_options()("track-metadata-url", po::value(&urls.track_metadata)->required(),
                            "base URL of foundation.tracks.v1.TrackMetadata")(
      "likes-url", po::value(&urls.likes)->required(), "base URL of foundation.likes.v1.Likes")(
      "users-url", po::value(&urls.users)->required(), "base URL of foundation.users.v1.Users")(
      "artist-index-capacity",
      po::value(&artist_index_capacity)->default_value(artist_index_capacity),
      "tracks whose artist GetTracks remembers, to ask Users about the artists in parallel "
      "with TrackMetadata; 0: no index, the artist calls wait for the records")(
      "optional-upstream-timeout-ms",
      po::value(&optional_upstream_timeout_ms)->default_value(optional_upstream_timeout_ms),
      "deadline of an optional upstream call (artist profiles, like counts, liked state) from "
      "its start, never past the request's; when it passes, that part is degraded");
  if (auto exit_code = domain::ParseFlags(kName, argc, argv, description)) return *exit_code;
  domain::ListenAddress address;
  twirp::ServerOptions options;
  twirp::ClientOptions client_options;
  if (!flags.Apply(kName, address, options, client_options)) return 2;
  if (artist_index_capacity < 0) {
    std::cerr << kName << ": --artist-index-capacity must not be negative\n";
    return 2;
  }
  if (optional_upstream_timeout_ms < 1) {
    std::cerr << kName << ": --optional-upstream-timeout-ms must be at least 1\n";
    return 2;
  }

  // Before the clients and the server start their threads, which inherit the
  // blocked signals.
  const twirp::StopSignals stop_signals;

  auto upstreams = vas::tracks::Upstreams::Create(urls, client_options);
  if (!upstreams.ok()) {
    std::string flag(upstreams.error().meta("argument"));  // "likes_url"
    std::ranges::replace(flag, '_', '-');
    std::cerr << kName << ": --" << flag << ": " << upstreams.error().msg() << "\n";
    return 2;
  }

  // Without TrackMetadata there is no track to show; the others only degrade.
  auto readiness = domain::UpstreamsReachable(
      {{std::string(vas::tracks::kTrackMetadataUpstream), urls.track_metadata}});
  if (!readiness.ok()) {
    std::cerr << kName << ": --track-metadata-url: " << readiness.error().msg() << "\n";
    return 2;
  }

  // The server owns the service and so its upstream clients, which it releases
  // before its own io_context: a client completing a call posts to it.
  twirp::Server server(options);
  vas::tracks::v1::RegisterTracks(
      server, std::make_shared<vas::tracks::TracksService>(
                  std::move(upstreams).value(), static_cast<std::size_t>(artist_index_capacity),
                  std::chrono::milliseconds(optional_upstream_timeout_ms)));
  return domain::ServeUntilStopped(server, kName, address, stop_signals, flags.server.grace(),
                                   std::move(readiness).value());
}
