// The seed data set: fast, deterministic, and holding exactly the special cases
// that seed.h documents for end-to-end tests.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <vector>

#include "likes/store.h"
#include "seed/seed.h"
#include "temp_dir.h"
#include "tracks/store.h"
#include "users/store.h"

namespace seed = foundation::seed;
using foundation::likes::LikesStore;
using foundation::tracks::TracksStore;
using foundation::users::UsersStore;
using Ids = std::vector<std::int64_t>;

namespace {

struct Seeded {
  std::unique_ptr<UsersStore> users;
  std::unique_ptr<TracksStore> tracks;
  std::unique_ptr<LikesStore> likes;
};

Seeded SeedAll(const domain_test::TempDir& dir) {
  Seeded s;
  auto users = UsersStore::Open(dir.File("users.db"), seed::SeedUsers);
  auto tracks = TracksStore::Open(dir.File("tracks.db"), seed::SeedTracks);
  auto likes = LikesStore::Open(dir.File("likes.db"), seed::SeedLikes);
  REQUIRE(users.ok());
  REQUIRE(tracks.ok());
  REQUIRE(likes.ok());
  s.users = std::move(users).value();
  s.tracks = std::move(tracks).value();
  s.likes = std::move(likes).value();
  return s;
}

}  // namespace

TEST_CASE("seed: all three databases are seeded in well under 2 seconds") {
  domain_test::TempDir dir;
  const auto start = std::chrono::steady_clock::now();
  Seeded s = SeedAll(dir);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  INFO("seeding took " << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
                       << " ms");
  CHECK(elapsed < std::chrono::milliseconds(1500));
  CHECK(s.users->created());
  CHECK(s.tracks->created());
  CHECK(s.likes->created());
}

TEST_CASE("seed: at least 1,000 users and 10,000 tracks, every track's artist a user") {
  domain_test::TempDir dir;
  Seeded s = SeedAll(dir);
  CHECK(s.users->GetUsers(Ids{1, seed::kUserCount})->size() == 2);
  CHECK(s.users->GetUsers(Ids{seed::kUserCount + 1})->empty());
  CHECK(s.tracks->GetTracks(Ids{1, seed::kTrackCount})->size() == 2);
  CHECK(s.tracks->GetTracks(Ids{seed::kTrackCount + 1})->empty());

  for (std::int64_t first = 1; first <= seed::kTrackCount; first += 500) {
    Ids ids;
    for (std::int64_t id = first; id < first + 500; ++id) ids.push_back(id);
    auto tracks = s.tracks->GetTracks(ids);
    REQUIRE(tracks->size() == 500);
    for (const auto& track : *tracks) {
      CHECK(track.artist_user_id == seed::ArtistOf(track.id));
      CHECK(track.is_private == seed::IsPrivate(track.id));
      CHECK(track.downloadable == seed::IsDownloadable(track.id));
      CHECK(track.blocked_territories.empty() == !seed::IsGeoblocked(track.id));
    }
  }
  Ids artists;
  for (std::int64_t i = 0; i < seed::kArtistCount; ++i) artists.push_back(seed::kFirstArtist + i);
  CHECK(s.users->GetUsers(artists)->size() == static_cast<std::size_t>(seed::kArtistCount));
}

TEST_CASE("seed: demo users sign in with their documented tokens") {
  domain_test::TempDir dir;
  Seeded s = SeedAll(dir);
  for (const auto& demo : seed::kDemoUsers) {
    CHECK(*s.users->Authenticate(demo.token) == demo.id);
    auto user = s.users->GetUsers(Ids{demo.id});
    REQUIRE(user->size() == 1);
    CHECK((*user)[0].username == demo.username);
  }
  CHECK(*s.users->Authenticate("demo-token-mallory") == std::nullopt);
}

