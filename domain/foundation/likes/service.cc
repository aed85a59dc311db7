#include "likes/service.h"

#include <span>
#include <string>

#include "common/link_service.h"
#include "common/validate.h"

namespace foundation::likes {

namespace {

template <class Repeated>
std::span<const std::int64_t> Span(const Repeated& field) {
  return {field.data(), static_cast<std::size_t>(field.size())};
}

}  // namespace

twirp::Result<v1::LikeResponse> LikesService::Like(twirp::Context&,
                                                   const v1::LikeRequest& request) {
  if (auto error = CheckId("user_id", request.user_id())) return *error;
  if (auto error = CheckId("track_id", request.track_id())) return *error;
  auto created = store_->Like(request.user_id(), request.track_id());
  if (!created.ok()) return std::move(created).error();
  v1::LikeResponse response;
  response.set_created(*created);
  return response;
}

twirp::Result<v1::UnlikeResponse> LikesService::Unlike(twirp::Context&,
                                                       const v1::UnlikeRequest& request) {
  if (auto error = CheckId("user_id", request.user_id())) return *error;
  if (auto error = CheckId("track_id", request.track_id())) return *error;
  auto removed = store_->Unlike(request.user_id(), request.track_id());
  if (!removed.ok()) return std::move(removed).error();
  v1::UnlikeResponse response;
  response.set_removed(*removed);
  return response;
}

twirp::Result<v1::CountLikesResponse> LikesService::CountLikes(
    twirp::Context&, const v1::CountLikesRequest& request) {
  if (auto error = CheckIds("track_ids", Span(request.track_ids()))) return *error;
  auto counts = store_->CountLikes(Span(request.track_ids()));
  if (!counts.ok()) return std::move(counts).error();
  v1::CountLikesResponse response;
  auto& out = *response.mutable_counts();
  for (const auto& [track_id, count] : *counts) out[track_id] = count;
  return response;
}

twirp::Result<v1::GetLikedTracksResponse> LikesService::GetLikedTracks(
    twirp::Context&, const v1::GetLikedTracksRequest& request) {
  if (auto error = CheckId("user_id", request.user_id())) return *error;
  if (auto error = CheckIds("track_ids", Span(request.track_ids()))) return *error;
  auto liked = store_->LikedTracks(request.user_id(), Span(request.track_ids()));
  if (!liked.ok()) return std::move(liked).error();
  v1::GetLikedTracksResponse response;
  response.mutable_liked_track_ids()->Add(liked->begin(), liked->end());
  return response;
}

twirp::Result<v1::ListUserLikesResponse> LikesService::ListUserLikes(
    twirp::Context&, const v1::ListUserLikesRequest& request) {
  return links::ListByUser<v1::ListUserLikesResponse>(*store_, request);
}

twirp::Result<v1::CountLikesByDayResponse> LikesService::CountLikesByDay(
    twirp::Context&, const v1::CountLikesByDayRequest& request) {
  return links::CountByDay<v1::CountLikesByDayResponse>(*store_, request);
}

twirp::Result<v1::ListTrackLikersResponse> LikesService::ListTrackLikers(
    twirp::Context&, const v1::ListTrackLikersRequest& request) {
  return links::ListByTrack<v1::ListTrackLikersResponse>(*store_, request);
}

}  // namespace foundation::likes
