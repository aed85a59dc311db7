// vas.tracks.v1.Tracks: the Track aggregate for BFFs (GetTracks, see
// track_assembler.h) and the commands that need an access check before they
// reach a foundation service. Coroutine handlers: every step is an upstream call.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "vas/tracks/access_policy.h"
#include "vas/tracks/track_assembler.h"
#include "vas/tracks/upstreams.h"
#include "vas/tracks/v1/tracks.twirp.h"

namespace vas::tracks {

// Where DownloadTrack points: <prefix><track id>?viewer=<user id>.
inline constexpr std::string_view kDownloadUrlPrefix = "https://downloads.example.invalid/tracks/";

class TracksService final : public v1::Tracks {
 public:
  // `artist_index_capacity`, `optional_upstream_timeout`: see TrackAssembler.
  explicit TracksService(
      Upstreams upstreams, std::size_t artist_index_capacity = kDefaultArtistIndexCapacity,
      std::chrono::milliseconds optional_upstream_timeout = kDefaultOptionalUpstreamTimeout)
      : upstreams_(upstreams),
        assembler_(std::move(upstreams), artist_index_capacity, optional_upstream_timeout) {}

  twirp::Awaitable<twirp::Result<v1::GetTracksResponse>> GetTracks(
      twirp::Context& ctx, const v1::GetTracksRequest& request,
      const twirp::FieldMask& mask) override;
  twirp::Awaitable<twirp::Result<v1::LikeTrackResponse>> LikeTrack(
      twirp::Context& ctx, const v1::LikeTrackRequest& request) override;
  twirp::Awaitable<twirp::Result<v1::UnlikeTrackResponse>> UnlikeTrack(
      twirp::Context& ctx, const v1::UnlikeTrackRequest& request) override;
  twirp::Awaitable<twirp::Result<v1::DownloadTrackResponse>> DownloadTrack(
      twirp::Context& ctx, const v1::DownloadTrackRequest& request) override;

 private:
  // The record of a track the signed-in viewer may see. unauthenticated for an
  // anonymous viewer; not_found, alike, for an unknown and a hidden track;
  // unavailable when TrackMetadata or FindBlockers fails.
  twirp::Awaitable<twirp::Result<TrackRecord>> AuthorizeCommand(twirp::Context& ctx,
                                                                std::int64_t track_id,
                                                                const Viewer& viewer);

  // One upstream call's options, made at its start: the request's deadline,
  // capped by the VAS's own upstream timeout (domain/common/upstream_deadline.h).
  twirp::CallOptions UpstreamOptions(const twirp::Context& ctx) const;

  Upstreams upstreams_;
  TrackAssembler assembler_;
};

}  // namespace vas::tracks
