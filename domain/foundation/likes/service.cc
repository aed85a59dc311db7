#include "likes/service.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/validate.h"

namespace foundation::likes {

namespace {

// Page tokens are opaque to callers; inside they are the cursor of the last
// like returned. The prefix versions the format, so it can change.
constexpr std::string_view kPageTokenPrefix = "l1.";

std::string EncodePageToken(std::int64_t cursor) {
  return std::string(kPageTokenPrefix) + std::to_string(cursor);
}

std::optional<std::int64_t> DecodePageToken(std::string_view token) {
  if (!token.starts_with(kPageTokenPrefix)) return std::nullopt;
  token.remove_prefix(kPageTokenPrefix.size());
  std::int64_t cursor = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), cursor);
  if (ec != std::errc() || end != token.data() + token.size() || cursor < 1) return std::nullopt;
  return cursor;
}

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
  if (auto error = CheckId("user_id", request.user_id())) return *error;
  std::optional<std::int64_t> cursor;
  if (!request.page_token().empty()) {
    cursor = DecodePageToken(request.page_token());
    if (!cursor)
      return twirp::InvalidArgumentError("page_token", "is not a token from this service");
  }
  const int page_size = request.page_size() == 0 ? kDefaultPageSize
                                                 : std::clamp(request.page_size(), 1, kMaxPageSize);
  auto page = store_->ListUserLikes(request.user_id(), page_size, cursor);
  if (!page.ok()) return std::move(page).error();
  v1::ListUserLikesResponse response;
  response.mutable_track_ids()->Add(page->track_ids.begin(), page->track_ids.end());
  if (page->next_cursor) response.set_next_page_token(EncodePageToken(*page->next_cursor));
  return response;
}

}  // namespace foundation::likes
