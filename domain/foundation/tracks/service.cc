#include "tracks/service.h"

#include <span>

#include "common/validate.h"

namespace foundation::tracks {

void ToProto(const TrackRecord& record, v1::Track& track) {
  track.set_id(record.id);
  track.set_title(record.title);
  track.set_artist_user_id(record.artist_user_id);
  track.set_duration_ms(record.duration_ms);
  track.set_artwork_url(record.artwork_url);
  track.set_genre(record.genre);
  track.mutable_created_at()->set_seconds(record.created_at_s);
  track.set_visibility(record.is_private ? v1::VISIBILITY_PRIVATE : v1::VISIBILITY_PUBLIC);
  track.set_secret_token(record.secret_token);
  for (const auto& code : record.blocked_territories) track.add_blocked_territories(code);
  track.set_downloadable(record.downloadable);
}

twirp::Result<v1::GetTracksResponse> TrackMetadataService::GetTracks(
    twirp::Context&, const v1::GetTracksRequest& request) {
  const std::span<const std::int64_t> ids(request.track_ids().data(),
                                          static_cast<std::size_t>(request.track_ids().size()));
  if (auto error = CheckIds("track_ids", ids)) return *error;
  auto records = store_->GetTracks(ids);
  if (!records.ok()) return std::move(records).error();
  v1::GetTracksResponse response;
  response.mutable_tracks()->Reserve(static_cast<int>(records->size()));
  for (const auto& record : *records) ToProto(record, *response.add_tracks());
  return response;
}

}  // namespace foundation::tracks
