// The Tracks VAS's fanout (track_assembler.h) against fake foundation services:
// which calls start before TrackMetadata answers, what a stale or forgotten
// ArtistIndex entry costs, and the index's bounds. The fakes record every call
// and can hold TrackMetadata's answer until other calls have arrived, so "in
// flight before the records" is observed as an event, never timed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "foundation/likes/v1/likes.twirp.h"
#include "foundation/tracks/v1/track_metadata.twirp.h"
#include "foundation/users/v1/users.twirp.h"
#include "get_tracks_call.h"
#include "loopback.h"
#include "vas/tracks/artist_index.h"
#include "vas/tracks/service.h"
#include "vas/tracks/v1/tracks.fields.h"
#include "vas/tracks/v1/tracks.twirp.h"

namespace likes_v1 = foundation::likes::v1;
namespace tracks_v1 = foundation::tracks::v1;
namespace users_v1 = foundation::users::v1;
namespace v1 = vas::tracks::v1;
using domain_test::Loopback;
using Ids = std::vector<std::int64_t>;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kViewer = 7;

// One call a fake received.
struct Call {
  Ids ids;                     // the track, user or candidate ids asked about
  bool after_records = false;  // TrackMetadata had answered (since ResetCalls) when it arrived
};

// What the fake foundation services know and what they were asked, shared by
// their server threads and the test thread.
class Foundation {
 public:
  void SetTrack(std::int64_t id, std::int64_t artist, bool is_private = false) {
    std::lock_guard lock(mutex_);
    tracks_v1::Track& track = tracks_[id];
    track.set_id(id);
    track.set_title("Track " + std::to_string(id));
    track.set_artist_user_id(artist);
    track.set_visibility(is_private ? tracks_v1::VISIBILITY_PRIVATE : tracks_v1::VISIBILITY_PUBLIC);
  }
  void Block(std::int64_t artist, std::int64_t user) {
    std::lock_guard lock(mutex_);
    blocks_.emplace(artist, user);
  }
  void FailUsers(bool get_users, bool find_blockers) {
    std::lock_guard lock(mutex_);
    fail_get_users_ = get_users;
    fail_find_blockers_ = find_blockers;
  }

  // The next TrackMetadata.GetTracks answers only once each of `methods` has
  // been called since ResetCalls, or after `limit`; HoldMet() then says which.
  void HoldNextRecords(std::set<std::string> methods, std::chrono::milliseconds limit) {
    std::lock_guard lock(mutex_);
    hold_ = Hold{std::move(methods), limit};
    hold_met_.reset();
  }
  std::optional<bool> HoldMet() {
    std::lock_guard lock(mutex_);
    return hold_met_;
  }

  void ResetCalls() {
    std::lock_guard lock(mutex_);
    calls_.clear();
    records_answered_ = false;
  }
  std::vector<Call> Calls(const std::string& method) {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(method);
    return it == calls_.end() ? std::vector<Call>() : it->second;
  }
  std::size_t LikesCalls() { return Calls("CountLikes").size() + Calls("GetLikedTracks").size(); }

