// foundation.tracks.v1.TrackMetadata over the TracksStore. Blocking handlers:
// every call is an SQLite query, so they run on the server's worker pool.
#pragma once

#include <memory>

#include "foundation/tracks/v1/track_metadata.twirp.h"
#include "tracks/store.h"

namespace foundation::tracks {

class TrackMetadataService final : public v1::TrackMetadataBlocking {
 public:
  explicit TrackMetadataService(std::shared_ptr<TracksStore> store) : store_(std::move(store)) {}

  twirp::Result<v1::GetTracksResponse> GetTracks(twirp::Context& ctx,
                                                 const v1::GetTracksRequest& request) override;

 private:
  std::shared_ptr<TracksStore> store_;
};

// The wire's Track for a stored one.
void ToProto(const TrackRecord& record, v1::Track& track);

}  // namespace foundation::tracks
