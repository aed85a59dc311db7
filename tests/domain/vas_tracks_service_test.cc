// The Tracks VAS over loopback HTTP in front of the three seeded foundation
// services (domain-rules.md, "Access rules" and "Fanout"), called through its
// generated client. Upstream calls are counted on the foundation servers'
// metrics, so "no call" is observed where it happens.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "get_tracks_call.h"
#include "likes/service.h"
#include "seed/seed.h"
#include "temp_dir.h"
#include "tracks/service.h"
#include "users/service.h"
#include "vas/tracks/service.h"
#include "vas/tracks/track_assembler.h"
#include "vas/tracks/v1/tracks.fields.h"
#include "vas/tracks/v1/tracks.twirp.h"

namespace seed = foundation::seed;
namespace v1 = vas::tracks::v1;
using domain_test::TempDir;
using Ids = std::vector<std::int64_t>;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view kTrackMetadata = "foundation.tracks.v1.TrackMetadata";
constexpr std::string_view kLikes = "foundation.likes.v1.Likes";
constexpr std::string_view kUsers = "foundation.users.v1.Users";

// Requests a method received, whatever their outcome.
std::uint64_t Calls(const twirp::Server& server, std::string_view service,
                    std::string_view method) {
  std::uint64_t total = server.metrics().RequestCount(service, method, "ok");
  for (int code = 0; code < twirp::kErrorCodeCount; ++code) {
    total += server.metrics().RequestCount(service, method,
                                           twirp::CodeString(static_cast<twirp::ErrorCode>(code)));
  }
  return total;
}

// Viewers are in FR unless a test says otherwise: the seed blocks no track
// there, while an unknown country ("") hides every track blocked anywhere.
v1::Viewer Anonymous(const std::string& country = "FR") {
  v1::Viewer viewer;
  viewer.set_country(country);
  return viewer;
}

v1::Viewer SignedIn(std::int64_t user_id, const std::string& country = "FR") {
  v1::Viewer viewer = Anonymous(country);
  viewer.set_user_id(user_id);
  return viewer;
}

Ids TrackIds(const v1::GetTracksResponse& response) {
  Ids ids;
  for (const auto& track : response.tracks()) ids.push_back(track.id());
  return ids;
}

const v1::GetTracksResponsePaths kPaths;

// The BFF's track card: the design's card fields, and the id to link them by.
google::protobuf::FieldMask CardMask() {
  return twirp::MakeFieldMask({kPaths.tracks().id(), kPaths.tracks().title(),
                               kPaths.tracks().artwork_url(), kPaths.tracks().artist().username()});
}

twirp::FieldMask ParseMask(std::initializer_list<twirp::FieldPath> paths) {
  auto mask = twirp::FieldMask::Parse(twirp::MakeFieldMask(paths),
                                      v1::GetTracksResponse::descriptor(), "field_mask");
  REQUIRE(mask.ok());
  return *mask;
}

// A service on 127.0.0.1 port 0 that a test can stop. Stop() destroys the
// server rather than only shutting it down: after Shutdown() and Wait() a
// twirp::Server still holds its listening socket (until its destructor), so
// new connections would be queued and never answered instead of refused.
class Service {
 public:
  explicit Service(const std::function<void(twirp::Server&)>& register_service)
      : server_(std::make_unique<twirp::Server>(Options())) {
    register_service(*server_);
    REQUIRE_FALSE(server_->Listen("127.0.0.1", 0));
    server_->Start();
    url_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  ~Service() { Stop(); }
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  void Stop() {
    if (server_ == nullptr) return;
    server_->Shutdown(5s);
    server_->Wait();
    server_.reset();
  }
  twirp::Server& server() { return *server_; }
  const std::string& url() const { return url_; }

 private:
  static twirp::ServerOptions Options() {
    twirp::ServerOptions options;
    options.worker_threads = 2;
    return options;
  }

  std::unique_ptr<twirp::Server> server_;
  std::string url_;
};

// The three foundation services on their seeded databases, and the VAS in front.
class System {
 public:
  explicit System(twirp::ServerOptions vas_options = {}) {
    twirp::ClientOptions client_options;
    client_options.default_timeout = 10s;
    auto upstreams = vas::tracks::Upstreams::Create(
        {.track_metadata = tracks_.url(), .likes = likes_.url(), .users = users_.url()},
        client_options);
    REQUIRE(upstreams.ok());
    vas_options.worker_threads = 1;
    vas_ = std::make_unique<twirp::Server>(std::move(vas_options));
    v1::RegisterTracks(*vas_,
                       std::make_shared<vas::tracks::TracksService>(std::move(upstreams).value()));
    REQUIRE_FALSE(vas_->Listen("127.0.0.1", 0));
    vas_->Start();
    auto client =
        twirp::Client::Create("http://127.0.0.1:" + std::to_string(vas_->port()), client_options);
    REQUIRE(client.ok());
    client_ = std::make_unique<v1::TracksClient>(std::move(client).value());
  }
  ~System() {
    client_.reset();
    vas_->Shutdown(5s);
    vas_->Wait();
  }

