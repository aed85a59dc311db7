// The three foundation services over loopback HTTP, called through their
// generated clients: batched reads, idempotent commands, paging, and the
// invalid_argument / unauthenticated answers of wire-protocol.md §4 (code table)
// with Go's meta "argument" convention.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "likes/service.h"
#include "loopback.h"
#include "seed/seed.h"
#include "temp_dir.h"
#include "tracks/service.h"
#include "users/service.h"

namespace seed = foundation::seed;
namespace likes_v1 = foundation::likes::v1;
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
