#include "reposts/service.h"

#include <span>

#include "common/link_service.h"
#include "common/validate.h"

namespace foundation::reposts {

namespace {

template <class Repeated>
std::span<const std::int64_t> Span(const Repeated& field) {
  return {field.data(), static_cast<std::size_t>(field.size())};
}

}  // namespace

twirp::Result<v1::RepostResponse> RepostsService::Repost(twirp::Context&,
                                                         const v1::RepostRequest& request) {
  if (auto error = CheckId("user_id", request.user_id())) return *error;
  if (auto error = CheckId("track_id", request.track_id())) return *error;
  auto created = store_->Add(request.user_id(), request.track_id());
  if (!created.ok()) return std::move(created).error();
  v1::RepostResponse response;
  response.set_created(*created);
  return response;
}

twirp::Result<v1::UnrepostResponse> RepostsService::Unrepost(twirp::Context&,
                                                             const v1::UnrepostRequest& request) {
  if (auto error = CheckId("user_id", request.user_id())) return *error;
  if (auto error = CheckId("track_id", request.track_id())) return *error;
  auto removed = store_->Remove(request.user_id(), request.track_id());
  if (!removed.ok()) return std::move(removed).error();
  v1::UnrepostResponse response;
  response.set_removed(*removed);
  return response;
}

twirp::Result<v1::CountRepostsResponse> RepostsService::CountReposts(
    twirp::Context&, const v1::CountRepostsRequest& request) {
  if (auto error = CheckIds("track_ids", Span(request.track_ids()))) return *error;
  auto counts = store_->Count(Span(request.track_ids()));
  if (!counts.ok()) return std::move(counts).error();
  v1::CountRepostsResponse response;
  auto& out = *response.mutable_counts();
  for (const auto& [track_id, count] : *counts) out[track_id] = count;
  return response;
}

twirp::Result<v1::GetRepostedTracksResponse> RepostsService::GetRepostedTracks(
    twirp::Context&, const v1::GetRepostedTracksRequest& request) {
  if (auto error = CheckId("user_id", request.user_id())) return *error;
  if (auto error = CheckIds("track_ids", Span(request.track_ids()))) return *error;
  auto reposted = store_->Among(request.user_id(), Span(request.track_ids()));
  if (!reposted.ok()) return std::move(reposted).error();
  v1::GetRepostedTracksResponse response;
  response.mutable_reposted_track_ids()->Add(reposted->begin(), reposted->end());
  return response;
}

twirp::Result<v1::ListUserRepostsResponse> RepostsService::ListUserReposts(
    twirp::Context&, const v1::ListUserRepostsRequest& request) {
  return links::ListByUser<v1::ListUserRepostsResponse>(*store_, request);
}

twirp::Result<v1::CountRepostsByDayResponse> RepostsService::CountRepostsByDay(
    twirp::Context&, const v1::CountRepostsByDayRequest& request) {
  return links::CountByDay<v1::CountRepostsByDayResponse>(*store_, request);
}

twirp::Result<v1::ListTrackRepostersResponse> RepostsService::ListTrackReposters(
    twirp::Context&, const v1::ListTrackRepostersRequest& request) {
  return links::ListByTrack<v1::ListTrackRepostersResponse>(*store_, request);
}

}  // namespace foundation::reposts