  v1::TracksClient& client() { return *client_; }
  Service& track_metadata_service() { return tracks_; }
  Service& likes_service() { return likes_; }
  Service& users_service() { return users_; }
  twirp::Server& track_metadata() { return tracks_.server(); }
  twirp::Server& likes() { return likes_.server(); }
  twirp::Server& users() { return users_.server(); }

  twirp::Result<v1::GetTracksResponse> Get(const Ids& ids, const v1::Viewer& viewer,
                                           google::protobuf::FieldMask mask = {},
                                           std::string* degraded = nullptr) {
    return CallGetTracks(*client_, ids, viewer, std::move(mask), degraded);
  }

  twirp::Result<v1::LikeTrackResponse> Like(std::int64_t track_id, const v1::Viewer& viewer) {
    v1::LikeTrackRequest request;
    request.set_track_id(track_id);
    *request.mutable_viewer() = viewer;
    return client_->LikeTrackBlocking(request);
  }
  twirp::Result<v1::UnlikeTrackResponse> Unlike(std::int64_t track_id, const v1::Viewer& viewer) {
    v1::UnlikeTrackRequest request;
    request.set_track_id(track_id);
    *request.mutable_viewer() = viewer;
    return client_->UnlikeTrackBlocking(request);
  }
  twirp::Result<v1::DownloadTrackResponse> Download(std::int64_t track_id,
                                                    const v1::Viewer& viewer) {
    v1::DownloadTrackRequest request;
    request.set_track_id(track_id);
    *request.mutable_viewer() = viewer;
    return client_->DownloadTrackBlocking(request);
  }

  // Every request the Likes service received.
  std::uint64_t LikesCalls() {
    std::uint64_t total = 0;
    for (const auto* method : {"Like", "Unlike", "CountLikes", "GetLikedTracks", "ListUserLikes"}) {
      total += Calls(likes(), kLikes, method);
    }
    return total;
  }

 private:
  TempDir dir_;
  Service tracks_{[this](twirp::Server& server) {
    auto store = foundation::tracks::TracksStore::Open(dir_.File("tracks.db"), seed::SeedTracks);
    REQUIRE(store.ok());
    foundation::tracks::v1::RegisterTrackMetadata(
        server,
        std::make_shared<foundation::tracks::TrackMetadataService>(std::move(store).value()));
  }};
  Service likes_{[this](twirp::Server& server) {
    auto store = foundation::likes::LikesStore::Open(dir_.File("likes.db"), seed::SeedLikes);
    REQUIRE(store.ok());
    foundation::likes::v1::RegisterLikes(
        server, std::make_shared<foundation::likes::LikesService>(std::move(store).value()));
  }};
  Service users_{[this](twirp::Server& server) {
    auto store = foundation::users::UsersStore::Open(dir_.File("users.db"), seed::SeedUsers);
    REQUIRE(store.ok());
    foundation::users::v1::RegisterUsers(
        server, std::make_shared<foundation::users::UsersService>(std::move(store).value()));
  }};
  std::unique_ptr<twirp::Server> vas_;
  std::unique_ptr<v1::TracksClient> client_;
};

template <class T>
void RequireError(const twirp::Result<T>& result, twirp::ErrorCode code) {
  REQUIRE_FALSE(result.ok());
  INFO("code " << twirp::CodeString(result.error().code()) << ", msg: " << result.error().msg());
  CHECK(result.error().code() == code);
}

}  // namespace

// --- the fanout plan, without a network ---------------------------------------

