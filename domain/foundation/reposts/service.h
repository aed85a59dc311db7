// foundation.reposts.v1.Reposts over the RepostsStore. Blocking handlers:
// every call is an SQLite query, so they run on the server's worker pool.
#pragma once

#include <memory>

#include "foundation/reposts/v1/reposts.twirp.h"
#include "reposts/store.h"

namespace foundation::reposts {

class RepostsService final : public v1::RepostsBlocking {
 public:
  explicit RepostsService(std::shared_ptr<RepostsStore> store) : store_(std::move(store)) {}

  twirp::Result<v1::RepostResponse> Repost(twirp::Context& ctx,
                                           const v1::RepostRequest& request) override;
  twirp::Result<v1::UnrepostResponse> Unrepost(twirp::Context& ctx,
                                               const v1::UnrepostRequest& request) override;
  twirp::Result<v1::CountRepostsResponse> CountReposts(
      twirp::Context& ctx, const v1::CountRepostsRequest& request) override;
  twirp::Result<v1::GetRepostedTracksResponse> GetRepostedTracks(
      twirp::Context& ctx, const v1::GetRepostedTracksRequest& request) override;
  twirp::Result<v1::ListUserRepostsResponse> ListUserReposts(
      twirp::Context& ctx, const v1::ListUserRepostsRequest& request) override;
  twirp::Result<v1::CountRepostsByDayResponse> CountRepostsByDay(
      twirp::Context& ctx, const v1::CountRepostsByDayRequest& request) override;
  twirp::Result<v1::ListTrackRepostersResponse> ListTrackReposters(
      twirp::Context& ctx, const v1::ListTrackRepostersRequest& request) override;

 private:
  std::shared_ptr<RepostsStore> store_;
};

}  // namespace foundation::reposts
