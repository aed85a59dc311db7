// The foundation stores on real SQLite files: idempotent commands, batched
// reads, paging, persistence across reopen, and failures as twirp::Error values.
#include <sqlite3.h>
#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "likes/store.h"
#include "reposts/store.h"
#include "temp_dir.h"
#include "tracks/store.h"
#include "users/store.h"

using foundation::likes::LikesStore;
using foundation::tracks::TrackRecord;
using foundation::tracks::TracksStore;
using foundation::users::UserRecord;
using foundation::users::UsersStore;
using Ids = std::vector<std::int64_t>;

namespace {

template <class Store>
std::unique_ptr<Store> OpenOrFail(const std::string& path,
                                  const typename Store::Populate& populate = nullptr) {
  auto store = Store::Open(path, populate);
  if (!store.ok()) FAIL("open failed: " << store.error().msg() << " / " << store.error().cause());
  return std::move(store).value();
}

// The database file as sqlite3 (the CLI, a backup) sees it, without the store.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path) {
    REQUIRE(sqlite3_open(path.c_str(), &db_) == SQLITE_OK);
  }
  ~RawDatabase() { sqlite3_close(db_); }
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;

  void Exec(const std::string& sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    const std::string error = message != nullptr ? message : "";
    sqlite3_free(message);
    REQUIRE(rc == SQLITE_OK);
    CHECK(error.empty());
  }
  // Column 0 of every row, as text.
  std::vector<std::string> Column(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    std::vector<std::string> values;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(stmt, 0);
      values.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
    }
    sqlite3_finalize(stmt);
    return values;
  }

 private:
  sqlite3* db_ = nullptr;
};

// Every byte of the file, free pages included: what a stolen copy holds.
std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TrackRecord MakeTrack(std::int64_t id) {
  TrackRecord track;
  track.id = id;
  track.title = "Track " + std::to_string(id);
  track.artist_user_id = 100 + id;
  track.duration_ms = 180'000;
  track.artwork_url = "https://a/" + std::to_string(id);
  track.genre = "jazz";
  track.created_at_s = 1'700'000'000 + id;
  return track;
}

}  // namespace

TEST_CASE("likes store: Like and Unlike are idempotent and report whether they changed anything") {
  domain_test::TempDir dir;
  auto store = OpenOrFail<LikesStore>(dir.File("likes.db"));
  CHECK(store->created());

  CHECK(*store->Like(1, 10) == true);
  CHECK(*store->Like(1, 10) == false);
  CHECK(*store->Like(2, 10) == true);
  CHECK(store->CountLikes(Ids{10})->at(10) == 2);

  CHECK(*store->Unlike(1, 10) == true);
  CHECK(*store->Unlike(1, 10) == false);
  CHECK(*store->Unlike(3, 99) == false);
  CHECK(store->CountLikes(Ids{10})->at(10) == 1);
}

TEST_CASE("likes store: CountLikes answers every asked id in one query, zeros included") {
  domain_test::TempDir dir;
  auto store = OpenOrFail<LikesStore>(dir.File("likes.db"));
  for (std::int64_t user = 1; user <= 3; ++user) REQUIRE(store->Like(user, 7).ok());
  REQUIRE(store->Like(1, 8).ok());

  auto counts = store->CountLikes(Ids{7, 8, 9, 7});
  REQUIRE(counts.ok());
  CHECK(*counts == std::map<std::int64_t, std::int64_t>{{7, 3}, {8, 1}, {9, 0}});
  CHECK(store->CountLikes(Ids{})->empty());

  // A batch at the services' limit still goes through the one statement.
  Ids many;
  for (std::int64_t id = 1; id <= 500; ++id) many.push_back(id);
  counts = store->CountLikes(many);
  REQUIRE(counts.ok());
  CHECK(counts->size() == 500);
  CHECK(counts->at(7) == 3);
  CHECK(counts->at(500) == 0);
}