TEST_CASE("fanout plan: a card mask for an anonymous viewer needs Users.GetUsers only") {
  const auto plan =
      vas::tracks::PlanFanout(ParseMask({kPaths.tracks().title(), kPaths.tracks().artwork_url(),
                                         kPaths.tracks().artist().username()}),
                              Anonymous());
  CHECK(plan == vas::tracks::FanoutPlan{.artists = true});
}

TEST_CASE("fanout plan: title and artwork only, or the artist's id only, need no further call") {
  CHECK(vas::tracks::PlanFanout(ParseMask({kPaths.tracks().title(), kPaths.tracks().artwork_url()}),
                                Anonymous()) == vas::tracks::FanoutPlan{});
  CHECK(vas::tracks::PlanFanout(ParseMask({kPaths.tracks().artist().id()}), Anonymous()) ==
        vas::tracks::FanoutPlan{});
}

TEST_CASE("fanout plan: everything for a signed-in viewer needs every upstream call") {
  CHECK(vas::tracks::PlanFanout(twirp::FieldMask::All(), SignedIn(seed::kAlice)) ==
        vas::tracks::FanoutPlan{
            .artists = true, .like_counts = true, .liked = true, .blockers = true});
  // Anonymous: nobody has liked or blocked them.
  CHECK(vas::tracks::PlanFanout(twirp::FieldMask::All(), Anonymous()) ==
        vas::tracks::FanoutPlan{.artists = true, .like_counts = true});
  CHECK(vas::tracks::PlanFanout(ParseMask({kPaths.tracks().stats()}), SignedIn(seed::kBob)) ==
        vas::tracks::FanoutPlan{.like_counts = true, .blockers = true});
}

// --- GetTracks over loopback ------------------------------------------------------

TEST_CASE(
    "GetTracks: a card mask for an anonymous viewer calls TrackMetadata and Users.GetUsers once each") {
  System system;
  auto response = system.Get({1, 2, 3, 4, 5}, Anonymous(), CardMask());
  REQUIRE(response.ok());
  CHECK(TrackIds(*response) == Ids{1, 3, 4, 5});  // 2 is private
  const auto& track = response->tracks(0);
  CHECK(track.title() != "");
  CHECK(track.artwork_url() != "");
  CHECK(track.artist().username() != "");
  CHECK(track.artist().display_name() == "");  // trimmed to the mask
  CHECK_FALSE(track.has_stats());
  CHECK_FALSE(track.has_viewer_state());
  CHECK(track.duration_ms() == 0);

  CHECK(Calls(system.track_metadata(), kTrackMetadata, "GetTracks") == 1);
  CHECK(Calls(system.users(), kUsers, "GetUsers") == 1);
  CHECK(Calls(system.users(), kUsers, "FindBlockers") == 0);
  CHECK(system.LikesCalls() == 0);
}

TEST_CASE("GetTracks: title and artwork_url for an anonymous viewer call TrackMetadata only") {
  System system;
  auto response = system.Get({1, 3}, Anonymous(),
                             twirp::MakeFieldMask({kPaths.tracks().id(), kPaths.tracks().title(),
                                                   kPaths.tracks().artwork_url()}));
  REQUIRE(response.ok());
  CHECK(TrackIds(*response) == Ids{1, 3});
  CHECK_FALSE(response->tracks(0).has_artist());
  CHECK(Calls(system.track_metadata(), kTrackMetadata, "GetTracks") == 1);
  CHECK(Calls(system.users(), kUsers, "GetUsers") == 0);
  CHECK(Calls(system.users(), kUsers, "FindBlockers") == 0);
  CHECK(system.LikesCalls() == 0);
}

