// The three foundation services over loopback HTTP, called through their
// generated clients: batched reads, idempotent commands, paging, and the
// invalid_argument / unauthenticated answers of wire-protocol.md §4 (code table)
// with Go's meta "argument" convention.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "likes/service.h"
#include "loopback.h"
#include "reposts/service.h"
#include "seed/seed.h"
#include "temp_dir.h"
#include "tracks/service.h"
#include "users/service.h"

namespace seed = foundation::seed;
namespace likes_v1 = foundation::likes::v1;
namespace reposts_v1 = foundation::reposts::v1;
namespace tracks_v1 = foundation::tracks::v1;
namespace users_v1 = foundation::users::v1;
using domain_test::Loopback;
using domain_test::TempDir;
using Ids = std::vector<std::int64_t>;

namespace {

template <class Repeated>
Ids ToIds(const Repeated& field) {
  return Ids(field.begin(), field.end());
}

template <class T>
void RequireError(const twirp::Result<T>& result, twirp::ErrorCode code,
                  const std::string& argument = "") {
  REQUIRE_FALSE(result.ok());
  INFO("msg: " << result.error().msg());
  CHECK(result.error().code() == code);
  CHECK(result.error().meta("argument") == argument);
}

Ids Range(std::int64_t first, std::int64_t count) {
  Ids ids;
  for (std::int64_t i = 0; i < count; ++i) ids.push_back(first + i);
  return ids;
}

std::shared_ptr<foundation::likes::LikesStore> OpenLikes(const TempDir& dir) {
  auto opened = foundation::likes::LikesStore::Open(dir.File("likes.db"));
  REQUIRE(opened.ok());
  return std::move(opened).value();
}

struct LikesFixture {
  TempDir dir;
  std::shared_ptr<foundation::likes::LikesStore> store = OpenLikes(dir);
  Loopback loopback{[this](twirp::Server& server) {
    likes_v1::RegisterLikes(server, std::make_shared<foundation::likes::LikesService>(store));
  }};
  likes_v1::LikesClient client{loopback.client()};

  twirp::Result<likes_v1::LikeResponse> Like(std::int64_t user_id, std::int64_t track_id) {
    likes_v1::LikeRequest request;
    request.set_user_id(user_id);
    request.set_track_id(track_id);
    return client.LikeBlocking(request);
  }
  twirp::Result<likes_v1::ListUserLikesResponse> List(std::int64_t user_id, int page_size,
                                                      const std::string& token = "") {
    likes_v1::ListUserLikesRequest request;
    request.set_user_id(user_id);
    request.set_page_size(page_size);
    request.set_page_token(token);
    return client.ListUserLikesBlocking(request);
  }
};

}  // namespace

TEST_CASE("Likes: Like and Unlike are idempotent and say whether they changed anything") {
  LikesFixture f;
  auto first = f.Like(1, 10);
  REQUIRE(first.ok());
  CHECK(first->created());
  auto again = f.Like(1, 10);
  REQUIRE(again.ok());
  CHECK_FALSE(again->created());

  likes_v1::UnlikeRequest unlike;
  unlike.set_user_id(1);
  unlike.set_track_id(10);
  auto removed = f.client.UnlikeBlocking(unlike);
  REQUIRE(removed.ok());
  CHECK(removed->removed());
  removed = f.client.UnlikeBlocking(unlike);
  REQUIRE(removed.ok());
  CHECK_FALSE(removed->removed());
}

TEST_CASE("Likes: CountLikes answers every asked id in one call, zeros included") {
  LikesFixture f;
  for (std::int64_t user = 1; user <= 3; ++user) REQUIRE(f.Like(user, 7).ok());
  REQUIRE(f.Like(1, 8).ok());

  likes_v1::CountLikesRequest request;
  for (std::int64_t id : Range(1, 500)) request.add_track_ids(id);
  auto response = f.client.CountLikesBlocking(request);
  REQUIRE(response.ok());
  CHECK(response->counts().size() == 500);
  CHECK(response->counts().at(7) == 3);
  CHECK(response->counts().at(8) == 1);
  CHECK(response->counts().at(500) == 0);
}

