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