TEST_CASE(
    "GetTracks: the full aggregate for a signed-in viewer calls each upstream method once, in request order") {
  System system;
  Ids asked;
  for (std::int64_t id = 40; id >= 1; --id) asked.push_back(id);
  std::string degraded;
  auto response = system.Get(asked, SignedIn(seed::kAlice), {}, &degraded);
  REQUIRE(response.ok());
  CHECK(degraded == "");
  // Alice sees her own private track 2 but no other private one (42 % 50 == 2 is
  // beyond the range); nothing is geoblocked for a viewer in FR.
  CHECK(TrackIds(*response) == asked);

  const int last = static_cast<int>(asked.size()) - 1;
  const auto& plain = response->tracks(last);
  REQUIRE(plain.id() == seed::kPlainTrack);
  CHECK(plain.artist().id() == seed::ArtistOf(seed::kPlainTrack));
  CHECK(plain.artist().username() != "");
  CHECK(plain.stats().likes_count() == seed::kPlainTrackLikes);
  CHECK(plain.viewer_state().liked());
  CHECK(plain.downloadable());
  CHECK(plain.has_created_at());
  const auto& unliked = response->tracks(static_cast<int>(last + 1 - seed::kNotDownloadableTrack));
  REQUIRE(unliked.id() == seed::kNotDownloadableTrack);
  CHECK(unliked.has_stats());
  CHECK(unliked.stats().likes_count() == 0);
  CHECK(unliked.has_viewer_state());
  CHECK_FALSE(unliked.viewer_state().liked());

  CHECK(Calls(system.track_metadata(), kTrackMetadata, "GetTracks") == 1);
  CHECK(Calls(system.users(), kUsers, "GetUsers") == 1);
  CHECK(Calls(system.users(), kUsers, "FindBlockers") == 1);
  CHECK(Calls(system.likes(), kLikes, "CountLikes") == 1);
  CHECK(Calls(system.likes(), kLikes, "GetLikedTracks") == 1);
  CHECK(system.LikesCalls() == 2);
}

