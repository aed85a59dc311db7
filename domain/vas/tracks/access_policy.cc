#include "vas/tracks/access_policy.h"

#include <algorithm>
#include <string>

#include "common/ascii.h"
#include "common/secrets.h"

namespace vas::tracks {

std::string_view AccessName(Access access) {
  switch (access) {
    case Access::kVisible: return "visible";
    case Access::kGeoblocked: return "geoblocked";
    case Access::kPrivate: return "private";
    case Access::kBlockedByArtist: return "blocked_by_artist";
  }
  return "unknown";
}

bool IsSignedIn(const Viewer& viewer) { return viewer.user_id() > 0; }

namespace {

// Country codes are compared as ISO 3166 defines them, without regard to case.
bool SameCountry(std::string_view a, std::string_view b) {
  return domain::EqualsIgnoringAsciiCase(a, b);
}

}  // namespace

Access StaticAccess(const TrackRecord& track, const Viewer& viewer) {
  // An unknown country ("") is the strictest: a track blocked anywhere is
  // blocked for it, so that a viewer who hides where they are gains nothing.
  const bool geoblocked =
      viewer.country().empty()
          ? !track.blocked_territories().empty()
          : std::ranges::any_of(track.blocked_territories(), [&](const std::string& territory) {
              return SameCountry(territory, viewer.country());
            });
  if (geoblocked) return Access::kGeoblocked;
  if (track.visibility() == ::foundation::tracks::v1::VISIBILITY_PRIVATE) {
    const bool is_artist = IsSignedIn(viewer) && viewer.user_id() == track.artist_user_id();
    // A private track without a token has no share link: nothing can match it.
    // Each candidate is compared in constant time, so the answer's timing says
    // nothing about how much of a guessed share token was right.
    const bool has_token =
        !track.secret_token().empty() &&
        std::ranges::any_of(viewer.secret_tokens(), [&](const std::string& candidate) {
          return domain::ConstantTimeEquals(candidate, track.secret_token());
        });
    if (!is_artist && !has_token) return Access::kPrivate;
  }
  return Access::kVisible;
}

Access CheckAccess(const TrackRecord& track, const Viewer& viewer, const Blockers& blockers) {
  if (const Access access = StaticAccess(track, viewer); access != Access::kVisible) return access;
  if (IsSignedIn(viewer) && blockers.contains(track.artist_user_id())) {
    return Access::kBlockedByArtist;
  }
  return Access::kVisible;
}

std::vector<std::int64_t> BlockCandidates(const std::vector<const TrackRecord*>& tracks,
                                          const Viewer& viewer) {
  std::vector<std::int64_t> candidates;
  if (!IsSignedIn(viewer)) return candidates;
  for (const TrackRecord* track : tracks) {
    const std::int64_t artist = track->artist_user_id();
    if (artist == viewer.user_id() || StaticAccess(*track, viewer) != Access::kVisible) continue;
    if (std::ranges::find(candidates, artist) == candidates.end()) candidates.push_back(artist);
  }
  return candidates;
}

twirp::Result<void> ValidateViewer(const Viewer& viewer) {
  if (viewer.user_id() < 0) {
    return twirp::InvalidArgumentError("viewer.user_id", "must not be negative");
  }
  return twirp::Ok();
}

twirp::Result<void> RequireSignedIn(const Viewer& viewer) {
  if (auto valid = ValidateViewer(viewer); !valid.ok()) return valid;
  if (!IsSignedIn(viewer)) return twirp::UnauthenticatedError("a signed-in viewer is required");
  return twirp::Ok();
}

twirp::Error TrackNotFound(std::int64_t track_id) {
  return twirp::NotFoundError("track " + std::to_string(track_id) + " not found");
}

twirp::Result<void> CheckDownloadable(const TrackRecord& track) {
  if (!track.downloadable()) {
    return twirp::PermissionDeniedError("track " + std::to_string(track.id()) +
                                        " is not downloadable");
  }
  return twirp::Ok();
}

}  // namespace vas::tracks