TEST_CASE("Likes: GetLikedTracks returns which of the asked tracks the user likes, in order") {
  LikesFixture f;
  for (std::int64_t track : {5, 3, 9}) REQUIRE(f.Like(1, track).ok());
  likes_v1::GetLikedTracksRequest request;
  request.set_user_id(1);
  for (std::int64_t id : {9, 4, 3, 1}) request.add_track_ids(id);
  auto response = f.client.GetLikedTracksBlocking(request);
  REQUIRE(response.ok());
  CHECK(ToIds(response->liked_track_ids()) == Ids{9, 3});
}

TEST_CASE("Likes: ListUserLikes pages newest first through next_page_token") {
  LikesFixture f;
  for (std::int64_t track = 1; track <= 5; ++track) REQUIRE(f.Like(4, track).ok());
  Ids seen;
  std::string token;
  int pages = 0;
  do {
    auto page = f.List(4, 2, token);
    REQUIRE(page.ok());
    const Ids ids = ToIds(page->track_ids());
    seen.insert(seen.end(), ids.begin(), ids.end());
    token = page->next_page_token();
    REQUIRE(++pages <= 3);
  } while (!token.empty());
  CHECK(pages == 3);
  CHECK(seen == Ids{5, 4, 3, 2, 1});
}

TEST_CASE("Likes: page_size 0 is the default, others are clamped to 1..200") {
  LikesFixture f;
  for (std::int64_t track = 1; track <= 250; ++track) REQUIRE(f.store->Like(6, track, 1).ok());
  CHECK(f.List(6, 0)->track_ids_size() == foundation::likes::kDefaultPageSize);
  CHECK(f.List(6, 1000)->track_ids_size() == 200);
  CHECK(f.List(6, -5)->track_ids_size() == 1);
  CHECK(f.List(6, 7)->track_ids_size() == 7);
}

TEST_CASE("Likes: a page_token this service did not issue is invalid_argument (§4.1)") {
  LikesFixture f;
  for (const std::string token : {"garbage", "l1.", "l1.-3", "l1.12x", "l1.99999999999999999999"}) {
    INFO("token " << token);
    RequireError(f.List(1, 10, token), twirp::ErrorCode::kInvalidArgument, "page_token");
  }
}

TEST_CASE(
    "Likes: missing, negative and too many ids are invalid_argument naming the field (§4.1)") {
  LikesFixture f;
  RequireError(f.Like(0, 1), twirp::ErrorCode::kInvalidArgument, "user_id");
  RequireError(f.Like(1, -1), twirp::ErrorCode::kInvalidArgument, "track_id");

  likes_v1::CountLikesRequest too_many;
  for (std::int64_t id : Range(1, 501)) too_many.add_track_ids(id);
  RequireError(f.client.CountLikesBlocking(too_many), twirp::ErrorCode::kInvalidArgument,
               "track_ids");

  likes_v1::GetLikedTracksRequest negative;
  negative.set_user_id(1);
  negative.add_track_ids(3);
  negative.add_track_ids(-3);
  RequireError(f.client.GetLikedTracksBlocking(negative), twirp::ErrorCode::kInvalidArgument,
               "track_ids");
  RequireError(f.List(-1, 10), twirp::ErrorCode::kInvalidArgument, "user_id");
}

