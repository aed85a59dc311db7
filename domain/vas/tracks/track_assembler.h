// GetTracks: the Track aggregate built from the foundation services, in one
// round trip when it can. Only the calls the field mask and the viewer need
// are made, each batched:
//   - at once, in parallel: TrackMetadata.GetTracks; Likes.CountLikes and
//     Likes.GetLikedTracks, which need only the requested ids (answers about
//     tracks that turn out hidden are dropped); and, speculatively,
//     Users.GetUsers and Users.FindBlockers about the artists the ArtistIndex
//     (artist_index.h) already knows for the requested tracks;
//   - when the records arrive: one follow-up GetUsers and/or FindBlockers, in
//     parallel, about the artists of the records the speculative calls did not
//     cover (none with a warm index; all of them with a cold one, which is then
//     two round trips).
// So TrackMetadata and each Likes method are called at most once, each Users
// method at most twice (one speculative call, one follow-up); and the answer is
// always what the records say: a stale index entry costs a follow-up call,
// never a wrong artist or a skipped block check.
// Then the access rules (access_policy.h) and the assembly, in the order asked.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "foundation/users/v1/users.pb.h"
#include "twirpcpp/awaitable.h"
#include "twirpcpp/context.h"
#include "twirpcpp/field_mask.h"
#include "twirpcpp/result.h"
#include "vas/tracks/access_policy.h"
#include "vas/tracks/artist_index.h"
#include "vas/tracks/upstreams.h"
#include "vas/tracks/v1/tracks.pb.h"

namespace vas::tracks {

// The most ids one GetTracks asks for, as the foundation services accept.
inline constexpr int kMaxTrackIds = 500;

// How long an optional upstream call (GetUsers, CountLikes, GetLikedTracks) may
// take from its start, never past the request's deadline: a hung optional
// upstream costs the request this much, then its part is degraded.
inline constexpr std::chrono::milliseconds kDefaultOptionalUpstreamTimeout{300};

// Which calls besides TrackMetadata a GetTracks needs.
struct FanoutPlan {
  bool artists = false;      // Users.GetUsers: artist profile fields
  bool like_counts = false;  // Likes.CountLikes: stats
  bool liked = false;        // Likes.GetLikedTracks: viewer_state (signed-in viewers)
  bool blockers = false;     // Users.FindBlockers: the block rule (signed-in viewers)

  friend bool operator==(const FanoutPlan&, const FanoutPlan&) = default;
};

// `mask` is over GetTracksResponse ("tracks.artist.username"). The artist's id
// comes with the track record, so "tracks.artist.id" alone needs no GetUsers.
// An anonymous viewer has liked nothing and is blocked by nobody: no call.
FanoutPlan PlanFanout(const twirp::FieldMask& mask, const Viewer& viewer);

// What the calls besides TrackMetadata brought; nullopt when a call was not
// made or failed, which leaves its part of the aggregate unset. An artist of a
// failed GetUsers (speculative or follow-up) is left out of `artists`.
struct Enrichment {
  std::optional<std::map<std::int64_t, ::foundation::users::v1::User>> artists;
  std::optional<std::map<std::int64_t, std::int64_t>> like_counts;
  std::optional<std::set<std::int64_t>> liked;
};

// What the upstream calls of one GetTracks answered. A call that was not needed,
// or had nothing to ask, answers an empty response without being made.
struct FanoutAnswers {
  twirp::Result<::foundation::tracks::v1::GetTracksResponse> records;
  // Users: the speculative calls, about the artists the index knew, and the
  // follow-ups, about the records' artists the speculative calls did not cover.
  twirp::Result<::foundation::users::v1::GetUsersResponse> speculative_artists;
  twirp::Result<::foundation::users::v1::GetUsersResponse> follow_up_artists;
  twirp::Result<::foundation::users::v1::FindBlockersResponse> speculative_blockers;
  twirp::Result<::foundation::users::v1::FindBlockersResponse> follow_up_blockers;
  twirp::Result<::foundation::likes::v1::CountLikesResponse> like_counts;
  twirp::Result<::foundation::likes::v1::GetLikedTracksResponse> liked;
};

// The aggregate of one record the viewer may see. Fields of the record are
// always set (the server trims the response to the mask); artist profile, stats
// and viewer_state only as far as `enrichment` has them. An anonymous viewer's
// viewer_state says "not liked" without a call.
v1::Track AssembleTrack(const TrackRecord& record, const Enrichment& enrichment,
                        const Viewer& viewer);

class TrackAssembler {
 public:
  // `artist_index_capacity` 0: no index, no speculation; the artist calls wait
  // for the records. `optional_upstream_timeout`: see kDefaultOptionalUpstreamTimeout.
  explicit TrackAssembler(
      Upstreams upstreams, std::size_t artist_index_capacity = kDefaultArtistIndexCapacity,
      std::chrono::milliseconds optional_upstream_timeout = kDefaultOptionalUpstreamTimeout)
      : upstreams_(std::move(upstreams)),
        artist_index_(artist_index_capacity),
        optional_upstream_timeout_(optional_upstream_timeout) {}