TEST_CASE("likes store: LikedTracks keeps the caller's order and answers repeated ids once") {
  domain_test::TempDir dir;
  auto store = OpenOrFail<LikesStore>(dir.File("likes.db"));
  for (std::int64_t track : {5, 3, 9}) REQUIRE(store->Like(1, track).ok());
  REQUIRE(store->Like(2, 4).ok());

  CHECK(*store->LikedTracks(1, Ids{9, 4, 3, 9, 1}) == Ids{9, 3});
  CHECK(*store->LikedTracks(2, Ids{9, 4}) == Ids{4});
  CHECK(store->LikedTracks(3, Ids{9, 4})->empty());
}

TEST_CASE("likes store: ListUserLikes pages newest first until the last page has no cursor") {
  domain_test::TempDir dir;
  auto store = OpenOrFail<LikesStore>(dir.File("likes.db"));
  for (std::int64_t track = 1; track <= 7; ++track) REQUIRE(store->Like(1, track, 1000).ok());
  REQUIRE(store->Like(2, 100).ok());

  auto first = store->ListUserLikes(1, 3, std::nullopt);
  REQUIRE(first.ok());
  CHECK(first->track_ids == Ids{7, 6, 5});
  REQUIRE(first->next_cursor);

  // An unlike between pages does not disturb the cursor.
  REQUIRE(store->Unlike(1, 4).ok());
  auto second = store->ListUserLikes(1, 3, first->next_cursor);
  REQUIRE(second.ok());
  CHECK(second->track_ids == Ids{3, 2, 1});
  CHECK_FALSE(second->next_cursor);

  // A page that ends exactly at the last like says so.
  auto exact = store->ListUserLikes(1, 6, std::nullopt);
  CHECK(exact->track_ids == Ids{7, 6, 5, 3, 2, 1});
  CHECK_FALSE(exact->next_cursor);

  // A like made later comes first, also after an unlike of the newest.
  REQUIRE(store->Unlike(1, 7).ok());
  REQUIRE(store->Like(1, 4).ok());
  CHECK(store->ListUserLikes(1, 2, std::nullopt)->track_ids == Ids{4, 6});
}

TEST_CASE("likes store: CountLikesByDay counts a track's likes per UTC day in the range") {
  domain_test::TempDir dir;
  auto store = OpenOrFail<LikesStore>(dir.File("likes.db"));
  constexpr std::int64_t kDay = 86'400'000;
  constexpr std::int64_t kJan1 = 1'735'689'600'000;  // 2025-01-01T00:00:00Z
  REQUIRE(store->Like(1, 7, kJan1).ok());
  REQUIRE(store->Like(2, 7, kJan1 + kDay - 1).ok());  // 23:59:59.999, still Jan 1
  REQUIRE(store->Like(3, 7, kJan1 + kDay).ok());      // Jan 2
  REQUIRE(store->Like(4, 7, kJan1 + 3 * kDay).ok());  // Jan 4: at `until`, left out
  REQUIRE(store->Like(5, 8, kJan1).ok());             // another track
  using foundation::likes::DayCount;
  const std::int64_t jan1 = kJan1 / kDay;
  CHECK(*store->CountLikesByDay(7, kJan1, kJan1 + 3 * kDay) ==
        std::vector<DayCount>{{jan1, 2}, {jan1 + 1, 1}});
  CHECK(*store->CountLikesByDay(7, kJan1 + 1, kJan1 + 4 * kDay) ==
        std::vector<DayCount>{{jan1, 1}, {jan1 + 1, 1}, {jan1 + 3, 1}});
  CHECK(store->CountLikesByDay(9, kJan1, kJan1 + kDay)->empty());
}

TEST_CASE("likes store: ListTrackLikers pages newest first and new likes shift no later page") {
  domain_test::TempDir dir;
  auto store = OpenOrFail<LikesStore>(dir.File("likes.db"));
  for (std::int64_t user = 1; user <= 5; ++user) REQUIRE(store->Like(user, 7).ok());
  REQUIRE(store->Like(6, 8).ok());
  auto first = store->ListTrackLikers(7, 2, std::nullopt);
  REQUIRE(first.ok());
  CHECK(first->user_ids == Ids{5, 4});
  REQUIRE(store->Like(9, 7).ok());  // between two pages
  auto second = store->ListTrackLikers(7, 2, first->next_cursor);
  CHECK(second->user_ids == Ids{3, 2});
  auto last = store->ListTrackLikers(7, 2, second->next_cursor);
  CHECK(last->user_ids == Ids{1});
  CHECK_FALSE(last->next_cursor);
}

