// foundation.likes.v1.Likes over the LikesStore. Blocking handlers: every call
// is an SQLite query, so they run on the server's worker pool.
#pragma once

#include <memory>

#include "foundation/likes/v1/likes.twirp.h"
#include "likes/store.h"

namespace foundation::likes {

// ListUserLikes page sizes: 0 asks for the default, others are clamped.
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 200;

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

 private:
  std::shared_ptr<LikesStore> store_;
};

}  // namespace foundation::likes
