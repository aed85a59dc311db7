// The Tracks VAS access rules (domain-rules.md, "Access rules") as pure
// functions: every rule, for anonymous and signed-in viewers, without a network.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "vas/tracks/access_policy.h"

namespace tracks_v1 = foundation::tracks::v1;
using vas::tracks::Access;
using vas::tracks::BlockCandidates;
using vas::tracks::Blockers;
using vas::tracks::CheckAccess;
using vas::tracks::CheckDownloadable;
using vas::tracks::RequireSignedIn;
using vas::tracks::StaticAccess;
using vas::tracks::TrackRecord;
using vas::tracks::Viewer;

namespace {

constexpr std::int64_t kArtist = 9;
constexpr std::int64_t kListener = 2;

TrackRecord PublicTrack(std::int64_t id = 1, std::int64_t artist = kArtist) {
  TrackRecord track;
  track.set_id(id);
  track.set_artist_user_id(artist);
  track.set_visibility(tracks_v1::VISIBILITY_PUBLIC);
  return track;
}

TrackRecord PrivateTrack(std::int64_t id = 2, std::int64_t artist = kArtist) {
  TrackRecord track = PublicTrack(id, artist);
  track.set_visibility(tracks_v1::VISIBILITY_PRIVATE);
  track.set_secret_token("secret-" + std::to_string(id));
  return track;
}

Viewer Anonymous(const std::string& country = "") {
  Viewer viewer;
  viewer.set_country(country);
  return viewer;
}

Viewer SignedIn(std::int64_t user_id, const std::string& country = "") {
  Viewer viewer = Anonymous(country);
  viewer.set_user_id(user_id);
  return viewer;
}

}  // namespace

TEST_CASE("access: a public track is visible to anonymous and signed-in viewers") {
  CHECK(CheckAccess(PublicTrack(), Anonymous(), {}) == Access::kVisible);
  CHECK(CheckAccess(PublicTrack(), SignedIn(kListener, "DE"), {}) == Access::kVisible);
}

TEST_CASE("access: a track is hidden from a viewer in one of its blocked territories") {
  TrackRecord track = PublicTrack();
  track.add_blocked_territories("US");
  track.add_blocked_territories("CA");
  CHECK(CheckAccess(track, Anonymous("CA"), {}) == Access::kGeoblocked);
  CHECK(CheckAccess(track, SignedIn(kListener, "US"), {}) == Access::kGeoblocked);
  // Country codes are case-insensitive.
  CHECK(CheckAccess(track, Anonymous("us"), {}) == Access::kGeoblocked);
  CHECK(CheckAccess(track, Anonymous("DE"), {}) == Access::kVisible);
  // An unknown country is the strictest: blocked wherever the track is blocked.
  CHECK(CheckAccess(track, Anonymous(""), {}) == Access::kGeoblocked);
  CHECK(CheckAccess(track, SignedIn(kListener, ""), {}) == Access::kGeoblocked);
  CHECK(CheckAccess(PublicTrack(), Anonymous(""), {}) == Access::kVisible);
  // The geoblock applies to the artist too: it is about where the track plays.
  CHECK(CheckAccess(track, SignedIn(kArtist, "US"), {}) == Access::kGeoblocked);
}

TEST_CASE("access: a private track is hidden unless the viewer is its artist or gives its token") {
  const TrackRecord track = PrivateTrack();
  CHECK(CheckAccess(track, Anonymous(), {}) == Access::kPrivate);
  CHECK(CheckAccess(track, SignedIn(kListener), {}) == Access::kPrivate);
  CHECK(CheckAccess(track, SignedIn(kArtist), {}) == Access::kVisible);

  Viewer with_token = Anonymous();
  with_token.add_secret_tokens("secret-other");
  CHECK(CheckAccess(track, with_token, {}) == Access::kPrivate);
  with_token.add_secret_tokens("secret-2");
  CHECK(CheckAccess(track, with_token, {}) == Access::kVisible);
  Viewer signed_in_with_token = SignedIn(kListener);
  signed_in_with_token.add_secret_tokens("secret-2");
  CHECK(CheckAccess(track, signed_in_with_token, {}) == Access::kVisible);
}