TEST_CASE("likes store: a version 1 database is migrated and keeps its likes") {
  domain_test::TempDir dir;
  const std::string path = dir.File("likes.db");
  {
    RawDatabase raw(path);
    raw.Exec(
        "CREATE TABLE likes (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, track_id INTEGER "
        "NOT NULL, liked_at_ms INTEGER NOT NULL, UNIQUE (user_id, track_id));"
        "CREATE INDEX likes_by_track ON likes (track_id);"
        "CREATE INDEX likes_by_user ON likes (user_id, id);"
        "INSERT INTO likes (user_id, track_id, liked_at_ms) VALUES (1, 7, 1000), (2, 7, 2000);"
        "PRAGMA user_version = 1;");
  }
  auto store = OpenOrFail<LikesStore>(path);
  CHECK_FALSE(store->created());
  CHECK(store->ListTrackLikers(7, 10, std::nullopt)->user_ids == Ids{2, 1});
  CHECK(store->CountLikes(Ids{7})->at(7) == 2);
  store.reset();
  CHECK(RawDatabase(path).Column("PRAGMA user_version") == std::vector<std::string>{"2"});
  CHECK(RawDatabase(path).Column("SELECT name FROM sqlite_master WHERE type = 'index' AND "
                                 "name LIKE 'likes_by_track%' ORDER BY name") ==
        std::vector<std::string>{"likes_by_track_id", "likes_by_track_time"});
}

TEST_CASE("likes store: data survives a reopen, and populate runs only for a new database") {
  domain_test::TempDir dir;
  int populated = 0;
  auto populate = [&](LikesStore& store) -> twirp::Result<void> {
    ++populated;
    auto created = store.Like(1, 2);
    if (!created.ok()) return std::move(created).error();
    return twirp::Ok();
  };
  {
    auto store = OpenOrFail<LikesStore>(dir.File("likes.db"), populate);
    CHECK(store->created());
    REQUIRE(store->Like(3, 2).ok());
  }
  auto store = OpenOrFail<LikesStore>(dir.File("likes.db"), populate);
  CHECK_FALSE(store->created());
  CHECK(populated == 1);
  CHECK(store->CountLikes(Ids{2})->at(2) == 2);
  CHECK(*store->Like(3, 2) == false);
}

TEST_CASE(
    "likes store: a failed populate leaves no database behind, so the next open starts over") {
  domain_test::TempDir dir;
  auto failing = [](LikesStore& store) -> twirp::Result<void> {
    REQUIRE(store.Like(1, 2).ok());
    return twirp::InternalError("seed failed");
  };
  auto store = LikesStore::Open(dir.File("likes.db"), failing);
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().msg() == "seed failed");

  auto reopened = OpenOrFail<LikesStore>(dir.File("likes.db"));
  CHECK(reopened->created());
  CHECK(reopened->CountLikes(Ids{2})->at(2) == 0);
}

TEST_CASE("stores: a database that cannot be opened is an internal error, not a crash") {
  domain_test::TempDir dir;
  auto likes = LikesStore::Open(dir.File("missing/dir/likes.db"));
  REQUIRE_FALSE(likes.ok());
  CHECK(likes.error().code() == twirp::ErrorCode::kInternal);
  CHECK_FALSE(likes.error().cause().empty());

  // Not a database at all.
  {
    std::FILE* file = std::fopen(dir.File("junk.db").c_str(), "w");
    REQUIRE(file);
    std::fputs("this is not an SQLite database, just some text long enough to matter....", file);
    std::fclose(file);
  }
  auto tracks = TracksStore::Open(dir.File("junk.db"));
  REQUIRE_FALSE(tracks.ok());
  CHECK(tracks.error().code() == twirp::ErrorCode::kInternal);
}

