// foundation.tracks.v1.TrackMetadata over the TracksStore. Blocking handlers:
// every call is an SQLite query, so they run on the server's worker pool.
#pragma once

#include <cstddef>
#include <memory>

#include "foundation/tracks/v1/track_metadata.twirp.h"
#include "tracks/store.h"

namespace foundation::tracks {

class TrackMetadataService final : public v1::TrackMetadataBlocking {
 public:
  explicit TrackMetadataService(std::shared_ptr<TracksStore> store) : store_(std::move(store)) {}

  twirp::Result<v1::GetTracksResponse> GetTracks(twirp::Context& ctx,
                                                 const v1::GetTracksRequest& request) override;
  twirp::Result<v1::CreateTrackResponse> CreateTrack(
      twirp::Context& ctx, const v1::CreateTrackRequest& request) override;
  twirp::Result<v1::UpdateTrackResponse> UpdateTrack(
      twirp::Context& ctx, const v1::UpdateTrackRequest& request) override;
  twirp::Result<v1::DeleteTrackResponse> DeleteTrack(
      twirp::Context& ctx, const v1::DeleteTrackRequest& request) override;
  twirp::Result<v1::ListTracksByArtistResponse> ListTracksByArtist(
      twirp::Context& ctx, const v1::ListTracksByArtistRequest& request) override;

 private:
  std::shared_ptr<TracksStore> store_;
};

// Bounds of a track's fields (track_metadata.proto, CreateTrackRequest).
inline constexpr std::size_t kMaxTitleBytes = 200;
inline constexpr std::size_t kMaxGenreBytes = 64;
inline constexpr std::size_t kMaxArtworkUrlBytes = 2048;
inline constexpr std::size_t kMaxBlockedTerritories = 250;

// The wire's Track for a stored one.
void ToProto(const TrackRecord& record, v1::Track& track);

}  // namespace foundation::tracks
