// The foundation services the Tracks VAS calls, through their generated
// clients (never by linking their code).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "foundation/likes/v1/likes.twirp.h"
#include "foundation/tracks/v1/track_metadata.twirp.h"
#include "foundation/users/v1/users.twirp.h"
#include "twirpcpp/client.h"
#include "twirpcpp/error.h"
#include "twirpcpp/result.h"

namespace vas::tracks {

struct UpstreamUrls {
  std::string track_metadata;
  std::string likes;
  std::string users;
};

// Copyable: the generated clients share their twirp::Client.
struct Upstreams {
  ::foundation::tracks::v1::TrackMetadataClient track_metadata;
  ::foundation::likes::v1::LikesClient likes;
  ::foundation::users::v1::UsersClient users;
  // The VAS's own limit for one call from its start (--upstream-timeout-ms,
  // ClientOptions::default_timeout), which a request's deadline only shortens:
  // see domain/common/upstream_deadline.h. nullopt: the request's deadline alone.
  std::optional<std::chrono::milliseconds> timeout;

  // One twirp::Client per upstream, each on an io_context of its own: handlers
  // await their calls from the server's executor, and Client::Call may be
  // awaited from any executor. An unusable URL is invalid_argument. `timeout`
  // is options.default_timeout.
  static twirp::Result<Upstreams> Create(const UpstreamUrls& urls,
                                         const twirp::ClientOptions& options = {});
};

// The names the X-Degraded header and error meta use for the upstreams.
inline constexpr std::string_view kTrackMetadataUpstream = "track_metadata";
inline constexpr std::string_view kLikesUpstream = "likes";
inline constexpr std::string_view kUsersUpstream = "users";

// What the VAS answers when an upstream it cannot do without fails: the
// caller's deadline stays deadline_exceeded, anything else is unavailable (meta
// upstream=<name>); the upstream's own error is kept as the cause, for logs.
twirp::Error UpstreamFailure(std::string_view upstream, const twirp::Error& error);

}  // namespace vas::tracks