TEST_CASE("reposts store: reposts live in their own table and answer what likes answer") {
  domain_test::TempDir dir;
  using foundation::reposts::RepostsStore;
  auto store = OpenOrFail<RepostsStore>(dir.File("reposts.db"));
  CHECK(store->created());
  constexpr std::int64_t kJan1 = 1'735'689'600'000;  // 2025-01-01T00:00:00Z
  CHECK(*store->Add(1, 7, kJan1));
  CHECK_FALSE(*store->Add(1, 7, kJan1 + 5));
  CHECK(*store->Add(2, 7, kJan1 + 86'400'000));
  CHECK(*store->Add(2, 8, kJan1));
  CHECK(*store->Count(Ids{7, 8, 9}) ==
        std::map<std::int64_t, std::int64_t>{{7, 2}, {8, 1}, {9, 0}});
  CHECK(*store->Among(2, Ids{9, 8, 7}) == Ids{8, 7});
  CHECK(store->ListByUser(2, 10, std::nullopt)->track_ids == Ids{8, 7});
  CHECK(store->ListByTrack(7, 10, std::nullopt)->user_ids == Ids{2, 1});
  CHECK(store->CountByDay(7, kJan1, kJan1 + 2 * 86'400'000)->size() == 2);
  CHECK(*store->Remove(1, 7));
  CHECK_FALSE(*store->Remove(1, 7));
  store.reset();
  CHECK(RawDatabase(dir.File("reposts.db")).Column("SELECT COUNT(*) FROM reposts") ==
        std::vector<std::string>{"2"});
}

TEST_CASE("tracks store: GetTracks returns known tracks in the caller's order, each once") {
  domain_test::TempDir dir;
  {
    auto store = OpenOrFail<TracksStore>(dir.File("tracks.db"));
    for (std::int64_t id = 1; id <= 5; ++id) {
      TrackRecord track = MakeTrack(id);
      if (id == 2) {
        track.is_private = true;
        track.secret_token = "s2";
      }
      if (id == 3) track.blocked_territories = {"DE", "AT"};
      if (id == 4) track.downloadable = true;
      REQUIRE(store->PutTrack(track).ok());
    }
  }
  auto store = OpenOrFail<TracksStore>(dir.File("tracks.db"));  // persisted
  auto tracks = store->GetTracks(Ids{4, 99, 2, 3, 4});
  REQUIRE(tracks.ok());
  REQUIRE(tracks->size() == 3);
  CHECK((*tracks)[0].id == 4);
  CHECK((*tracks)[0].downloadable);
  CHECK((*tracks)[1] == [] {
    TrackRecord t = MakeTrack(2);
    t.is_private = true;
    t.secret_token = "s2";
    return t;
  }());
  CHECK((*tracks)[2].blocked_territories == std::vector<std::string>{"DE", "AT"});
  CHECK(store->GetTracks(Ids{})->empty());
}

TEST_CASE("tracks store: PutTrack replaces a track with the same id") {
  domain_test::TempDir dir;
  auto store = OpenOrFail<TracksStore>(dir.File("tracks.db"));
  REQUIRE(store->PutTrack(MakeTrack(1)).ok());
  TrackRecord changed = MakeTrack(1);
  changed.title = "Renamed";
  REQUIRE(store->PutTrack(changed).ok());
  auto tracks = store->GetTracks(Ids{1});
  REQUIRE(tracks->size() == 1);
  CHECK((*tracks)[0] == changed);
}

