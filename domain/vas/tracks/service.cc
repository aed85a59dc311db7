#include "vas/tracks/service.h"

#include <string>
#include <utility>

#include "common/upstream_deadline.h"

namespace vas::tracks {

namespace likes_v1 = ::foundation::likes::v1;
namespace tracks_v1 = ::foundation::tracks::v1;
namespace users_v1 = ::foundation::users::v1;

twirp::CallOptions TracksService::UpstreamOptions(const twirp::Context& ctx) const {
  return domain::CapDeadline(twirp::CallOptions::From(ctx), upstreams_.timeout);
}

twirp::Awaitable<twirp::Result<v1::GetTracksResponse>> TracksService::GetTracks(
    twirp::Context& ctx, const v1::GetTracksRequest& request, const twirp::FieldMask& mask) {
  co_return co_await assembler_.GetTracks(ctx, request, mask);
}

twirp::Awaitable<twirp::Result<TrackRecord>> TracksService::AuthorizeCommand(twirp::Context& ctx,
                                                                             std::int64_t track_id,
                                                                             const Viewer& viewer) {
  if (auto signed_in = RequireSignedIn(viewer); !signed_in.ok()) {
    co_return std::move(signed_in).error();
  }
  if (track_id < 1) co_return twirp::InvalidArgumentError("track_id", "ids start at 1");

  tracks_v1::GetTracksRequest records_request;
  records_request.add_track_ids(track_id);
  auto records = co_await upstreams_.track_metadata.GetTracks(std::move(records_request),
                                                              UpstreamOptions(ctx));
  if (!records.ok()) co_return UpstreamFailure(kTrackMetadataUpstream, records.error());
  if (records->tracks_size() != 1 || records->tracks(0).id() != track_id) {
    co_return TrackNotFound(track_id);
  }
  TrackRecord& record = *records->mutable_tracks(0);

  Blockers blockers;
  if (const auto candidates = BlockCandidates({&record}, viewer); !candidates.empty()) {
    users_v1::FindBlockersRequest blockers_request;
    blockers_request.set_user_id(viewer.user_id());
    blockers_request.mutable_candidate_ids()->Assign(candidates.begin(), candidates.end());
    auto found =
        co_await upstreams_.users.FindBlockers(std::move(blockers_request), UpstreamOptions(ctx));
    if (!found.ok()) co_return UpstreamFailure(kUsersUpstream, found.error());
    blockers.insert(found->blocker_ids().begin(), found->blocker_ids().end());
  }
  if (CheckAccess(record, viewer, blockers) != Access::kVisible) co_return TrackNotFound(track_id);
  co_return std::move(record);
}

twirp::Awaitable<twirp::Result<v1::LikeTrackResponse>> TracksService::LikeTrack(
    twirp::Context& ctx, const v1::LikeTrackRequest& request) {
  auto track = co_await AuthorizeCommand(ctx, request.track_id(), request.viewer());
  if (!track.ok()) co_return std::move(track).error();
  likes_v1::LikeRequest like;
  like.set_user_id(request.viewer().user_id());
  like.set_track_id(track->id());
  auto liked = co_await upstreams_.likes.Like(std::move(like), UpstreamOptions(ctx));
  if (!liked.ok()) co_return UpstreamFailure(kLikesUpstream, liked.error());
  v1::LikeTrackResponse response;
  response.set_created(liked->created());
  co_return response;
}

twirp::Awaitable<twirp::Result<v1::UnlikeTrackResponse>> TracksService::UnlikeTrack(
    twirp::Context& ctx, const v1::UnlikeTrackRequest& request) {
  auto track = co_await AuthorizeCommand(ctx, request.track_id(), request.viewer());
  if (!track.ok()) co_return std::move(track).error();
  likes_v1::UnlikeRequest unlike;
  unlike.set_user_id(request.viewer().user_id());
  unlike.set_track_id(track->id());
  auto unliked = co_await upstreams_.likes.Unlike(std::move(unlike), UpstreamOptions(ctx));
  if (!unliked.ok()) co_return UpstreamFailure(kLikesUpstream, unliked.error());
  v1::UnlikeTrackResponse response;
  response.set_removed(unliked->removed());
  co_return response;
}

twirp::Awaitable<twirp::Result<v1::DownloadTrackResponse>> TracksService::DownloadTrack(
    twirp::Context& ctx, const v1::DownloadTrackRequest& request) {
  auto track = co_await AuthorizeCommand(ctx, request.track_id(), request.viewer());
  if (!track.ok()) co_return std::move(track).error();
  if (auto downloadable = CheckDownloadable(*track); !downloadable.ok()) {
    co_return std::move(downloadable).error();
  }
  v1::DownloadTrackResponse response;
  response.set_download_url(std::string(kDownloadUrlPrefix) + std::to_string(track->id()) +
                            "?viewer=" + std::to_string(request.viewer().user_id()));
  co_return response;
}

}  // namespace vas::tracks