TEST_CASE("Likes: CountLikesByDay answers UTC dates and checks its range") {
  LikesFixture f;
  REQUIRE(f.Like(1, 7).ok());
  REQUIRE(f.Like(2, 7).ok());
  const auto now = std::chrono::system_clock::now();
  const std::int64_t now_s =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  likes_v1::CountLikesByDayRequest request;
  request.set_track_id(7);
  request.mutable_since()->set_seconds(now_s - 86'400);
  request.mutable_until()->set_seconds(now_s + 86'400);
  auto response = f.client.CountLikesByDayBlocking(request);
  REQUIRE(response.ok());
  std::int64_t total = 0;
  for (const auto& day : response->days()) {
    CHECK(day.date().size() == 10);
    CHECK(day.date().starts_with("20"));
    total += day.count();
  }
  CHECK(total == 2);

  request.mutable_since()->set_seconds(1'735'689'600);  // 2025-01-01
  request.mutable_until()->set_seconds(1'735'689'600 + 86'400);
  CHECK(f.client.CountLikesByDayBlocking(request)->days_size() == 0);
  request.mutable_until()->set_seconds(1'735'689'600 + 367 * 86'400);
  RequireError(f.client.CountLikesByDayBlocking(request), twirp::ErrorCode::kInvalidArgument,
               "until");
  request.mutable_until()->set_seconds(1'735'689'600);
  RequireError(f.client.CountLikesByDayBlocking(request), twirp::ErrorCode::kInvalidArgument,
               "until");
  request.mutable_since()->set_seconds(-1);
  RequireError(f.client.CountLikesByDayBlocking(request), twirp::ErrorCode::kInvalidArgument,
               "since");
}

TEST_CASE("Likes: ListTrackLikers pages a track's likers newest first") {
  LikesFixture f;
  for (std::int64_t user = 1; user <= 3; ++user) REQUIRE(f.Like(user, 7).ok());
  likes_v1::ListTrackLikersRequest request;
  request.set_track_id(7);
  request.set_page_size(2);
  auto first = f.client.ListTrackLikersBlocking(request);
  REQUIRE(first.ok());
  CHECK(ToIds(first->user_ids()) == Ids{3, 2});
  request.set_page_token(first->next_page_token());
  auto last = f.client.ListTrackLikersBlocking(request);
  REQUIRE(last.ok());
  CHECK(ToIds(last->user_ids()) == Ids{1});
  CHECK(last->next_page_token().empty());
  request.set_page_token("x");
  RequireError(f.client.ListTrackLikersBlocking(request), twirp::ErrorCode::kInvalidArgument,
               "page_token");
}

TEST_CASE("Likes: the map of CountLikes survives the JSON encoding too (§3)") {
  TempDir dir;
  auto store = OpenLikes(dir);
  REQUIRE(store->Like(1, 42).ok());
  Loopback loopback(
      [&](twirp::Server& server) {
        likes_v1::RegisterLikes(server, std::make_shared<foundation::likes::LikesService>(store));
      },
      twirp::Encoding::kJson);
  likes_v1::LikesClient client(loopback.client());
  likes_v1::CountLikesRequest request;
  request.add_track_ids(42);
  request.add_track_ids(43);
  auto response = client.CountLikesBlocking(request);
  REQUIRE(response.ok());
  CHECK(
      std::map<std::int64_t, std::int64_t>(response->counts().begin(), response->counts().end()) ==
      std::map<std::int64_t, std::int64_t>{{42, 1}, {43, 0}});
}

namespace {

std::shared_ptr<foundation::reposts::RepostsStore> OpenReposts(const TempDir& dir) {
  auto opened = foundation::reposts::RepostsStore::Open(dir.File("reposts.db"));
  REQUIRE(opened.ok());
  return std::move(opened).value();
}

struct RepostsFixture {
  TempDir dir;
  std::shared_ptr<foundation::reposts::RepostsStore> store = OpenReposts(dir);
  Loopback loopback{[this](twirp::Server& server) {
    reposts_v1::RegisterReposts(server,
                                std::make_shared<foundation::reposts::RepostsService>(store));
  }};
  reposts_v1::RepostsClient client{loopback.client()};

  twirp::Result<reposts_v1::RepostResponse> Repost(std::int64_t user_id, std::int64_t track_id) {
    reposts_v1::RepostRequest request;
    request.set_user_id(user_id);
    request.set_track_id(track_id);
    return client.RepostBlocking(request);
  }
};

}  // namespace

TEST_CASE("Reposts: Repost and Unrepost are idempotent and say whether they changed anything") {
  RepostsFixture f;
  CHECK(f.Repost(1, 7)->created());
  CHECK_FALSE(f.Repost(1, 7)->created());
  reposts_v1::UnrepostRequest unrepost;
  unrepost.set_user_id(1);
  unrepost.set_track_id(7);
  CHECK(f.client.UnrepostBlocking(unrepost)->removed());
  CHECK_FALSE(f.client.UnrepostBlocking(unrepost)->removed());
  RequireError(f.Repost(0, 7), twirp::ErrorCode::kInvalidArgument, "user_id");
  RequireError(f.Repost(1, -7), twirp::ErrorCode::kInvalidArgument, "track_id");
}

TEST_CASE("Reposts: CountReposts and GetRepostedTracks answer a batch in one call") {
  RepostsFixture f;
  REQUIRE(f.Repost(1, 7).ok());
  REQUIRE(f.Repost(2, 7).ok());
  REQUIRE(f.Repost(2, 9).ok());
  reposts_v1::CountRepostsRequest count;
  for (std::int64_t id : {7, 8, 9}) count.add_track_ids(id);
  auto counts = f.client.CountRepostsBlocking(count);
  REQUIRE(counts.ok());
  CHECK(std::map<std::int64_t, std::int64_t>(counts->counts().begin(), counts->counts().end()) ==
        std::map<std::int64_t, std::int64_t>{{7, 2}, {8, 0}, {9, 1}});
  reposts_v1::GetRepostedTracksRequest reposted;
  reposted.set_user_id(2);
  for (std::int64_t id : {9, 8, 7}) reposted.add_track_ids(id);
  CHECK(ToIds(f.client.GetRepostedTracksBlocking(reposted)->reposted_track_ids()) == Ids{9, 7});
  count.clear_track_ids();
  for (std::int64_t id : Range(1, 501)) count.add_track_ids(id);
  RequireError(f.client.CountRepostsBlocking(count), twirp::ErrorCode::kInvalidArgument,
               "track_ids");
}

TEST_CASE("Reposts: ListUserReposts and ListTrackReposters page newest first") {
  RepostsFixture f;
  for (std::int64_t track = 1; track <= 3; ++track) REQUIRE(f.Repost(5, track).ok());
  for (std::int64_t user = 6; user <= 8; ++user) REQUIRE(f.Repost(user, 3).ok());
  reposts_v1::ListUserRepostsRequest mine;
  mine.set_user_id(5);
  mine.set_page_size(2);
  auto first = f.client.ListUserRepostsBlocking(mine);
  REQUIRE(first.ok());
  CHECK(ToIds(first->track_ids()) == Ids{3, 2});
  mine.set_page_token(first->next_page_token());
  auto rest = f.client.ListUserRepostsBlocking(mine);
  CHECK(ToIds(rest->track_ids()) == Ids{1});
  CHECK(rest->next_page_token().empty());

  reposts_v1::ListTrackRepostersRequest reposters;
  reposters.set_track_id(3);
  CHECK(ToIds(f.client.ListTrackRepostersBlocking(reposters)->user_ids()) == Ids{8, 7, 6, 5});
  reposters.set_page_token("nonsense");
  RequireError(f.client.ListTrackRepostersBlocking(reposters), twirp::ErrorCode::kInvalidArgument,
               "page_token");
}

TEST_CASE("Reposts: CountRepostsByDay answers UTC dates") {
  RepostsFixture f;
  constexpr std::int64_t kJan31 = 1'738'281'600;  // 2025-01-31T00:00:00Z
  REQUIRE(f.store->Add(1, 7, kJan31 * 1000 + 1).ok());
  REQUIRE(f.store->Add(2, 7, kJan31 * 1000 + 2).ok());
  REQUIRE(f.store->Add(3, 7, (kJan31 + 86'400) * 1000).ok());
  reposts_v1::CountRepostsByDayRequest request;
  request.set_track_id(7);
  request.mutable_since()->set_seconds(kJan31);
  request.mutable_until()->set_seconds(kJan31 + 7 * 86'400);
  auto response = f.client.CountRepostsByDayBlocking(request);
  REQUIRE(response.ok());
  REQUIRE(response->days_size() == 2);
  CHECK(response->days(0).date() == "2025-01-31");
  CHECK(response->days(0).count() == 2);
  CHECK(response->days(1).date() == "2025-02-01");
  CHECK(response->days(1).count() == 1);
}

namespace {

void RegisterSeededTracks(const TempDir& dir, twirp::Server& server) {
  auto opened = foundation::tracks::TracksStore::Open(dir.File("tracks.db"), seed::SeedTracks);
  REQUIRE(opened.ok());
  tracks_v1::RegisterTrackMetadata(
      server,
      std::make_shared<foundation::tracks::TrackMetadataService>(std::move(opened).value()));
}

struct SeededTracks {
  TempDir dir;
  Loopback loopback{[this](twirp::Server& server) { RegisterSeededTracks(dir, server); }};
  tracks_v1::TrackMetadataClient client{loopback.client()};

  twirp::Result<tracks_v1::GetTracksResponse> Get(const Ids& ids) {
    tracks_v1::GetTracksRequest request;
    for (std::int64_t id : ids) request.add_track_ids(id);
    return client.GetTracksBlocking(request);
  }
};

}  // namespace

TEST_CASE("TrackMetadata: GetTracks returns known tracks in request order, unknown ones left out") {
  SeededTracks f;
  auto response = f.Get({seed::kGeoblockedTrack, 999'999, seed::kPrivateTrack, seed::kPlainTrack});
  REQUIRE(response.ok());
  REQUIRE(response->tracks_size() == 3);
  const auto& geoblocked = response->tracks(0);
  CHECK(geoblocked.id() == seed::kGeoblockedTrack);
  CHECK(geoblocked.visibility() == tracks_v1::VISIBILITY_PUBLIC);
  CHECK(std::vector<std::string>(geoblocked.blocked_territories().begin(),
                                 geoblocked.blocked_territories().end()) ==
        std::vector<std::string>{"DE"});

  const auto& hidden = response->tracks(1);
  CHECK(hidden.visibility() == tracks_v1::VISIBILITY_PRIVATE);
  CHECK(hidden.secret_token() == seed::SecretToken(seed::kPrivateTrack));
  CHECK(hidden.artist_user_id() == seed::kAlice);

  const auto& plain = response->tracks(2);
  CHECK(plain.downloadable());
  CHECK_FALSE(plain.title().empty());
  CHECK(plain.duration_ms() > 0);
  CHECK(plain.created_at().seconds() > 1'700'000'000);
  CHECK(plain.secret_token().empty());
}

TEST_CASE(
    "TrackMetadata: a batch of 500 ids is one call; 501 or a negative id is invalid_argument") {
  SeededTracks f;
  auto full = f.Get(Range(9'501, 500));
  REQUIRE(full.ok());
  CHECK(full->tracks_size() == 500);
  RequireError(f.Get(Range(1, 501)), twirp::ErrorCode::kInvalidArgument, "track_ids");
  RequireError(f.Get({1, -2}), twirp::ErrorCode::kInvalidArgument, "track_ids");
  auto none = f.Get({});
  REQUIRE(none.ok());
  CHECK(none->tracks_size() == 0);
}

namespace {

struct EmptyTracks {
  TempDir dir;
  Loopback loopback{[this](twirp::Server& server) {
    auto opened = foundation::tracks::TracksStore::Open(dir.File("tracks.db"));
    REQUIRE(opened.ok());
    tracks_v1::RegisterTrackMetadata(
        server,
        std::make_shared<foundation::tracks::TrackMetadataService>(std::move(opened).value()));
  }};
  tracks_v1::TrackMetadataClient client{loopback.client()};

  static tracks_v1::CreateTrackRequest Valid() {
    tracks_v1::CreateTrackRequest request;
    request.set_title("Night Drive");
    request.set_artist_user_id(42);
    request.set_duration_ms(200'000);
    request.set_artwork_url("https://cdn.example.com/a.jpg");
    request.set_genre("house");
    request.set_visibility(tracks_v1::VISIBILITY_PUBLIC);
    request.add_blocked_territories("DE");
    return request;
  }
  tracks_v1::Track Create(const tracks_v1::CreateTrackRequest& request = Valid()) {
    auto created = client.CreateTrackBlocking(request);
    REQUIRE(created.ok());
    return created->track();
  }
  twirp::Result<tracks_v1::UpdateTrackResponse> Update(std::int64_t id, std::int64_t version,
                                                       const tracks_v1::Track& track,
                                                       const std::vector<std::string>& paths) {
    tracks_v1::UpdateTrackRequest request;
    request.set_track_id(id);
    request.set_expected_version(version);
    *request.mutable_track() = track;
    for (const auto& path : paths) request.mutable_update_mask()->add_paths(path);
    return client.UpdateTrackBlocking(request);
  }
  tracks_v1::Track Get(std::int64_t id) {
    tracks_v1::GetTracksRequest request;
    request.add_track_ids(id);
    auto got = client.GetTracksBlocking(request);
    REQUIRE(got.ok());
    REQUIRE(got->tracks_size() == 1);
    return got->tracks(0);
  }
};

}  // namespace

TEST_CASE("TrackMetadata: CreateTrack stores version 1 and a private track gets a secret") {
  EmptyTracks f;
  const tracks_v1::Track created = f.Create();
  CHECK(created.id() == 1);
  CHECK(created.version() == 1);
  CHECK(created.title() == "Night Drive");
  CHECK(created.created_at().seconds() > 1'700'000'000);
  CHECK(created.secret_token().empty());
  CHECK(f.Get(1).SerializeAsString() == created.SerializeAsString());

  auto request = EmptyTracks::Valid();
  request.set_visibility(tracks_v1::VISIBILITY_PRIVATE);
  const tracks_v1::Track hidden = f.Create(request);
  CHECK(hidden.id() == 2);
  CHECK(hidden.secret_token().size() == 32);
  CHECK(f.Create(request).secret_token() != hidden.secret_token());
}

TEST_CASE("TrackMetadata: CreateTrack refuses a field out of bounds with invalid_argument") {
  EmptyTracks f;
  auto with = [](auto change) {
    auto request = EmptyTracks::Valid();
    change(request);
    return request;
  };
  using Request = tracks_v1::CreateTrackRequest;
  RequireError(f.client.CreateTrackBlocking(with([](Request& r) { r.set_title(""); })),
               twirp::ErrorCode::kInvalidArgument, "title");
  RequireError(
      f.client.CreateTrackBlocking(with([](Request& r) { r.set_title(std::string(201, 'x')); })),
      twirp::ErrorCode::kInvalidArgument, "title");
  RequireError(f.client.CreateTrackBlocking(with([](Request& r) { r.set_duration_ms(0); })),
               twirp::ErrorCode::kInvalidArgument, "duration_ms");
  RequireError(f.client.CreateTrackBlocking(
                   with([](Request& r) { r.set_artwork_url(std::string(2049, 'u')); })),
               twirp::ErrorCode::kInvalidArgument, "artwork_url");
  for (const char* code : {"de", "DEU", "D1", ""}) {
    INFO(code);
    RequireError(
        f.client.CreateTrackBlocking(with([&](Request& r) { r.add_blocked_territories(code); })),
        twirp::ErrorCode::kInvalidArgument, "blocked_territories");
  }
  RequireError(f.client.CreateTrackBlocking(
                   with([](Request& r) { r.set_visibility(tracks_v1::VISIBILITY_UNSPECIFIED); })),
               twirp::ErrorCode::kInvalidArgument, "visibility");
  RequireError(f.client.CreateTrackBlocking(with([](Request& r) { r.set_artist_user_id(0); })),
               twirp::ErrorCode::kInvalidArgument, "artist_user_id");
  tracks_v1::GetTracksRequest all;
  all.add_track_ids(1);
  CHECK(f.client.GetTracksBlocking(all)->tracks_size() == 0);  // nothing was written
}

TEST_CASE("TrackMetadata: UpdateTrack changes the masked fields and raises the version") {
  EmptyTracks f;
  const tracks_v1::Track created = f.Create();
  tracks_v1::Track next;
  next.set_title("Night Drive (Edit)");
  next.set_genre("ignored: not in the mask");
  next.set_visibility(tracks_v1::VISIBILITY_PRIVATE);
  auto updated = f.Update(created.id(), 1, next, {"title", "visibility"});
  REQUIRE(updated.ok());
  CHECK(updated->track().version() == 2);
  CHECK(updated->track().title() == "Night Drive (Edit)");
  CHECK(updated->track().genre() == "house");
  CHECK(updated->track().secret_token().size() == 32);
  CHECK(f.Get(created.id()).SerializeAsString() == updated->track().SerializeAsString());
}

TEST_CASE(
    "TrackMetadata: a stale expected_version is aborted with the current version and writes nothing") {
  EmptyTracks f;
  const tracks_v1::Track created = f.Create();
  tracks_v1::Track next;
  next.set_title("First");
  REQUIRE(f.Update(created.id(), 1, next, {"title"}).ok());
  next.set_title("Second, from a stale read");
  auto stale = f.Update(created.id(), 1, next, {"title"});
  RequireError(stale, twirp::ErrorCode::kAborted);
  CHECK(stale.error().meta("current_version") == "2");
  CHECK(f.Get(created.id()).title() == "First");
  CHECK(f.Get(created.id()).version() == 2);
}

TEST_CASE("TrackMetadata: UpdateTrack checks the mask, the fields and the id before writing") {
  EmptyTracks f;
  const tracks_v1::Track created = f.Create();
  tracks_v1::Track next;
  next.set_title("Changed");
  next.set_duration_ms(-1);
  RequireError(f.Update(created.id(), 1, next, {"title", "artist_user_id"}),
               twirp::ErrorCode::kInvalidArgument, "update_mask");
  RequireError(f.Update(created.id(), 1, next, {"version"}), twirp::ErrorCode::kInvalidArgument,
               "update_mask");
  RequireError(f.Update(created.id(), 1, next, {}), twirp::ErrorCode::kInvalidArgument,
               "update_mask");
  RequireError(f.Update(created.id(), 1, next, {"title", "duration_ms"}),
               twirp::ErrorCode::kInvalidArgument, "duration_ms");
  RequireError(f.Update(created.id(), 0, next, {"title"}), twirp::ErrorCode::kInvalidArgument,
               "expected_version");
  RequireError(f.Update(99, 1, next, {"title"}), twirp::ErrorCode::kNotFound);
  CHECK(f.Get(created.id()).SerializeAsString() == created.SerializeAsString());
}

TEST_CASE("TrackMetadata: DeleteTrack is idempotent and says whether it removed a track") {
  EmptyTracks f;
  const tracks_v1::Track created = f.Create();
  tracks_v1::DeleteTrackRequest request;
  request.set_track_id(created.id());
  CHECK(f.client.DeleteTrackBlocking(request)->deleted());
  CHECK_FALSE(f.client.DeleteTrackBlocking(request)->deleted());
  request.set_track_id(-1);
  RequireError(f.client.DeleteTrackBlocking(request), twirp::ErrorCode::kInvalidArgument,
               "track_id");
}

TEST_CASE("TrackMetadata: ListTracksByArtist pages newest first through next_page_token") {
  EmptyTracks f;
  for (int i = 0; i < 5; ++i) f.Create();  // ids 1..5 by artist 42, newest has the largest id
  auto other = EmptyTracks::Valid();
  other.set_artist_user_id(43);
  f.Create(other);
  tracks_v1::ListTracksByArtistRequest request;
  request.set_artist_user_id(42);
  request.set_page_size(2);
  Ids seen;
  for (int page = 0; page < 10; ++page) {
    auto response = f.client.ListTracksByArtistBlocking(request);
    REQUIRE(response.ok());
    for (const auto& track : response->tracks()) seen.push_back(track.id());
    if (page == 0) f.Create();  // a new upload while paging shifts nothing
    if (response->next_page_token().empty()) break;
    request.set_page_token(response->next_page_token());
  }
  CHECK(seen == Ids{5, 4, 3, 2, 1});

  request.set_page_token("l1.5");
  RequireError(f.client.ListTracksByArtistBlocking(request), twirp::ErrorCode::kInvalidArgument,
               "page_token");
  request.set_page_token("");
  request.set_page_size(0);
  CHECK(f.client.ListTracksByArtistBlocking(request)->tracks_size() == 6);
}

namespace {

void RegisterSeededUsers(const TempDir& dir, twirp::Server& server) {
  auto opened = foundation::users::UsersStore::Open(dir.File("users.db"), seed::SeedUsers);
  REQUIRE(opened.ok());
  users_v1::RegisterUsers(
      server, std::make_shared<foundation::users::UsersService>(std::move(opened).value()));
}

struct SeededUsers {
  TempDir dir;
  Loopback loopback{[this](twirp::Server& server) { RegisterSeededUsers(dir, server); }};
  users_v1::UsersClient client{loopback.client()};

  twirp::Result<users_v1::AuthenticateResponse> Authenticate(const std::string& token) {
    users_v1::AuthenticateRequest request;
    request.set_token(token);
    return client.AuthenticateBlocking(request);
  }
};

}  // namespace

TEST_CASE("Users: GetUsers returns known users in request order") {
  SeededUsers f;
  users_v1::GetUsersRequest request;
  for (std::int64_t id : {seed::kBob, std::int64_t{5000}, seed::kAlice}) request.add_user_ids(id);
  auto response = f.client.GetUsersBlocking(request);
  REQUIRE(response.ok());
  REQUIRE(response->users_size() == 2);
  CHECK(response->users(0).username() == "bob");
  CHECK(response->users(1).username() == "alice");
  CHECK_FALSE(response->users(1).avatar_url().empty());

  request.clear_user_ids();
  for (std::int64_t id : Range(1, 501)) request.add_user_ids(id);
  RequireError(f.client.GetUsersBlocking(request), twirp::ErrorCode::kInvalidArgument, "user_ids");
}

TEST_CASE("Users: FindBlockers names the candidates who blocked the user") {
  SeededUsers f;
  users_v1::FindBlockersRequest request;
  request.set_user_id(seed::kBob);
  for (std::int64_t id : {6, 7, 8, 9, 10}) request.add_candidate_ids(id);
  auto response = f.client.FindBlockersBlocking(request);
  REQUIRE(response.ok());
  CHECK(ToIds(response->blocker_ids()) == Ids{seed::kBlockingArtist});

  request.set_user_id(seed::kAlice);
  response = f.client.FindBlockersBlocking(request);
  REQUIRE(response.ok());
  CHECK(response->blocker_ids().empty());

  request.set_user_id(0);
  RequireError(f.client.FindBlockersBlocking(request), twirp::ErrorCode::kInvalidArgument,
               "user_id");
}

TEST_CASE(
    "Users: Authenticate maps a demo token to its user; a bad token is unauthenticated (§4.1)") {
  SeededUsers f;
  for (const auto& demo : seed::kDemoUsers) {
    auto response = f.Authenticate(std::string(demo.token));
    REQUIRE(response.ok());
    CHECK(response->user_id() == demo.id);
  }
  RequireError(f.Authenticate("demo-token-mallory"), twirp::ErrorCode::kUnauthenticated);
  // Near misses of a real token: the same length, and only the last byte differing.
  RequireError(f.Authenticate("demo-token-xxxxx"), twirp::ErrorCode::kUnauthenticated);
  RequireError(f.Authenticate("demo-token-alicE"), twirp::ErrorCode::kUnauthenticated);
  RequireError(f.Authenticate(""), twirp::ErrorCode::kUnauthenticated);
  RequireError(f.Authenticate(std::string(10'000, 'x')), twirp::ErrorCode::kUnauthenticated);
}
