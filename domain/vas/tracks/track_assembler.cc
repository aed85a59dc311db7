#include "vas/tracks/track_assembler.h"

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "common/upstream_deadline.h"

namespace vas::tracks {

namespace likes_v1 = ::foundation::likes::v1;
namespace tracks_v1 = ::foundation::tracks::v1;
namespace users_v1 = ::foundation::users::v1;

FanoutPlan PlanFanout(const twirp::FieldMask& mask, const Viewer& viewer) {
  FanoutPlan plan;
  plan.artists = mask.Includes("tracks.artist.username") ||
                 mask.Includes("tracks.artist.display_name") ||
                 mask.Includes("tracks.artist.avatar_url");
  plan.like_counts = mask.Includes("tracks.stats");
  plan.liked = IsSignedIn(viewer) && mask.Includes("tracks.viewer_state");
  plan.blockers = IsSignedIn(viewer);
  return plan;
}

v1::Track AssembleTrack(const TrackRecord& record, const Enrichment& enrichment,
                        const Viewer& viewer) {
  v1::Track track;
  track.set_id(record.id());
  track.set_title(record.title());
  track.set_artwork_url(record.artwork_url());
  track.set_duration_ms(record.duration_ms());
  track.set_genre(record.genre());
  *track.mutable_created_at() = record.created_at();
  track.set_downloadable(record.downloadable());

  v1::Artist& artist = *track.mutable_artist();
  artist.set_id(record.artist_user_id());
  if (enrichment.artists) {
    // An artist Users does not know keeps only its id.
    if (auto it = enrichment.artists->find(record.artist_user_id());
        it != enrichment.artists->end()) {
      artist.set_username(it->second.username());
      artist.set_display_name(it->second.display_name());
      artist.set_avatar_url(it->second.avatar_url());
    }
  }
  if (enrichment.like_counts) {
    auto it = enrichment.like_counts->find(record.id());
    track.mutable_stats()->set_likes_count(it == enrichment.like_counts->end() ? 0 : it->second);
  }
  if (enrichment.liked) {
    track.mutable_viewer_state()->set_liked(enrichment.liked->contains(record.id()));
  } else if (!IsSignedIn(viewer)) {
    track.mutable_viewer_state()->set_liked(false);
  }
  return track;
}

twirp::Result<std::vector<std::int64_t>> DistinctTrackIds(const v1::GetTracksRequest& request) {
  std::vector<std::int64_t> ids;
  std::unordered_set<std::int64_t> seen;
  for (const std::int64_t id : request.track_ids()) {
    if (id < 1) return twirp::InvalidArgumentError("track_ids", "ids start at 1");
    if (seen.insert(id).second) ids.push_back(id);
  }
  if (ids.size() > static_cast<std::size_t>(kMaxTrackIds)) {
    return twirp::InvalidArgumentError(
        "track_ids", "at most " + std::to_string(kMaxTrackIds) + " ids in one request");
  }
  return ids;
}

namespace {

// The records the static rules leave visible: only they are worth asking about.
std::vector<const TrackRecord*> StaticallyVisible(const tracks_v1::GetTracksResponse& records,
                                                  const Viewer& viewer) {
  std::vector<const TrackRecord*> visible;
  for (const TrackRecord& record : records.tracks()) {
    if (StaticAccess(record, viewer) == Access::kVisible) visible.push_back(&record);
  }
  return visible;
}

// The artists of `records`, each once, in order of first appearance.
std::vector<std::int64_t> ArtistsOf(const std::vector<const TrackRecord*>& records) {
  std::vector<std::int64_t> artists;
  std::unordered_set<std::int64_t> seen;
  for (const TrackRecord* record : records) {
    if (seen.insert(record->artist_user_id()).second) artists.push_back(record->artist_user_id());
  }
  return artists;
}

// `ids` without those already asked about.
std::vector<std::int64_t> Uncovered(std::vector<std::int64_t> ids,
                                    const std::vector<std::int64_t>& asked) {
  const std::unordered_set<std::int64_t> covered(asked.begin(), asked.end());
  std::erase_if(ids, [&covered](std::int64_t id) { return covered.contains(id); });
  return ids;
}

// A call with nothing to ask about is not made.
std::vector<std::int64_t> IfNeeded(bool needed, std::vector<std::int64_t> asked) {
  return needed ? std::move(asked) : std::vector<std::int64_t>();
}

// The calls no response can do without: TrackMetadata, and FindBlockers,
// speculative or follow-up, since the block rule cannot be applied without it:
// fail rather than leak.
twirp::Result<void> CheckRequiredCalls(const FanoutAnswers& answers) {
  if (!answers.records.ok()) {
    return UpstreamFailure(kTrackMetadataUpstream, answers.records.error());
  }
  for (const auto* blockers : {&answers.speculative_blockers, &answers.follow_up_blockers}) {
    if (!blockers->ok()) return UpstreamFailure(kUsersUpstream, blockers->error());
  }
  return twirp::Ok();
}

// Who has blocked the viewer, as both FindBlockers calls say. Speculative
// answers about artists the records do not have are harmless here: the rule
// looks up the records' artists only.
Blockers BlockersOf(const FanoutAnswers& answers) {
  Blockers blockers;
  for (const auto* found : {&*answers.speculative_blockers, &*answers.follow_up_blockers}) {
    blockers.insert(found->blocker_ids().begin(), found->blocker_ids().end());
  }
  return blockers;
}

// The records the viewer may see under all the rules, each once, in the order
// asked: TrackMetadata answers in the order asked, but the order is ours to keep.
std::vector<const TrackRecord*> VisibleInOrderAsked(const std::vector<std::int64_t>& ids,
                                                    const tracks_v1::GetTracksResponse& records,
                                                    const Viewer& viewer,
                                                    const Blockers& blockers) {
  std::unordered_map<std::int64_t, const TrackRecord*> by_id;
  for (const TrackRecord* record : StaticallyVisible(records, viewer)) {
    by_id.emplace(record->id(), record);
  }
  std::vector<const TrackRecord*> visible;
  for (const std::int64_t id : ids) {
    auto it = by_id.find(id);
    if (it != by_id.end() && CheckAccess(*it->second, viewer, blockers) == Access::kVisible) {
      visible.push_back(it->second);
    }
  }
  return visible;
}

// The upstreams whose optional answers are missing, sorted, each once.
using DegradedUpstreams = std::set<std::string_view>;

// The optional answers the plan asked for, as the aggregate reads them; a failed
// one leaves its part unset and its upstream in `degraded`.
Enrichment Enrich(const FanoutAnswers& answers, const FanoutPlan& plan,
                  DegradedUpstreams& degraded) {
  Enrichment enrichment;
  if (plan.artists) {
    auto& by_id = enrichment.artists.emplace();
    for (const auto* artists : {&answers.speculative_artists, &answers.follow_up_artists}) {
      if (!artists->ok()) {
        degraded.insert(kUsersUpstream);
        continue;
      }
      for (const users_v1::User& user : (*artists)->users()) by_id.emplace(user.id(), user);
    }
  }
  if (plan.like_counts) {
    if (answers.like_counts.ok()) {
      enrichment.like_counts.emplace(answers.like_counts->counts().begin(),
                                     answers.like_counts->counts().end());
    } else {
      degraded.insert(kLikesUpstream);
    }
  }
  if (plan.liked) {
    if (answers.liked.ok()) {
      enrichment.liked.emplace(answers.liked->liked_track_ids().begin(),
                               answers.liked->liked_track_ids().end());
    } else {
      degraded.insert(kLikesUpstream);
    }
  }
  return enrichment;
}

// The X-Degraded response header ("likes,users"), when anything is missing.
twirp::Result<void> ReportDegraded(twirp::Context& ctx, const DegradedUpstreams& degraded) {
  if (degraded.empty()) return twirp::Ok();
  std::string value;
  for (std::string_view upstream : degraded) {
    if (!value.empty()) value += ",";
    value += upstream;
  }
  return ctx.SetResponseHeader("X-Degraded", std::move(value));
}

}  // namespace

twirp::Awaitable<twirp::Result<v1::GetTracksResponse>> TrackAssembler::GetTracks(
    twirp::Context& ctx, const v1::GetTracksRequest& request, const twirp::FieldMask& mask) {
  const Viewer& viewer = request.viewer();
  if (auto valid = ValidateViewer(viewer); !valid.ok()) co_return std::move(valid).error();
  auto ids = DistinctTrackIds(request);
  if (!ids.ok()) co_return std::move(ids).error();
  if (ids->empty()) co_return v1::GetTracksResponse();

  const FanoutPlan plan = PlanFanout(mask, viewer);
  const FanoutAnswers answers =
      co_await CallUpstreams(*ids, viewer, plan, twirp::CallOptions::From(ctx));
  if (auto required = CheckRequiredCalls(answers); !required.ok()) {
    co_return std::move(required).error();
  }
  const std::vector<const TrackRecord*> visible =
      VisibleInOrderAsked(*ids, *answers.records, viewer, BlockersOf(answers));
  DegradedUpstreams degraded;
  const Enrichment enrichment = Enrich(answers, plan, degraded);

  v1::GetTracksResponse response;
  for (const TrackRecord* record : visible) {
    *response.add_tracks() = AssembleTrack(*record, enrichment, viewer);
  }
  if (auto reported = ReportDegraded(ctx, degraded); !reported.ok()) {
    co_return std::move(reported).error();
  }
  co_return response;
}

twirp::Awaitable<FanoutAnswers> TrackAssembler::CallUpstreams(std::vector<std::int64_t> track_ids,
                                                              Viewer viewer, FanoutPlan plan,
                                                              twirp::CallOptions options) {
  const ArtistCalls speculated = Speculate(track_ids, plan, viewer);
  using boost::asio::experimental::awaitable_operators::operator&&;
  auto [fetched, speculative_artists, speculative_blockers, like_counts, liked] =
      co_await (RecordsThenArtists(track_ids, viewer, plan, speculated, options) &&
                GetUsers(speculated.profiles, options) &&
                FindBlockers(viewer.user_id(), speculated.block_candidates, options) &&
                CountLikes(IfNeeded(plan.like_counts, track_ids), options) &&
                GetLikedTracks(viewer.user_id(), IfNeeded(plan.liked, track_ids), options));
  co_return FanoutAnswers{.records = std::move(fetched.records),
                          .speculative_artists = std::move(speculative_artists),
                          .follow_up_artists = std::move(fetched.artists),
                          .speculative_blockers = std::move(speculative_blockers),
                          .follow_up_blockers = std::move(fetched.blockers),
                          .like_counts = std::move(like_counts),
                          .liked = std::move(liked)};
}

TrackAssembler::ArtistCalls TrackAssembler::Speculate(const std::vector<std::int64_t>& track_ids,
                                                      const FanoutPlan& plan,
                                                      const Viewer& viewer) {
  ArtistCalls calls;
  if (!plan.artists && !plan.blockers) return calls;  // the index is not even asked
  const std::vector<std::int64_t> known = artist_index_.KnownArtists(track_ids);
  calls.profiles = IfNeeded(plan.artists, known);
  // BlockCandidates' rule without what only the records tell (which tracks the
  // static rules hide): a superset of the candidates the records will need.
  // plan.blockers holds for signed-in viewers only.
  calls.block_candidates = IfNeeded(plan.blockers, known);
  std::erase(calls.block_candidates, viewer.user_id());
  return calls;
}

twirp::Awaitable<TrackAssembler::RecordsAndFollowUps> TrackAssembler::RecordsThenArtists(
    std::vector<std::int64_t> track_ids, Viewer viewer, FanoutPlan plan, ArtistCalls speculated,
    twirp::CallOptions options) {
  tracks_v1::GetTracksRequest request;
  request.mutable_track_ids()->Assign(track_ids.begin(), track_ids.end());
  RecordsAndFollowUps fetched;
  fetched.records = co_await upstreams_.track_metadata.GetTracks(
      std::move(request), domain::CapDeadline(options, upstreams_.timeout));
  if (!fetched.records.ok()) co_return fetched;
  artist_index_.Learn(track_ids, fetched.records->tracks());

  const ArtistCalls follow_ups = FollowUps(*fetched.records, viewer, plan, speculated);
  using boost::asio::experimental::awaitable_operators::operator&&;
  std::tie(fetched.artists, fetched.blockers) =
      co_await (GetUsers(follow_ups.profiles, options) &&
                FindBlockers(viewer.user_id(), follow_ups.block_candidates, options));
  co_return fetched;
}

TrackAssembler::ArtistCalls TrackAssembler::FollowUps(const tracks_v1::GetTracksResponse& records,
                                                      const Viewer& viewer, const FanoutPlan& plan,
                                                      const ArtistCalls& speculated) {
  const std::vector<const TrackRecord*> visible = StaticallyVisible(records, viewer);
  ArtistCalls calls;
  calls.profiles = Uncovered(IfNeeded(plan.artists, ArtistsOf(visible)), speculated.profiles);
  calls.block_candidates = Uncovered(IfNeeded(plan.blockers, BlockCandidates(visible, viewer)),
                                     speculated.block_candidates);
  return calls;
}

twirp::CallOptions TrackAssembler::OptionalBudget(twirp::CallOptions request) const {
  return domain::CapDeadline(domain::CapDeadline(std::move(request), upstreams_.timeout),
                             optional_upstream_timeout_);
}

twirp::Awaitable<twirp::Result<users_v1::GetUsersResponse>> TrackAssembler::GetUsers(
    std::vector<std::int64_t> user_ids, twirp::CallOptions options) {
  if (user_ids.empty()) co_return users_v1::GetUsersResponse();
  users_v1::GetUsersRequest request;
  request.mutable_user_ids()->Assign(user_ids.begin(), user_ids.end());
  co_return co_await upstreams_.users.GetUsers(std::move(request),
                                               OptionalBudget(std::move(options)));
}

twirp::Awaitable<twirp::Result<users_v1::FindBlockersResponse>> TrackAssembler::FindBlockers(
    std::int64_t viewer_id, std::vector<std::int64_t> candidate_ids, twirp::CallOptions options) {
  if (candidate_ids.empty()) co_return users_v1::FindBlockersResponse();
  users_v1::FindBlockersRequest request;
  request.set_user_id(viewer_id);
  request.mutable_candidate_ids()->Assign(candidate_ids.begin(), candidate_ids.end());
  co_return co_await upstreams_.users.FindBlockers(
      std::move(request), domain::CapDeadline(std::move(options), upstreams_.timeout));
}

twirp::Awaitable<twirp::Result<likes_v1::CountLikesResponse>> TrackAssembler::CountLikes(
    std::vector<std::int64_t> track_ids, twirp::CallOptions options) {
  if (track_ids.empty()) co_return likes_v1::CountLikesResponse();
  likes_v1::CountLikesRequest request;
  request.mutable_track_ids()->Assign(track_ids.begin(), track_ids.end());
  co_return co_await upstreams_.likes.CountLikes(std::move(request),
                                                 OptionalBudget(std::move(options)));
}

twirp::Awaitable<twirp::Result<likes_v1::GetLikedTracksResponse>> TrackAssembler::GetLikedTracks(
    std::int64_t viewer_id, std::vector<std::int64_t> track_ids, twirp::CallOptions options) {
  if (track_ids.empty()) co_return likes_v1::GetLikedTracksResponse();
  likes_v1::GetLikedTracksRequest request;
  request.set_user_id(viewer_id);
  request.mutable_track_ids()->Assign(track_ids.begin(), track_ids.end());
  co_return co_await upstreams_.likes.GetLikedTracks(std::move(request),
                                                     OptionalBudget(std::move(options)));
}

}  // namespace vas::tracks