TEST_CASE("tracks store: CreateTrack gives the next id and version 1") {
  domain_test::TempDir dir;
  auto store = OpenOrFail<TracksStore>(dir.File("tracks.db"));
  REQUIRE(store->PutTrack(MakeTrack(7)).ok());
  TrackRecord fresh = MakeTrack(0);
  fresh.created_at_s = 0;  // now
  auto created = store->CreateTrack(fresh);
  REQUIRE(created.ok());
  CHECK(created->id == 8);
  CHECK(created->version == 1);
  CHECK(created->created_at_s > 1'700'000'000);
  CHECK(store->GetTracks(Ids{8})->at(0) == *created);
}

TEST_CASE("tracks store: UpdateTrack changes the named fields only and raises the version") {
  domain_test::TempDir dir;
  auto store = OpenOrFail<TracksStore>(dir.File("tracks.db"));
  REQUIRE(store->PutTrack(MakeTrack(1)).ok());
  TrackRecord changes = MakeTrack(1);
  changes.title = "New title";
  changes.genre = "not asked for";
  changes.is_private = true;
  auto updated = store->UpdateTrack(
      1, 1, changes, foundation::tracks::kTitle | foundation::tracks::kVisibility, "fresh-secret");
  REQUIRE(updated.ok());
  CHECK(updated->version == 2);
  CHECK(updated->title == "New title");
  CHECK(updated->genre == "jazz");
  CHECK(updated->secret_token == "fresh-secret");
  CHECK(store->GetTracks(Ids{1})->at(0) == *updated);

  // Still private: the share link stays; public again: it goes.
  auto again = store->UpdateTrack(1, 2, changes, foundation::tracks::kVisibility, "other");
  REQUIRE(again.ok());
  CHECK(again->secret_token == "fresh-secret");
  changes.is_private = false;
  auto made_public = store->UpdateTrack(1, 3, changes, foundation::tracks::kVisibility, "");
  REQUIRE(made_public.ok());
  CHECK(made_public->secret_token.empty());
  CHECK(made_public->version == 4);
}

TEST_CASE("tracks store: UpdateTrack at a stale version is aborted and writes nothing") {
  domain_test::TempDir dir;
  auto store = OpenOrFail<TracksStore>(dir.File("tracks.db"));
  REQUIRE(store->PutTrack(MakeTrack(1)).ok());
  TrackRecord changes = MakeTrack(1);
  changes.title = "First writer";
  REQUIRE(store->UpdateTrack(1, 1, changes, foundation::tracks::kTitle, "").ok());

  changes.title = "Second writer, who read version 1";
  auto stale = store->UpdateTrack(1, 1, changes, foundation::tracks::kTitle, "");
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().code() == twirp::ErrorCode::kAborted);
  CHECK(stale.error().meta("current_version") == "2");
  const TrackRecord stored = store->GetTracks(Ids{1})->at(0);
  CHECK(stored.title == "First writer");
  CHECK(stored.version == 2);

  auto unknown = store->UpdateTrack(99, 1, changes, foundation::tracks::kTitle, "");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code() == twirp::ErrorCode::kNotFound);
}

TEST_CASE("tracks store: DeleteTrack is idempotent") {
  domain_test::TempDir dir;
  auto store = OpenOrFail<TracksStore>(dir.File("tracks.db"));
  REQUIRE(store->PutTrack(MakeTrack(1)).ok());
  CHECK(*store->DeleteTrack(1));
  CHECK_FALSE(*store->DeleteTrack(1));
  CHECK(store->GetTracks(Ids{1})->empty());
}

TEST_CASE("tracks store: ListByArtist pages newest first and new tracks shift no later page") {
  domain_test::TempDir dir;
  auto store = OpenOrFail<TracksStore>(dir.File("tracks.db"));
  // Artist 500 has tracks 1..5; track 1 is the newest (the order is by creation
  // time, not id), tracks 3 and 4 were created in the same second, so the id
  // breaks the tie. Track 6 is another artist's.
  for (std::int64_t id = 1; id <= 6; ++id) {
    TrackRecord track = MakeTrack(id);
    track.artist_user_id = id == 6 ? 501 : 500;
    if (id == 1) track.created_at_s = MakeTrack(10).created_at_s;
    if (id == 4) track.created_at_s = MakeTrack(3).created_at_s;
    REQUIRE(store->PutTrack(track).ok());
  }
  auto ids = [](const foundation::tracks::TracksPage& page) {
    Ids out;
    for (const auto& track : page.tracks) out.push_back(track.id);
    return out;
  };
  auto first = store->ListByArtist(500, 2, std::nullopt);
  REQUIRE(first.ok());
  CHECK(ids(*first) == Ids{1, 5});
  REQUIRE(first->next_cursor);

  // A new upload between two pages lands before the first page, not in the next.
  TrackRecord upload = MakeTrack(0);
  upload.artist_user_id = 500;
  upload.created_at_s = 0;
  REQUIRE(store->CreateTrack(upload).ok());

  auto second = store->ListByArtist(500, 2, first->next_cursor);
  REQUIRE(second.ok());
  CHECK(ids(*second) == Ids{4, 3});
  auto last = store->ListByArtist(500, 2, second->next_cursor);
  REQUIRE(last.ok());
  CHECK(ids(*last) == Ids{2});
  CHECK_FALSE(last->next_cursor);
  CHECK(ids(*store->ListByArtist(500, 10, std::nullopt)) == Ids{7, 1, 5, 4, 3, 2});
}

