// What the app's screens get: the mobile BFF's own JSON (camelCase), shaped
// from the Tracks VAS aggregate. Shaping only: which tracks a viewer may see,
// and everything else about access, is the VAS's answer, never decided here.
#pragma once

#include <string_view>
#include <vector>

#include <google/protobuf/field_mask.pb.h>
#include <nlohmann/json.hpp>

#include "vas/tracks/v1/tracks.pb.h"

namespace bff::mobile {

// The track screen: everything the VAS returned. Parts the VAS left out (a
// foundation service was down) are left out here too.
nlohmann::json TrackScreenJson(const vas::tracks::v1::Track& track);

// One card of the feed: id, title, artwork, artist name and likes count.
nlohmann::json FeedCardJson(const vas::tracks::v1::Track& track);

// The GetTracks mask of a feed card: only what FeedCardJson reads, so that the
// VAS fetches nothing else (no viewer state, no artist profile beyond the name).
google::protobuf::FieldMask FeedCardMask();

// The names in a VAS X-Degraded header ("likes,users"), for the "degraded" list
// of a response: the screen renders without those parts.
std::vector<std::string_view> SplitDegraded(std::string_view header);

}  // namespace bff::mobile