TEST_CASE("seed: the special-case tracks are as documented") {
  domain_test::TempDir dir;
  Seeded s = SeedAll(dir);
  auto tracks = s.tracks->GetTracks(Ids{seed::kPlainTrack, seed::kPrivateTrack,
                                        seed::kGeoblockedTrack, seed::kBlockedArtistTrack,
                                        seed::kNotDownloadableTrack, seed::kGeoblockedUsCaTrack});
  REQUIRE(tracks->size() == 6);
  const auto& plain = (*tracks)[0];
  CHECK_FALSE(plain.is_private);
  CHECK(plain.downloadable);
  CHECK(plain.blocked_territories.empty());

  const auto& hidden = (*tracks)[1];
  CHECK(hidden.is_private);
  CHECK(hidden.secret_token == "secret-2");
  CHECK(hidden.artist_user_id == seed::kAlice);

  CHECK((*tracks)[2].blocked_territories == std::vector<std::string>{"DE"});
  CHECK_FALSE((*tracks)[2].is_private);

  const auto& blocked = (*tracks)[3];
  CHECK(blocked.artist_user_id == seed::kBlockingArtist);
  CHECK_FALSE(blocked.is_private);
  CHECK(blocked.blocked_territories.empty());
  CHECK(*s.users->FindBlockers(seed::kBob, Ids{seed::kBlockingArtist, 6, 7, 8}) ==
        Ids{seed::kBlockingArtist});
  CHECK(s.users->FindBlockers(seed::kAlice, Ids{seed::kBlockingArtist})->empty());

  const auto& fixed = (*tracks)[4];
  CHECK_FALSE(fixed.downloadable);
  CHECK_FALSE(fixed.is_private);
  CHECK(fixed.blocked_territories.empty());

  CHECK((*tracks)[5].blocked_territories == std::vector<std::string>{"US", "CA"});
}

TEST_CASE("seed: likes of the special-case tracks are exact, and the rest have likes too") {
  domain_test::TempDir dir;
  Seeded s = SeedAll(dir);
  auto counts = s.likes->CountLikes(Ids{1, 2, 3, 4, 5, 100});
  CHECK(counts->at(seed::kPlainTrack) == seed::kPlainTrackLikes);
  CHECK(counts->at(seed::kPrivateTrack) == 0);
  CHECK(counts->at(seed::kGeoblockedTrack) == 1);
  CHECK(counts->at(seed::kBlockedArtistTrack) == 0);
  CHECK(counts->at(seed::kNotDownloadableTrack) == 0);

  CHECK(s.likes->ListUserLikes(seed::kAlice, 10, std::nullopt)->track_ids ==
        Ids{seed::kGeoblockedTrack, seed::kPlainTrack});
  for (std::int64_t demo = 2; demo <= 5; ++demo) {
    CHECK(s.likes->ListUserLikes(demo, 10, std::nullopt)->track_ids.empty());
  }

  Ids sample;
  for (std::int64_t id = 101; id <= 600; ++id) sample.push_back(id);
  std::int64_t total = 0;
  auto sample_counts = s.likes->CountLikes(sample);
  REQUIRE(sample_counts.ok());
  for (const auto& [id, count] : *sample_counts) total += count;
  CHECK(total > 100);
}

TEST_CASE("seed: the data set is the same every time") {
  domain_test::TempDir a_dir;
  domain_test::TempDir b_dir;
  Seeded a = SeedAll(a_dir);
  Seeded b = SeedAll(b_dir);
  const Ids ids{1, 2, 77, 999, 5000, 10000};
  CHECK(*a.tracks->GetTracks(ids) == *b.tracks->GetTracks(ids));
  CHECK(*a.users->GetUsers(ids) == *b.users->GetUsers(ids));
  CHECK(*a.likes->CountLikes(Ids{150, 777, 9000}) == *b.likes->CountLikes(Ids{150, 777, 9000}));
  CHECK(a.likes->ListUserLikes(600, 50, std::nullopt)->track_ids ==
        b.likes->ListUserLikes(600, 50, std::nullopt)->track_ids);
}