  // The visible tracks of request.track_ids, each once, in the order first
  // asked. Every upstream call gets the request's deadline, cut to the VAS's
  // upstream timeout from the call's start (Upstreams::timeout); an optional one
  // also to the optional upstream timeout. A failed
  // TrackMetadata or FindBlockers call (speculative or follow-up) fails the
  // request (unavailable): never a response that might show a hidden track. A
  // failed optional call (GetUsers, CountLikes, GetLikedTracks) leaves its
  // fields unset and names its upstream in the X-Degraded response header
  // ("likes", "users", "likes,users").
  twirp::Awaitable<twirp::Result<v1::GetTracksResponse>> GetTracks(
      twirp::Context& ctx, const v1::GetTracksRequest& request, const twirp::FieldMask& mask);

 private:
  // The artists to ask Users about.
  struct ArtistCalls {
    std::vector<std::int64_t> profiles;          // GetUsers
    std::vector<std::int64_t> block_candidates;  // FindBlockers
  };
  // TrackMetadata's answer, and the follow-up artist calls its records needed.
  struct RecordsAndFollowUps {
    twirp::Result<::foundation::tracks::v1::GetTracksResponse> records;
    twirp::Result<::foundation::users::v1::GetUsersResponse> artists;
    twirp::Result<::foundation::users::v1::FindBlockersResponse> blockers;
  };

  // Every call at once: the speculative Users calls, the Likes calls, and
  // TrackMetadata followed by the follow-ups its records need.
  twirp::Awaitable<FanoutAnswers> CallUpstreams(std::vector<std::int64_t> track_ids, Viewer viewer,
                                                FanoutPlan plan, twirp::CallOptions options);
  // Before the records arrive: about the artists the index knows.
  ArtistCalls Speculate(const std::vector<std::int64_t>& track_ids, const FanoutPlan& plan,
                        const Viewer& viewer);
  // TrackMetadata.GetTracks, the index updated from its answer, then the
  // follow-up artist calls.
  twirp::Awaitable<RecordsAndFollowUps> RecordsThenArtists(std::vector<std::int64_t> track_ids,
                                                           Viewer viewer, FanoutPlan plan,
                                                           ArtistCalls speculated,
                                                           twirp::CallOptions options);
  // Once the records are in: about the artists of the records the static rules
  // leave visible that `speculated` does not cover.
  static ArtistCalls FollowUps(const ::foundation::tracks::v1::GetTracksResponse& records,
                               const Viewer& viewer, const FanoutPlan& plan,
                               const ArtistCalls& speculated);

  // The upstream calls. Each takes its arguments by value (they live in its own
  // frame) and answers an empty response without a call when it has nothing to ask.
  // Each cuts `options`' deadline to the VAS's upstream timeout from its start;
  // the optional ones (GetUsers and the Likes calls) to the optional budget too
  // (OptionalBudget).
  twirp::Awaitable<twirp::Result<::foundation::users::v1::GetUsersResponse>> GetUsers(
      std::vector<std::int64_t> user_ids, twirp::CallOptions options);
  twirp::Awaitable<twirp::Result<::foundation::users::v1::FindBlockersResponse>> FindBlockers(
      std::int64_t viewer_id, std::vector<std::int64_t> candidate_ids, twirp::CallOptions options);
  twirp::Awaitable<twirp::Result<::foundation::likes::v1::CountLikesResponse>> CountLikes(
      std::vector<std::int64_t> track_ids, twirp::CallOptions options);
  twirp::Awaitable<twirp::Result<::foundation::likes::v1::GetLikedTracksResponse>> GetLikedTracks(
      std::int64_t viewer_id, std::vector<std::int64_t> track_ids, twirp::CallOptions options);

  // `request` with its deadline cut to the upstream timeout and to
  // optional_upstream_timeout_ from now, whichever is earlier.
  twirp::CallOptions OptionalBudget(twirp::CallOptions request) const;

  Upstreams upstreams_;
  ArtistIndex artist_index_;
  std::chrono::milliseconds optional_upstream_timeout_;
};

// request.track_ids as GetTracks asks TrackMetadata for them: each id once, in
// the order first asked; invalid_argument (argument "track_ids") for more than
// kMaxTrackIds distinct ids or an id below 1.
twirp::Result<std::vector<std::int64_t>> DistinctTrackIds(const v1::GetTracksRequest& request);

}  // namespace vas::tracks