  // The fakes' side.
  twirp::Result<tracks_v1::GetTracksResponse> Records(const tracks_v1::GetTracksRequest& request) {
    std::unique_lock lock(mutex_);
    Received(lock, "GetTracks", Ids(request.track_ids().begin(), request.track_ids().end()));
    if (hold_) {
      const Hold hold = std::move(*hold_);
      hold_.reset();
      hold_met_ = changed_.wait_for(lock, hold.limit, [&] {
        return std::ranges::all_of(
            hold.methods, [&](const std::string& method) { return calls_.contains(method); });
      });
    }
    tracks_v1::GetTracksResponse response;
    for (const std::int64_t id : request.track_ids()) {
      if (auto it = tracks_.find(id); it != tracks_.end()) *response.add_tracks() = it->second;
    }
    records_answered_ = true;
    return response;
  }
  twirp::Result<users_v1::GetUsersResponse> Users(const users_v1::GetUsersRequest& request) {
    std::unique_lock lock(mutex_);
    Received(lock, "GetUsers", Ids(request.user_ids().begin(), request.user_ids().end()));
    if (fail_get_users_) return twirp::InternalError("GetUsers fails in this test");
    users_v1::GetUsersResponse response;
    for (const std::int64_t id : request.user_ids()) {
      users_v1::User& user = *response.add_users();
      user.set_id(id);
      user.set_username("user-" + std::to_string(id));
    }
    return response;
  }
  twirp::Result<users_v1::FindBlockersResponse> Blockers(
      const users_v1::FindBlockersRequest& request) {
    std::unique_lock lock(mutex_);
    Received(lock, "FindBlockers",
             Ids(request.candidate_ids().begin(), request.candidate_ids().end()));
    if (fail_find_blockers_) return twirp::InternalError("FindBlockers fails in this test");
    users_v1::FindBlockersResponse response;
    for (const std::int64_t candidate : request.candidate_ids()) {
      if (blocks_.contains({candidate, request.user_id()})) response.add_blocker_ids(candidate);
    }
    return response;
  }
  void LikesCall(const std::string& method, Ids track_ids) {
    std::unique_lock lock(mutex_);
    Received(lock, method, std::move(track_ids));
  }

 private:
  struct Hold {
    std::set<std::string> methods;
    std::chrono::milliseconds limit;
  };

  void Received(std::unique_lock<std::mutex>&, const std::string& method, Ids ids) {
    calls_[method].push_back({std::move(ids), records_answered_});
    changed_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::int64_t, tracks_v1::Track> tracks_;
  std::set<std::pair<std::int64_t, std::int64_t>> blocks_;  // (artist, blocked user)
  bool fail_get_users_ = false;
  bool fail_find_blockers_ = false;
  std::optional<Hold> hold_;
  std::optional<bool> hold_met_;
  std::map<std::string, std::vector<Call>> calls_;
  bool records_answered_ = false;
};

// Blocking handlers: the held TrackMetadata call waits on the fake's own worker
// thread, never on the VAS's.
class FakeTrackMetadata final : public tracks_v1::TrackMetadataBlocking {
 public:
  explicit FakeTrackMetadata(Foundation& foundation) : foundation_(foundation) {}
  twirp::Result<tracks_v1::GetTracksResponse> GetTracks(
      twirp::Context&, const tracks_v1::GetTracksRequest& request) override {
    return foundation_.Records(request);
  }
  twirp::Result<tracks_v1::CreateTrackResponse> CreateTrack(
      twirp::Context&, const tracks_v1::CreateTrackRequest&) override {
    return twirp::UnimplementedError("not used by GetTracks");
  }
  twirp::Result<tracks_v1::UpdateTrackResponse> UpdateTrack(
      twirp::Context&, const tracks_v1::UpdateTrackRequest&) override {
    return twirp::UnimplementedError("not used by GetTracks");
  }
  twirp::Result<tracks_v1::DeleteTrackResponse> DeleteTrack(
      twirp::Context&, const tracks_v1::DeleteTrackRequest&) override {
    return twirp::UnimplementedError("not used by GetTracks");
  }
  twirp::Result<tracks_v1::ListTracksByArtistResponse> ListTracksByArtist(
      twirp::Context&, const tracks_v1::ListTracksByArtistRequest&) override {
    return twirp::UnimplementedError("not used by GetTracks");
  }

 private:
  Foundation& foundation_;
};

class FakeUsers final : public users_v1::UsersBlocking {
 public:
  explicit FakeUsers(Foundation& foundation) : foundation_(foundation) {}
  twirp::Result<users_v1::GetUsersResponse> GetUsers(
      twirp::Context&, const users_v1::GetUsersRequest& request) override {
    return foundation_.Users(request);
  }
  twirp::Result<users_v1::FindBlockersResponse> FindBlockers(
      twirp::Context&, const users_v1::FindBlockersRequest& request) override {
    return foundation_.Blockers(request);
  }
  twirp::Result<users_v1::AuthenticateResponse> Authenticate(
      twirp::Context&, const users_v1::AuthenticateRequest&) override {
    return twirp::UnimplementedError("not used by the VAS");
  }