TEST_CASE("GetTracks: unknown ids and repeats are left out; an empty request calls nobody") {
  System system;
  auto response = system.Get({5, 999'999, 1, 5}, Anonymous(), CardMask());
  REQUIRE(response.ok());
  CHECK(TrackIds(*response) == Ids{5, 1});

  auto empty = system.Get({}, SignedIn(seed::kAlice));
  REQUIRE(empty.ok());
  CHECK(empty->tracks_size() == 0);
  CHECK(Calls(system.track_metadata(), kTrackMetadata, "GetTracks") == 1);
}

TEST_CASE("GetTracks: hidden tracks are left out for the viewers they are hidden from") {
  System system;
  const Ids asked{seed::kPlainTrack, seed::kPrivateTrack, seed::kGeoblockedTrack,
                  seed::kBlockedArtistTrack, seed::kGeoblockedUsCaTrack};
  const auto visible = [&](const v1::Viewer& viewer) {
    auto response = system.Get(asked, viewer, CardMask());
    REQUIRE(response.ok());
    return TrackIds(*response);
  };
  // Private 2 is hidden from anyone but alice, its artist, and holders of its token.
  CHECK(visible(Anonymous()) == Ids{1, 3, 4, 13});
  CHECK(visible(SignedIn(seed::kAlice)) == Ids{1, 2, 3, 4, 13});
  v1::Viewer with_token = Anonymous();
  with_token.add_secret_tokens(seed::SecretToken(seed::kPrivateTrack));
  CHECK(visible(with_token) == Ids{1, 2, 3, 4, 13});
  // Geoblocks follow the viewer's country.
  CHECK(visible(Anonymous("DE")) == Ids{1, 4, 13});
  CHECK(visible(SignedIn(seed::kAlice, "US")) == Ids{1, 2, 3, 4});
  // An unknown country is the strictest: a track blocked anywhere is hidden.
  CHECK(visible(Anonymous("")) == Ids{1, 4});
  CHECK(visible(SignedIn(seed::kAlice, "")) == Ids{1, 2, 4});
  // Bob is blocked by the artist of track 4; carol is not.
  CHECK(visible(SignedIn(seed::kBob)) == Ids{1, 3, 13});
  CHECK(visible(SignedIn(3)) == Ids{1, 3, 4, 13});
}

TEST_CASE("GetTracks: a field_mask path that names no field is invalid_argument before any call") {
  System system;
  google::protobuf::FieldMask mask;
  mask.add_paths("tracks.bogus");
  auto response = system.Get({1}, Anonymous(), mask);
  RequireError(response, twirp::ErrorCode::kInvalidArgument);
  CHECK(response.error().meta("argument") == "field_mask");

  auto negative = system.Get({1, -3}, Anonymous());
  RequireError(negative, twirp::ErrorCode::kInvalidArgument);
  CHECK(negative.error().meta("argument") == "track_ids");
  CHECK(Calls(system.track_metadata(), kTrackMetadata, "GetTracks") == 0);
}

TEST_CASE("GetTracks: the request's deadline is passed on to the upstream calls") {
  // A deadline that has passed when the handler runs: the upstream call must
  // fail at once rather than be sent with the client's 10 s default.
  twirp::ServerOptions options;
  options.request_deadline = 0ms;
  System system(std::move(options));
  auto response = system.Get({1}, Anonymous());
  RequireError(response, twirp::ErrorCode::kDeadlineExceeded);
  CHECK(Calls(system.track_metadata(), kTrackMetadata, "GetTracks") == 0);
}

// --- commands ---------------------------------------------------------------------

TEST_CASE("LikeTrack: a like shows in the aggregate; UnlikeTrack removes it; both idempotent") {
  System system;
  const v1::Viewer bob = SignedIn(seed::kBob);
  auto created = system.Like(seed::kNotDownloadableTrack, bob);
  REQUIRE(created.ok());
  CHECK(created->created());
  auto again = system.Like(seed::kNotDownloadableTrack, bob);
  REQUIRE(again.ok());
  CHECK_FALSE(again->created());

  auto after = system.Get({seed::kNotDownloadableTrack}, bob);
  REQUIRE(after.ok());
  REQUIRE(after->tracks_size() == 1);
  CHECK(after->tracks(0).stats().likes_count() == 1);
  CHECK(after->tracks(0).viewer_state().liked());

  auto removed = system.Unlike(seed::kNotDownloadableTrack, bob);
  REQUIRE(removed.ok());
  CHECK(removed->removed());
  auto nothing = system.Unlike(seed::kNotDownloadableTrack, bob);
  REQUIRE(nothing.ok());
  CHECK_FALSE(nothing->removed());
  auto gone = system.Get({seed::kNotDownloadableTrack}, bob);
  REQUIRE(gone.ok());
  CHECK(gone->tracks(0).stats().likes_count() == 0);
  CHECK_FALSE(gone->tracks(0).viewer_state().liked());
}

TEST_CASE("commands on unknown or hidden tracks are not_found and never reach Likes") {
  System system;
  const v1::Viewer bob = SignedIn(seed::kBob);
  RequireError(system.Like(seed::kBlockedArtistTrack, bob), twirp::ErrorCode::kNotFound);
  RequireError(system.Like(seed::kPrivateTrack, bob), twirp::ErrorCode::kNotFound);
  RequireError(system.Like(999'999, bob), twirp::ErrorCode::kNotFound);
  RequireError(system.Like(seed::kGeoblockedTrack, SignedIn(seed::kBob, "DE")),
               twirp::ErrorCode::kNotFound);
  RequireError(system.Unlike(seed::kBlockedArtistTrack, bob), twirp::ErrorCode::kNotFound);
  RequireError(system.Download(seed::kPrivateTrack, bob), twirp::ErrorCode::kNotFound);
  // The same message for hidden and unknown: nothing to learn from it.
  auto hidden = system.Like(seed::kPrivateTrack, bob);
  auto unknown = system.Like(seed::kPrivateTrack + 1'000'000, bob);
  REQUIRE_FALSE(hidden.ok());
  REQUIRE_FALSE(unknown.ok());
  CHECK(hidden.error().msg().find("not found") != std::string::npos);
  CHECK(unknown.error().msg().find("not found") != std::string::npos);
  CHECK(system.LikesCalls() == 0);
}

TEST_CASE("commands need a signed-in viewer: unauthenticated before any upstream call") {
  System system;
  RequireError(system.Like(seed::kPlainTrack, Anonymous()), twirp::ErrorCode::kUnauthenticated);
  RequireError(system.Unlike(seed::kPlainTrack, Anonymous()), twirp::ErrorCode::kUnauthenticated);
  RequireError(system.Download(seed::kPlainTrack, Anonymous()), twirp::ErrorCode::kUnauthenticated);
  CHECK(Calls(system.track_metadata(), kTrackMetadata, "GetTracks") == 0);
  CHECK(system.LikesCalls() == 0);
}

TEST_CASE("commands: the artist may act on their own private track, token holders too") {
  System system;
  auto own = system.Like(seed::kPrivateTrack, SignedIn(seed::kAlice));
  REQUIRE(own.ok());
  CHECK(own->created());
  v1::Viewer bob_with_token = SignedIn(seed::kBob);
  bob_with_token.add_secret_tokens(seed::SecretToken(seed::kPrivateTrack));
  auto shared = system.Like(seed::kPrivateTrack, bob_with_token);
  REQUIRE(shared.ok());
  CHECK(shared->created());
  // Alice's own track: no FindBlockers for it.
  CHECK(Calls(system.users(), kUsers, "FindBlockers") == 1);
}

TEST_CASE(
    "DownloadTrack: a URL for a downloadable track, permission_denied for another visible one") {
  System system;
  const v1::Viewer carol = SignedIn(3);
  auto download = system.Download(seed::kPlainTrack, carol);
  REQUIRE(download.ok());
  CHECK(download->download_url() == "https://downloads.example.invalid/tracks/1?viewer=3");
  RequireError(system.Download(seed::kNotDownloadableTrack, carol),
               twirp::ErrorCode::kPermissionDenied);
  // Hidden comes first: bob learns nothing about track 4's rights.
  RequireError(system.Download(seed::kBlockedArtistTrack, SignedIn(seed::kBob)),
               twirp::ErrorCode::kNotFound);
  CHECK(system.LikesCalls() == 0);
}

// --- upstream failures ------------------------------------------------------------

TEST_CASE(
    "Likes down: GetTracks answers without stats and viewer_state, X-Degraded: likes; LikeTrack is unavailable") {
  System system;
  system.likes_service().Stop();

  std::string degraded;
  auto response = system.Get({seed::kPlainTrack, seed::kBlockedArtistTrack}, SignedIn(seed::kBob),
                             {}, &degraded);
  REQUIRE(response.ok());
  CHECK(degraded == "likes");
  REQUIRE(TrackIds(*response) == Ids{seed::kPlainTrack});  // still no leak of track 4
  CHECK(response->tracks(0).title() != "");
  CHECK(response->tracks(0).artist().username() != "");
  CHECK_FALSE(response->tracks(0).has_stats());
  CHECK_FALSE(response->tracks(0).has_viewer_state());

  // A mask that needs no Likes call is not degraded.
  auto card = system.Get({seed::kPlainTrack}, Anonymous(), CardMask(), &degraded);
  REQUIRE(card.ok());
  CHECK(degraded == "");

  auto like = system.Like(seed::kPlainTrack, SignedIn(seed::kBob));
  RequireError(like, twirp::ErrorCode::kUnavailable);
  CHECK(like.error().meta("upstream") == "likes");
}

TEST_CASE(
    "Users down: the block rule cannot be checked, so signed-in reads and commands are unavailable") {
  System system;
  system.users_service().Stop();

  auto signed_in = system.Get({seed::kBlockedArtistTrack}, SignedIn(seed::kBob),
                              twirp::MakeFieldMask({kPaths.tracks().title()}));
  RequireError(signed_in, twirp::ErrorCode::kUnavailable);
  CHECK(signed_in.error().meta("upstream") == "users");
  RequireError(system.Like(seed::kPlainTrack, SignedIn(seed::kBob)),
               twirp::ErrorCode::kUnavailable);
  CHECK(system.LikesCalls() == 0);

  // Anonymous viewers need no FindBlockers: only the artist profile is missing.
  std::string degraded;
  auto anonymous = system.Get({seed::kPlainTrack}, Anonymous(), CardMask(), &degraded);
  REQUIRE(anonymous.ok());
  CHECK(degraded == "users");
  REQUIRE(anonymous->tracks_size() == 1);
  CHECK(anonymous->tracks(0).title() != "");
  CHECK(anonymous->tracks(0).artist().username() == "");
}

TEST_CASE("TrackMetadata down: GetTracks and commands are unavailable") {
  System system;
  system.track_metadata_service().Stop();
  auto response = system.Get({seed::kPlainTrack}, Anonymous());
  RequireError(response, twirp::ErrorCode::kUnavailable);
  CHECK(response.error().meta("upstream") == "track_metadata");
  // GetTracks asked Likes in parallel with TrackMetadata (its answer dropped);
  // a command asks Likes only after the access check.
  const std::uint64_t likes_calls = system.LikesCalls();
  RequireError(system.Like(seed::kPlainTrack, SignedIn(seed::kBob)),
               twirp::ErrorCode::kUnavailable);
  CHECK(system.LikesCalls() == likes_calls);
}