TEST_CASE("tracks store: a version 1 database gets the version column and keeps its tracks") {
  domain_test::TempDir dir;
  const std::string path = dir.File("tracks.db");
  {
    // tracks.db as the build before versions wrote it.
    RawDatabase raw(path);
    raw.Exec(
        "CREATE TABLE tracks (id INTEGER PRIMARY KEY, title TEXT NOT NULL, "
        "artist_user_id INTEGER NOT NULL, duration_ms INTEGER NOT NULL, artwork_url TEXT NOT "
        "NULL, genre TEXT NOT NULL, created_at_s INTEGER NOT NULL, is_private INTEGER NOT NULL, "
        "secret_token TEXT NOT NULL, blocked_territories TEXT NOT NULL, downloadable INTEGER NOT "
        "NULL);"
        "INSERT INTO tracks VALUES (1, 'Old', 42, 1000, 'https://a/1', 'jazz', 1700000000, 0, '', "
        "'DE', 1);"
        "PRAGMA user_version = 1;");
  }
  bool populated = false;
  auto store = OpenOrFail<TracksStore>(path, [&](TracksStore&) {
    populated = true;
    return twirp::Ok();
  });
  CHECK_FALSE(store->created());
  CHECK_FALSE(populated);
  auto tracks = store->GetTracks(Ids{1});
  REQUIRE(tracks->size() == 1);
  CHECK(tracks->at(0).title == "Old");
  CHECK(tracks->at(0).version == 1);
  CHECK(tracks->at(0).blocked_territories == std::vector<std::string>{"DE"});
  CHECK(store->ListByArtist(42, 10, std::nullopt)->tracks.size() == 1);
  TrackRecord changes;
  changes.title = "Renamed";
  CHECK(store->UpdateTrack(1, 1, changes, foundation::tracks::kTitle, "")->version == 2);
  store.reset();
  CHECK(RawDatabase(path).Column("PRAGMA user_version") == std::vector<std::string>{"2"});
}

TEST_CASE("users store: profiles, blocks and sessions, persisted across reopen") {
  domain_test::TempDir dir;
  {
    auto store = OpenOrFail<UsersStore>(dir.File("users.db"));
    for (std::int64_t id = 1; id <= 4; ++id) {
      REQUIRE(
          store->PutUser({id, "u" + std::to_string(id), "User " + std::to_string(id), "a"}).ok());
    }
    REQUIRE(store->AddBlock(3, 1).ok());
    REQUIRE(store->AddBlock(3, 1).ok());  // idempotent
    REQUIRE(store->AddBlock(4, 1).ok());
    REQUIRE(store->AddBlock(1, 2).ok());
    REQUIRE(store->AddSession("tok-1", 1).ok());
  }
  auto store = OpenOrFail<UsersStore>(dir.File("users.db"));
  CHECK_FALSE(store->created());

  auto users = store->GetUsers(Ids{3, 42, 1, 3});
  REQUIRE(users.ok());
  CHECK(*users == std::vector<UserRecord>{{3, "u3", "User 3", "a"}, {1, "u1", "User 1", "a"}});

  CHECK(*store->FindBlockers(1, Ids{2, 4, 3, 4}) == Ids{4, 3});
  CHECK(*store->FindBlockers(2, Ids{1, 3}) == Ids{1});
  CHECK(store->FindBlockers(3, Ids{1, 2, 4})->empty());

  CHECK(*store->Authenticate("tok-1") == std::optional<std::int64_t>(1));
  CHECK(*store->Authenticate("tok-2") == std::nullopt);
  CHECK(*store->Authenticate("") == std::nullopt);
}

