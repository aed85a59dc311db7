// GetTracks through the generated Tracks client, as the VAS tests call it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/field_mask.pb.h>

#include "twirpcpp/client.h"
#include "vas/tracks/v1/tracks.twirp.h"

// An empty mask asks for the whole aggregate. `degraded`, when given, receives
// the X-Degraded response header ("" without one).
inline twirp::Result<vas::tracks::v1::GetTracksResponse> CallGetTracks(
    vas::tracks::v1::TracksClient& client, const std::vector<std::int64_t>& ids,
    const vas::tracks::v1::Viewer& viewer, google::protobuf::FieldMask mask,
    std::string* degraded) {
  vas::tracks::v1::GetTracksRequest request;
  request.mutable_track_ids()->Assign(ids.begin(), ids.end());
  *request.mutable_viewer() = viewer;
  *request.mutable_field_mask() = std::move(mask);
  std::vector<std::pair<std::string, std::string>> headers;
  twirp::CallOptions options;
  options.response_headers = &headers;
  auto response = client.GetTracksBlocking(request, std::move(options));
  if (degraded != nullptr) {
    degraded->clear();
    for (const auto& [name, value] : headers) {
      if (name == "X-Degraded" || name == "x-degraded") *degraded = value;
    }
  }
  return response;
}