TEST_CASE("access: a share token opens a private track only byte for byte") {
  const TrackRecord track = PrivateTrack();  // its token is "secret-2"
  for (const char* near_miss : {"secret-3", "Secret-2", "secret-", "secret-22"}) {
    INFO("token " << near_miss);
    Viewer viewer = Anonymous();
    viewer.add_secret_tokens(near_miss);
    CHECK(CheckAccess(track, viewer, {}) == Access::kPrivate);
  }
  Viewer with_embedded_nul = Anonymous();
  with_embedded_nul.add_secret_tokens(std::string("secret-2\0", 9));
  CHECK(CheckAccess(track, with_embedded_nul, {}) == Access::kPrivate);
}

TEST_CASE("access: a private track without a token cannot be opened with an empty token") {
  TrackRecord track = PrivateTrack();
  track.clear_secret_token();
  Viewer viewer = Anonymous();
  viewer.add_secret_tokens("");
  CHECK(CheckAccess(track, viewer, {}) == Access::kPrivate);
}

TEST_CASE("access: a track is hidden from a signed-in viewer its artist has blocked") {
  const Blockers blockers{kArtist};
  CHECK(CheckAccess(PublicTrack(), SignedIn(kListener), blockers) == Access::kBlockedByArtist);
  CHECK(CheckAccess(PublicTrack(1, 10), SignedIn(kListener), blockers) == Access::kVisible);
  // Blocks are between users: an anonymous viewer is never blocked.
  CHECK(CheckAccess(PublicTrack(), Anonymous(), blockers) == Access::kVisible);
}

TEST_CASE("access: the static rules leave the block rule for later") {
  CHECK(StaticAccess(PublicTrack(), SignedIn(kListener)) == Access::kVisible);
  CHECK(StaticAccess(PrivateTrack(), SignedIn(kListener)) == Access::kPrivate);
}

TEST_CASE("access: FindBlockers is asked about each artist of the still visible tracks once") {
  const TrackRecord a = PublicTrack(1, 9);
  const TrackRecord b = PublicTrack(3, 10);
  const TrackRecord c = PublicTrack(4, 9);
  const TrackRecord hidden = PrivateTrack(5, 11);
  const TrackRecord own = PublicTrack(6, kListener);
  const std::vector<const TrackRecord*> tracks{&a, &b, &c, &hidden, &own};

  CHECK(BlockCandidates(tracks, SignedIn(kListener)) == std::vector<std::int64_t>{9, 10});
  // Anonymous viewers cannot be blocked: no call at all.
  CHECK(BlockCandidates(tracks, Anonymous()).empty());
}

TEST_CASE("access: commands need a signed-in viewer; a negative user id is invalid") {
  auto anonymous = RequireSignedIn(Anonymous());
  REQUIRE_FALSE(anonymous.ok());
  CHECK(anonymous.error().code() == twirp::ErrorCode::kUnauthenticated);
  CHECK(RequireSignedIn(SignedIn(kListener)).ok());

  auto negative = RequireSignedIn(SignedIn(-1));
  REQUIRE_FALSE(negative.ok());
  CHECK(negative.error().code() == twirp::ErrorCode::kInvalidArgument);
  CHECK(negative.error().meta("argument") == "viewer.user_id");
}

TEST_CASE("access: unknown and hidden tracks give the same not_found") {
  const twirp::Error error = vas::tracks::TrackNotFound(7);
  CHECK(error.code() == twirp::ErrorCode::kNotFound);
  CHECK(error.msg() == "track 7 not found");
}

TEST_CASE("access: downloading a visible track needs it to be downloadable") {
  TrackRecord track = PublicTrack();
  auto refused = CheckDownloadable(track);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code() == twirp::ErrorCode::kPermissionDenied);
  track.set_downloadable(true);
  CHECK(CheckDownloadable(track).ok());
}
