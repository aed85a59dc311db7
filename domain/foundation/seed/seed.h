// The reference system's deterministic data set. Every foundation service
// writes its own part from its `--seed` flag into a new database, so that the
// databases agree without any service touching another's.
//
// The special cases below are fixed so that end-to-end tests can name them.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "twirpcpp/result.h"

namespace foundation::likes {
class LikesStore;
}
namespace foundation::reposts {
class RepostsStore;
}
namespace foundation::tracks {
class TracksStore;
}
namespace foundation::users {
class UsersStore;
}

namespace foundation::seed {

inline constexpr std::int64_t kUserCount = 1000;    // ids 1..kUserCount
inline constexpr std::int64_t kTrackCount = 10000;  // ids 1..kTrackCount

// Users 1..5 are demo users who can sign in with these session tokens. They
// like nothing except alice (tracks kPlainTrack and kGeoblockedTrack), and no
// random block involves them.
struct DemoUser {
  std::int64_t id;
  std::string_view username;
  std::string_view token;
};
inline constexpr std::array<DemoUser, 5> kDemoUsers{{
    {1, "alice", "demo-token-alice"},
    {2, "bob", "demo-token-bob"},
    {3, "carol", "demo-token-carol"},
    {4, "dave", "demo-token-dave"},
    {5, "erin", "demo-token-erin"},
}};
inline constexpr std::int64_t kAlice = 1;
inline constexpr std::int64_t kBob = 2;

// Artists are users 6..505: track t is by 6 + (t-1) % 500, except kPrivateTrack.
inline constexpr std::int64_t kFirstArtist = 6;
inline constexpr std::int64_t kArtistCount = 500;

// Track 1: public, downloadable, by user 6; liked by alice and users 10..59.
inline constexpr std::int64_t kPlainTrack = 1;
inline constexpr std::int64_t kPlainTrackLikes = 51;
// Track 1 is reposted by users 10..19, track 3 by alice; nothing else is.
inline constexpr std::int64_t kPlainTrackReposts = 10;
// Track 2: private, by alice, secret token "secret-2".
inline constexpr std::int64_t kPrivateTrack = 2;
// Track 3: public, blocked in DE only; liked by alice.
inline constexpr std::int64_t kGeoblockedTrack = 3;
// Track 4: public, by user 9, who has blocked bob.
inline constexpr std::int64_t kBlockedArtistTrack = 4;
inline constexpr std::int64_t kBlockingArtist = 9;
// Track 5: public, visible everywhere, not downloadable, no likes.
inline constexpr std::int64_t kNotDownloadableTrack = 5;
// Track 13: public, blocked in US and CA.
inline constexpr std::int64_t kGeoblockedUsCaTrack = 13;

// The rules behind those, for all tracks.
constexpr std::int64_t ArtistOf(std::int64_t track_id) {
  return track_id == kPrivateTrack ? kAlice : kFirstArtist + (track_id - 1) % kArtistCount;
}
constexpr bool IsPrivate(std::int64_t track_id) { return track_id % 50 == 2; }
// "DE" when track_id % 50 == 3, "US","CA" when track_id % 50 == 13.
constexpr bool IsGeoblocked(std::int64_t track_id) {
  return track_id % 50 == 3 || track_id % 50 == 13;
}
constexpr bool IsDownloadable(std::int64_t track_id) {
  return track_id % 5 == 1 && !IsPrivate(track_id);
}
// The secret token of a private track's share link.
inline std::string SecretToken(std::int64_t track_id) {
  return "secret-" + std::to_string(track_id);
}

// Write the data set into a new store; call from the store's Open populate
// callback (it runs in the transaction that creates the database).
twirp::Result<void> SeedUsers(users::UsersStore& store);
twirp::Result<void> SeedTracks(tracks::TracksStore& store);
twirp::Result<void> SeedLikes(likes::LikesStore& store);
twirp::Result<void> SeedReposts(reposts::RepostsStore& store);

}  // namespace foundation::seed
