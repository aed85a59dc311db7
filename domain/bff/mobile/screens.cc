#include "mobile/screens.h"

#include <google/protobuf/util/time_util.h>

#include "twirpcpp/field_mask.h"
#include "vas/tracks/v1/tracks.fields.h"

namespace bff::mobile {

namespace v1 = vas::tracks::v1;
using nlohmann::json;

json TrackScreenJson(const v1::Track& track) {
  json out = {
      {"id", track.id()},
      {"title", track.title()},
      {"artworkUrl", track.artwork_url()},
      {"durationMs", track.duration_ms()},
      {"genre", track.genre()},
      {"downloadable", track.downloadable()},
  };
  if (track.has_created_at()) {
    out["createdAt"] = google::protobuf::util::TimeUtil::ToString(track.created_at());
  }
  if (track.has_artist()) {
    const v1::Artist& artist = track.artist();
    out["artist"] = {
        {"id", artist.id()},
        {"username", artist.username()},
        {"displayName", artist.display_name()},
        {"avatarUrl", artist.avatar_url()},
    };
  }
  if (track.has_stats()) out["likesCount"] = track.stats().likes_count();
  if (track.has_viewer_state()) out["likedByViewer"] = track.viewer_state().liked();
  return out;
}

json FeedCardJson(const v1::Track& track) {
  json out = {
      {"id", track.id()},
      {"title", track.title()},
      {"artworkUrl", track.artwork_url()},
  };
  if (track.has_artist()) out["artistUsername"] = track.artist().username();
  if (track.has_stats()) out["likesCount"] = track.stats().likes_count();
  return out;
}

google::protobuf::FieldMask FeedCardMask() {
  const v1::GetTracksResponsePaths response;
  const auto track = response.tracks();
  // The id is no extra fetch (it comes with the metadata) and lets the app open
  // the track screen from the card.
  return twirp::MakeFieldMask({track.id(), track.title(), track.artwork_url(),
                               track.artist().username(), track.stats().likes_count()});
}

std::vector<std::string_view> SplitDegraded(std::string_view header) {
  std::vector<std::string_view> names;
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view name = header.substr(0, comma);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (!name.empty()) names.push_back(name);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
  }
  return names;
}

}  // namespace bff::mobile
