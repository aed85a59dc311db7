// Who may see which track: the one place the access rules of the reference
// system live (domain-rules.md, "Access rules"). Pure functions over the
// foundation's track records and the viewer, so that every rule is tested
// without a network; the service fetches the facts they need.
//
// A track is hidden from a viewer when
//   - the viewer's country is one of its blocked_territories, or is unknown
//     ("") and the track is blocked anywhere (geoblock);
//   - it is private, the viewer is not its artist and has not given its
//     secret_token;
//   - its artist has blocked the viewer (signed-in viewers only: an anonymous
//     viewer cannot be blocked).
#pragma once

#include <cstdint>
#include <set>
#include <string_view>
#include <vector>

#include "foundation/tracks/v1/track_metadata.pb.h"
#include "twirpcpp/result.h"
#include "vas/tracks/v1/tracks.pb.h"

namespace vas::tracks {

using TrackRecord = ::foundation::tracks::v1::Track;
using Viewer = ::vas::tracks::v1::Viewer;

// Why a track is hidden, for logs and tests; callers treat every value but
// kVisible alike, so that a hidden track is indistinguishable from an unknown one.
enum class Access {
  kVisible,
  kGeoblocked,
  kPrivate,
  kBlockedByArtist,
};

std::string_view AccessName(Access access);

// The artists (users) who have blocked the viewer, as Users.FindBlockers says.
using Blockers = std::set<std::int64_t>;

bool IsSignedIn(const Viewer& viewer);

// The rules that need nothing but the record and the viewer: geoblock and
// private. kVisible here may still be hidden by the block rule.
Access StaticAccess(const TrackRecord& track, const Viewer& viewer);

// All the rules. `blockers` must be the answer to FindBlockers(viewer, artists)
// for a signed-in viewer; it is ignored for an anonymous one.
Access CheckAccess(const TrackRecord& track, const Viewer& viewer, const Blockers& blockers);

// The artists to ask FindBlockers about: each artist once, in order of first
// appearance, of the tracks the static rules leave visible, except the viewer
// themself. Empty for an anonymous viewer, who is never blocked: then the call
// is not made.
std::vector<std::int64_t> BlockCandidates(const std::vector<const TrackRecord*>& tracks,
                                          const Viewer& viewer);

// A viewer as it arrives in a request: a negative user id is invalid_argument
// (argument "viewer.user_id").
twirp::Result<void> ValidateViewer(const Viewer& viewer);

// Commands act for a signed-in viewer: unauthenticated otherwise.
twirp::Result<void> RequireSignedIn(const Viewer& viewer);

// What a command answers for a track that is unknown or hidden: the same
// not_found either way, so that a command never reveals a hidden track.
twirp::Error TrackNotFound(std::int64_t track_id);

// DownloadTrack on a track the viewer may see: permission_denied unless the
// track is downloadable.
twirp::Result<void> CheckDownloadable(const TrackRecord& track);

}  // namespace vas::tracks