TEST_CASE("users store: the file holds the SHA-256 of a session token and never the token") {
  domain_test::TempDir dir;
  const std::string path = dir.File("users.db");
  const std::string token = "tok-1";
  {
    auto store = OpenOrFail<UsersStore>(path);
    REQUIRE(store->AddSession(token, 1).ok());
  }
  {
    RawDatabase raw(path);
    // SHA-256("tok-1"), as `printf %s tok-1 | sha256sum` prints it.
    CHECK(raw.Column("SELECT hex(token_sha256) FROM sessions") ==
          std::vector<std::string>{
              "65DCF16EA3DFA49069628089EB4A75483070F5584B2A21EE64912B5F621F12DA"});
  }
  CHECK(FileBytes(path).find(token) == std::string::npos);
}

TEST_CASE(
    "users store: only the exact token authenticates; a near miss of the same length does not") {
  domain_test::TempDir dir;
  auto store = OpenOrFail<UsersStore>(dir.File("users.db"));
  const std::string token = "session-3f9a1c7e5b2d4086";
  REQUIRE(store->AddSession(token, 7).ok());

  CHECK(*store->Authenticate(token) == std::optional<std::int64_t>(7));
  std::string last_byte_differs = token;
  last_byte_differs.back() = '7';
  std::string first_byte_differs = token;
  first_byte_differs.front() = 'S';
  for (const std::string& wrong :
       {last_byte_differs, first_byte_differs, std::string(token.size(), 'x'),
        token.substr(0, token.size() - 1), token + "6", std::string()}) {
    INFO("token " << wrong);
    CHECK(*store->Authenticate(wrong) == std::nullopt);
  }
}

TEST_CASE(
    "users store: a database with plain tokens (version 1) is migrated on open and its "
    "tokens still sign in") {
  domain_test::TempDir dir;
  const std::string path = dir.File("users.db");
  {
    // The tables and the journal mode as the version-1 store wrote them.
    RawDatabase raw(path);
    raw.Exec(R"sql(
      PRAGMA journal_mode = WAL;
      CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE,
                          display_name TEXT NOT NULL, avatar_url TEXT NOT NULL);
      CREATE TABLE blocks (blocked_id INTEGER NOT NULL, blocker_id INTEGER NOT NULL,
                           PRIMARY KEY (blocked_id, blocker_id)) WITHOUT ROWID;
      CREATE TABLE sessions (token TEXT PRIMARY KEY, user_id INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO users VALUES (1, 'alice', 'Alice', 'a'), (2, 'bob', 'Bob', 'b');
      INSERT INTO sessions VALUES ('plain-token-alice', 1), ('plain-token-bob', 2);
      PRAGMA user_version = 1;
    )sql");
  }
  {
    auto store = OpenOrFail<UsersStore>(path);
    CHECK_FALSE(store->created());
    CHECK(*store->Authenticate("plain-token-alice") == std::optional<std::int64_t>(1));
    CHECK(*store->Authenticate("plain-token-bob") == std::optional<std::int64_t>(2));
    CHECK(*store->Authenticate("plain-token-carol") == std::nullopt);
    CHECK(store->GetUsers(Ids{1, 2})->size() == 2);
  }
  {
    RawDatabase raw(path);
    CHECK(raw.Column("PRAGMA user_version") == std::vector<std::string>{"2"});
    CHECK(raw.Column("SELECT length(token_sha256) FROM sessions") ==
          std::vector<std::string>{"32", "32"});
  }
  // Free pages included: the dropped table's pages were overwritten.
  const std::string bytes = FileBytes(path);
  CHECK(bytes.find("plain-token-alice") == std::string::npos);
  CHECK(bytes.find("plain-token-bob") == std::string::npos);

  // Opened again, it is at the current version: nothing is hashed twice.
  auto store = OpenOrFail<UsersStore>(path);
  CHECK(*store->Authenticate("plain-token-alice") == std::optional<std::int64_t>(1));
}

TEST_CASE("users store: usernames are unique") {
  domain_test::TempDir dir;
  auto store = OpenOrFail<UsersStore>(dir.File("users.db"));
  REQUIRE(store->PutUser({1, "same", "A", ""}).ok());
  auto clash = store->PutUser({2, "same", "B", ""});
  REQUIRE_FALSE(clash.ok());
  CHECK(clash.error().code() == twirp::ErrorCode::kInternal);
}