 private:
  Foundation& foundation_;
};

class FakeLikes final : public likes_v1::LikesBlocking {
 public:
  static constexpr std::int64_t kLikesPerTrack = 3;

  explicit FakeLikes(Foundation& foundation) : foundation_(foundation) {}
  twirp::Result<likes_v1::CountLikesResponse> CountLikes(
      twirp::Context&, const likes_v1::CountLikesRequest& request) override {
    foundation_.LikesCall("CountLikes",
                          Ids(request.track_ids().begin(), request.track_ids().end()));
    likes_v1::CountLikesResponse response;
    for (const std::int64_t id : request.track_ids()) {
      (*response.mutable_counts())[id] = kLikesPerTrack;
    }
    return response;
  }
  twirp::Result<likes_v1::GetLikedTracksResponse> GetLikedTracks(
      twirp::Context&, const likes_v1::GetLikedTracksRequest& request) override {
    foundation_.LikesCall("GetLikedTracks",
                          Ids(request.track_ids().begin(), request.track_ids().end()));
    return likes_v1::GetLikedTracksResponse();  // the viewer likes nothing
  }
  twirp::Result<likes_v1::LikeResponse> Like(twirp::Context&,
                                             const likes_v1::LikeRequest&) override {
    return twirp::UnimplementedError("not used by GetTracks");
  }
  twirp::Result<likes_v1::UnlikeResponse> Unlike(twirp::Context&,
                                                 const likes_v1::UnlikeRequest&) override {
    return twirp::UnimplementedError("not used by GetTracks");
  }
  twirp::Result<likes_v1::ListUserLikesResponse> ListUserLikes(
      twirp::Context&, const likes_v1::ListUserLikesRequest&) override {
    return twirp::UnimplementedError("not used by GetTracks");
  }
  twirp::Result<likes_v1::CountLikesByDayResponse> CountLikesByDay(
      twirp::Context&, const likes_v1::CountLikesByDayRequest&) override {
    return twirp::UnimplementedError("not used by GetTracks");
  }
  twirp::Result<likes_v1::ListTrackLikersResponse> ListTrackLikers(
      twirp::Context&, const likes_v1::ListTrackLikersRequest&) override {
    return twirp::UnimplementedError("not used by GetTracks");
  }

