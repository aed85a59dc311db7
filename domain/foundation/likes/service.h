// foundation.likes.v1.Likes over the LikesStore. Blocking handlers: every call
// is an SQLite query, so they run on the server's worker pool.
#pragma once

#include <memory>

#include "common/validate.h"
#include "foundation/likes/v1/likes.twirp.h"
#include "likes/store.h"

namespace foundation::likes {

// ListUserLikes pages like every foundation list (common/validate.h).
using foundation::kDefaultPageSize;
using foundation::kMaxPageSize;

class LikesService final : public v1::LikesBlocking {
 public:
  explicit LikesService(std::shared_ptr<LikesStore> store) : store_(std::move(store)) {}

  twirp::Result<v1::LikeResponse> Like(twirp::Context& ctx,
                                       const v1::LikeRequest& request) override;
  twirp::Result<v1::UnlikeResponse> Unlike(twirp::Context& ctx,
                                           const v1::UnlikeRequest& request) override;
  twirp::Result<v1::CountLikesResponse> CountLikes(twirp::Context& ctx,
                                                   const v1::CountLikesRequest& request) override;
  twirp::Result<v1::GetLikedTracksResponse> GetLikedTracks(
      twirp::Context& ctx, const v1::GetLikedTracksRequest& request) override;
  twirp::Result<v1::ListUserLikesResponse> ListUserLikes(
      twirp::Context& ctx, const v1::ListUserLikesRequest& request) override;
  twirp::Result<v1::CountLikesByDayResponse> CountLikesByDay(
      twirp::Context& ctx, const v1::CountLikesByDayRequest& request) override;
  twirp::Result<v1::ListTrackLikersResponse> ListTrackLikers(
      twirp::Context& ctx, const v1::ListTrackLikersRequest& request) override;

 private:
  std::shared_ptr<LikesStore> store_;
};

}  // namespace foundation::likes