 private:
  Foundation& foundation_;
};

const v1::GetTracksResponsePaths kPaths;

v1::Viewer SignedIn() {
  v1::Viewer viewer;
  viewer.set_user_id(kViewer);
  return viewer;
}

// The three fakes and, in front of them, the VAS with an index of `capacity` tracks.
class System {
 public:
  explicit System(std::size_t capacity = vas::tracks::kDefaultArtistIndexCapacity) {
    twirp::ClientOptions client_options;
    client_options.default_timeout = 10s;
    const auto url = [](Loopback& fake) {
      return "http://127.0.0.1:" + std::to_string(fake.server().port());
    };
    auto upstreams = vas::tracks::Upstreams::Create(
        {.track_metadata = url(track_metadata_), .likes = url(likes_), .users = url(users_)},
        client_options);
    REQUIRE(upstreams.ok());
    twirp::ServerOptions options;
    options.worker_threads = 1;
    vas_ = std::make_unique<twirp::Server>(std::move(options));
    v1::RegisterTracks(*vas_, std::make_shared<vas::tracks::TracksService>(
                                  std::move(upstreams).value(), capacity));
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

  Foundation& foundation() { return foundation_; }

  // An empty mask asks for the whole aggregate.
  twirp::Result<v1::GetTracksResponse> Get(const Ids& ids, const v1::Viewer& viewer,
                                           google::protobuf::FieldMask mask = {},
                                           std::string* degraded = nullptr) {
    return CallGetTracks(*client_, ids, viewer, std::move(mask), degraded);
  }

 private:
  Foundation foundation_;  // outlives the fakes' servers
  Loopback track_metadata_{[this](twirp::Server& server) {
    tracks_v1::RegisterTrackMetadata(server, std::make_shared<FakeTrackMetadata>(foundation_));
  }};
  Loopback users_{[this](twirp::Server& server) {
    users_v1::RegisterUsers(server, std::make_shared<FakeUsers>(foundation_));
  }};
  Loopback likes_{[this](twirp::Server& server) {
    likes_v1::RegisterLikes(server, std::make_shared<FakeLikes>(foundation_));
  }};
  std::unique_ptr<twirp::Server> vas_;
  std::unique_ptr<v1::TracksClient> client_;
};

Ids TrackIds(const v1::GetTracksResponse& response) {
  Ids ids;
  for (const auto& track : response.tracks()) ids.push_back(track.id());
  return ids;
}

std::set<std::int64_t> AsSet(const Ids& ids) { return {ids.begin(), ids.end()}; }

// Tracks 10, 11, 12 by artists 100, 101, 102; artist 101 has blocked the viewer.
void SeedThreeTracks(Foundation& foundation) {
  foundation.SetTrack(10, 100);
  foundation.SetTrack(11, 101);
  foundation.SetTrack(12, 102);
  foundation.Block(101, kViewer);
}

// The one call of `calls` that asked about exactly `ids`, in any order.
std::optional<Call> CallAbout(const std::vector<Call>& calls, const std::set<std::int64_t>& ids) {
  for (const Call& call : calls) {
    if (AsSet(call.ids) == ids && call.ids.size() == ids.size()) return call;
  }
  return std::nullopt;
}

// What TrackMetadata would answer: (track, artist) records.
google::protobuf::RepeatedPtrField<tracks_v1::Track> Records(
    std::initializer_list<std::pair<std::int64_t, std::int64_t>> track_artists) {
  google::protobuf::RepeatedPtrField<tracks_v1::Track> records;
  for (const auto& [track, artist] : track_artists) {
    tracks_v1::Track& record = *records.Add();
    record.set_id(track);
    record.set_artist_user_id(artist);
  }
  return records;
}

}  // namespace

// --- the index on its own -----------------------------------------------------------

TEST_CASE(
    "ArtistIndex: the artists of the tracks it knows, each once, in order of first appearance") {
  vas::tracks::ArtistIndex index(10);
  const Ids asked{1, 2, 3, 4};
  index.Learn(asked, Records({{1, 100}, {2, 200}, {3, 100}, {4, 300}}));
  CHECK(index.KnownArtists(Ids{4, 9, 3, 1, 2}) == Ids{300, 100, 200});
  CHECK(index.KnownArtists(Ids{9}).empty());
}

TEST_CASE(
    "ArtistIndex: a changed artist replaces the old one; ids TrackMetadata left out are forgotten") {
  vas::tracks::ArtistIndex index(10);
  index.Learn(Ids{1, 2}, Records({{1, 100}, {2, 200}}));
  index.Learn(Ids{1, 2}, Records({{1, 111}}));  // 2 deleted, 1 moved to another artist
  CHECK(index.KnownArtists(Ids{1, 2}) == Ids{111});
  CHECK(index.size() == 1);
}

TEST_CASE("ArtistIndex stays within its capacity, however many tracks it learns") {
  vas::tracks::ArtistIndex index(4);
  for (std::int64_t track = 1; track <= 1'000; ++track) {
    index.Learn(Ids{track}, Records({{track, track + 1'000}}));
    REQUIRE(index.size() == std::min<std::size_t>(track, 4));
  }
  CHECK(index.KnownArtists(Ids{1'000}) == Ids{2'000});  // the newest is kept

  // A 500-track answer into an index of one.
  vas::tracks::ArtistIndex one(1);
  Ids asked;
  google::protobuf::RepeatedPtrField<tracks_v1::Track> records;
  for (std::int64_t track = 1; track <= 500; ++track) {
    asked.push_back(track);
    records.Add()->set_id(track);
  }
  one.Learn(asked, records);
  CHECK(one.size() == 1);
}

TEST_CASE(
    "ArtistIndex evicts the tracks not asked for since the last turnover before one that was") {
  vas::tracks::ArtistIndex index(4);
  index.Learn(Ids{1, 2, 3, 4}, Records({{1, 101}, {2, 102}, {3, 103}, {4, 104}}));
  // Full: track 5 turns the generations over and evicts one of 1-4.
  index.Learn(Ids{5}, Records({{5, 105}}));
  REQUIRE(index.size() == 4);
  // One of the survivors is asked for again (a miss changes nothing).
  std::int64_t asked_again = 0;
  for (std::int64_t track = 1; track <= 4 && asked_again == 0; ++track) {
    if (!index.KnownArtists(Ids{track}).empty()) asked_again = track;
  }
  REQUIRE(asked_again != 0);
  // Two new tracks evict the two survivors that were not asked for.
  index.Learn(Ids{6, 7}, Records({{6, 106}, {7, 107}}));
  CHECK(index.size() == 4);
  for (std::int64_t track = 1; track <= 4; ++track) {
    INFO("track " << track);
    CHECK(index.KnownArtists(Ids{track}).empty() == (track != asked_again));
  }
  CHECK(index.KnownArtists(Ids{5, 6, 7}) == Ids{105, 106, 107});
}

TEST_CASE("ArtistIndex of capacity 0 learns nothing and knows nothing") {
  vas::tracks::ArtistIndex index(0);
  index.Learn(Ids{1}, Records({{1, 101}}));
  CHECK(index.size() == 0);
  CHECK(index.KnownArtists(Ids{1}).empty());
}

// --- GetTracks over loopback ------------------------------------------------------------

TEST_CASE(
    "GetTracks, cold index: the Likes calls start with TrackMetadata, the artist calls follow its answer") {
  System system;
  Foundation& foundation = system.foundation();
  SeedThreeTracks(foundation);
  foundation.HoldNextRecords({"CountLikes", "GetLikedTracks"}, 5s);

  auto response = system.Get({10, 11, 12, 10}, SignedIn());
  REQUIRE(response.ok());
  CHECK(foundation.HoldMet() == true);
  CHECK(TrackIds(*response) == Ids{10, 12});  // 101 blocks the viewer
  CHECK(response->tracks(0).artist().username() == "user-100");
  CHECK(response->tracks(0).stats().likes_count() == FakeLikes::kLikesPerTrack);
  // Likes is asked about the distinct requested ids, hidden ones too.
  CHECK(foundation.Calls("CountLikes").at(0).ids == Ids{10, 11, 12});
  const auto users = foundation.Calls("GetUsers");
  const auto blockers = foundation.Calls("FindBlockers");
  REQUIRE(users.size() == 1);
  REQUIRE(blockers.size() == 1);
  CHECK(users[0].after_records);
  CHECK(blockers[0].after_records);
  CHECK(users[0].ids == Ids{100, 101, 102});
  CHECK(blockers[0].ids == Ids{100, 101, 102});
}

TEST_CASE(
    "GetTracks, warm index: GetUsers, FindBlockers and the Likes calls are all in flight before TrackMetadata answers") {
  System system;
  Foundation& foundation = system.foundation();
  SeedThreeTracks(foundation);
  REQUIRE(system.Get({10, 11, 12}, SignedIn()).ok());  // learns the artists

  foundation.ResetCalls();
  foundation.HoldNextRecords({"GetUsers", "FindBlockers", "CountLikes", "GetLikedTracks"}, 5s);
  auto response = system.Get({12, 11, 10}, SignedIn());
  REQUIRE(response.ok());
  CHECK(foundation.HoldMet() == true);
  CHECK(TrackIds(*response) == Ids{12, 10});
  CHECK(response->tracks(0).artist().username() == "user-102");
  CHECK(response->tracks(1).artist().username() == "user-100");
  // Nothing left for a follow-up: one round trip, each method called once.
  for (const char* method :
       {"GetTracks", "GetUsers", "FindBlockers", "CountLikes", "GetLikedTracks"}) {
    INFO(method);
    CHECK(foundation.Calls(method).size() == 1);
  }
  CHECK(AsSet(foundation.Calls("FindBlockers").at(0).ids) == std::set<std::int64_t>{100, 101, 102});
}

TEST_CASE(
    "GetTracks, stale index entry: the records' artist is shown and its block applies, after one follow-up call") {
  System system;
  Foundation& foundation = system.foundation();
  SeedThreeTracks(foundation);
  REQUIRE(TrackIds(*system.Get({10, 11, 12}, SignedIn())) == Ids{10, 12});

  // Track 10 moves to artist 103, who has blocked the viewer; track 11 moves
  // away from 101 (who had) to 104, who has not.
  foundation.SetTrack(10, 103);
  foundation.SetTrack(11, 104);
  foundation.Block(103, kViewer);
  foundation.ResetCalls();
  auto response = system.Get({10, 11, 12}, SignedIn());
  REQUIRE(response.ok());
  CHECK(TrackIds(*response) == Ids{11, 12});
  CHECK(response->tracks(0).artist().id() == 104);
  CHECK(response->tracks(0).artist().username() == "user-104");

  // The speculative calls asked about the index's artists; the follow-ups
  // about the records' new ones, and only those.
  const auto users = foundation.Calls("GetUsers");
  const auto blockers = foundation.Calls("FindBlockers");
  CHECK(users.size() == 2);
  CHECK(blockers.size() == 2);
  CHECK(CallAbout(users, {100, 101, 102}));
  CHECK(CallAbout(blockers, {100, 101, 102}));
  const auto users_follow_up = CallAbout(users, {103, 104});
  const auto blockers_follow_up = CallAbout(blockers, {103, 104});
  REQUIRE(users_follow_up);
  REQUIRE(blockers_follow_up);
  CHECK(users_follow_up->after_records);
  CHECK(blockers_follow_up->after_records);

  // Learnt: the next request is one round trip again.
  foundation.ResetCalls();
  foundation.HoldNextRecords({"GetUsers", "FindBlockers"}, 5s);
  REQUIRE(TrackIds(*system.Get({10, 11, 12}, SignedIn())) == Ids{11, 12});
  CHECK(foundation.HoldMet() == true);
  CHECK(foundation.Calls("GetUsers").size() == 1);
  CHECK(AsSet(foundation.Calls("GetUsers").at(0).ids) == std::set<std::int64_t>{102, 103, 104});
}

TEST_CASE(
    "GetTracks, artist index off (capacity 0): the artist calls wait for TrackMetadata's answer on every request") {
  System system(0);
  Foundation& foundation = system.foundation();
  SeedThreeTracks(foundation);
  REQUIRE(system.Get({10, 11, 12}, SignedIn()).ok());

  foundation.ResetCalls();
  // An absence cannot be awaited: the records are held for a while, and no
  // Users call may arrive in that time.
  foundation.HoldNextRecords({"GetUsers"}, 200ms);
  auto response = system.Get({10, 11, 12}, SignedIn());
  REQUIRE(response.ok());
  CHECK(TrackIds(*response) == Ids{10, 12});
  CHECK(foundation.HoldMet() == false);
  const auto users = foundation.Calls("GetUsers");
  const auto blockers = foundation.Calls("FindBlockers");
  REQUIRE(users.size() == 1);
  REQUIRE(blockers.size() == 1);
  CHECK(users[0].after_records);
  CHECK(blockers[0].after_records);
}

TEST_CASE(
    "GetTracks, an index smaller than the request: the tracks it has forgotten cost one follow-up call") {
  System system(2);
  Foundation& foundation = system.foundation();
  for (std::int64_t track = 10; track < 14; ++track) foundation.SetTrack(track, track * 10);
  const Ids asked{10, 11, 12, 13};
  REQUIRE(system.Get(asked, SignedIn()).ok());

  foundation.ResetCalls();
  auto response = system.Get(asked, SignedIn());
  REQUIRE(response.ok());
  REQUIRE(TrackIds(*response) == asked);
  for (const auto& track : response->tracks()) {
    CHECK(track.artist().username() == "user-" + std::to_string(track.artist().id()));
  }
  const auto users = foundation.Calls("GetUsers");
  REQUIRE(users.size() == 2);
  CHECK(users[0].ids.size() == 2);  // what the index of 2 still knew
  CHECK(users[1].ids.size() == 2);
  std::set<std::int64_t> asked_about = AsSet(users[0].ids);
  asked_about.insert(users[1].ids.begin(), users[1].ids.end());
  CHECK(asked_about == std::set<std::int64_t>{100, 110, 120, 130});
}

TEST_CASE(
    "GetTracks, warm index: the mask still decides the upstream methods (card: no Likes; title and artwork: TrackMetadata only)") {
  System system;
  Foundation& foundation = system.foundation();
  SeedThreeTracks(foundation);
  REQUIRE(system.Get({10, 11, 12}, SignedIn()).ok());

  foundation.ResetCalls();
  auto card = system.Get(
      {10, 11, 12}, SignedIn(),
      twirp::MakeFieldMask({kPaths.tracks().id(), kPaths.tracks().title(),
                            kPaths.tracks().artwork_url(), kPaths.tracks().artist().username()}));
  REQUIRE(card.ok());
  CHECK(TrackIds(*card) == Ids{10, 12});
  CHECK(foundation.LikesCalls() == 0);
  CHECK(foundation.Calls("GetUsers").size() == 1);
  CHECK(foundation.Calls("FindBlockers").size() == 1);

  foundation.ResetCalls();
  auto plain = system.Get({10, 11, 12}, v1::Viewer(),
                          twirp::MakeFieldMask({kPaths.tracks().id(), kPaths.tracks().title(),
                                                kPaths.tracks().artwork_url()}));
  REQUIRE(plain.ok());
  CHECK(TrackIds(*plain) == Ids{10, 11, 12});  // an anonymous viewer is blocked by nobody
  CHECK(foundation.Calls("GetTracks").size() == 1);
  CHECK(foundation.Calls("GetUsers").empty());
  CHECK(foundation.Calls("FindBlockers").empty());
  CHECK(foundation.LikesCalls() == 0);
}

TEST_CASE(
    "GetTracks, warm index: a failed speculative FindBlockers fails the request, a failed GetUsers degrades it") {
  System system;
  Foundation& foundation = system.foundation();
  SeedThreeTracks(foundation);
  REQUIRE(system.Get({10, 11, 12}, SignedIn()).ok());

  foundation.ResetCalls();
  foundation.FailUsers(/*get_users=*/false, /*find_blockers=*/true);
  auto failed = system.Get({10, 11, 12}, SignedIn());
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code() == twirp::ErrorCode::kUnavailable);
  CHECK(failed.error().meta("upstream") == "users");
  CHECK(foundation.Calls("FindBlockers").size() == 1);  // the speculative one: no follow-up needed

  foundation.FailUsers(/*get_users=*/true, /*find_blockers=*/false);
  std::string degraded;
  auto partial = system.Get({10, 11, 12}, SignedIn(), {}, &degraded);
  REQUIRE(partial.ok());
  CHECK(degraded == "users");
  CHECK(TrackIds(*partial) == Ids{10, 12});  // the block rule still applied
  CHECK(partial->tracks(0).artist().id() == 100);
  CHECK(partial->tracks(0).artist().username() == "");
  CHECK(partial->tracks(0).stats().likes_count() == FakeLikes::kLikesPerTrack);
}
