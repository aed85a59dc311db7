#include "likes/store.h"

#include <chrono>
#include <limits>

namespace foundation::likes {

namespace {

// `id` orders likes by creation (newest = largest), which makes paging a
// cursor on it. SQLite hands out max(rowid)+1, so that holds after deletes too.
constexpr char kSchema[] = R"sql(
CREATE TABLE likes (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL,
  track_id INTEGER NOT NULL,
  liked_at_ms INTEGER NOT NULL,
  UNIQUE (user_id, track_id)
);
CREATE INDEX likes_by_track ON likes (track_id);
CREATE INDEX likes_by_user ON likes (user_id, id);
)sql";

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

twirp::Result<std::unique_ptr<LikesStore>> LikesStore::Open(const std::string& path,
                                                            const Populate& populate) {
  return sqlite::StoreOpener::Open<LikesStore>(
      path, "likes store", {.sql = kSchema, .version = 1, .migrate = {}}, populate);
}

twirp::Result<void> LikesStore::Ping() {
  const std::lock_guard lock(mu_);
  auto version = db_->UserVersion();
  if (!version.ok()) return std::move(version).error();
  return twirp::Ok();
}

twirp::Result<void> LikesStore::PrepareStatements() {
  struct {
    sqlite::Statement* statement;
    const char* sql;
  } const statements[] = {
      {&like_,
       "INSERT INTO likes (user_id, track_id, liked_at_ms) VALUES (?1, ?2, ?3) "
       "ON CONFLICT (user_id, track_id) DO NOTHING"},
      {&unlike_, "DELETE FROM likes WHERE user_id = ?1 AND track_id = ?2"},
      {&count_,
       "SELECT track_id, COUNT(*) FROM likes "
       "WHERE track_id IN (SELECT value FROM json_each(?1)) GROUP BY track_id"},
      {&liked_,
       "SELECT track_id FROM likes "
       "WHERE user_id = ?1 AND track_id IN (SELECT value FROM json_each(?2))"},
      {&list_,
       "SELECT id, track_id FROM likes WHERE user_id = ?1 AND id < ?2 "
       "ORDER BY id DESC LIMIT ?3"},
  };
  for (const auto& [statement, sql] : statements) {
    auto prepared = db_->Prepare(sql);
    if (!prepared.ok()) return std::move(prepared).error();
    *statement = std::move(*prepared);
  }
  return twirp::Ok();
}

twirp::Result<bool> LikesStore::Like(std::int64_t user_id, std::int64_t track_id) {
  return Like(user_id, track_id, NowMs());
}

twirp::Result<bool> LikesStore::Like(std::int64_t user_id, std::int64_t track_id,
                                     std::int64_t liked_at_ms) {
  std::lock_guard lock(mu_);
  return LikeLocked(user_id, track_id, liked_at_ms);
}

twirp::Result<bool> LikesStore::LikeLocked(std::int64_t user_id, std::int64_t track_id,
                                           std::int64_t liked_at_ms) {
  sqlite::Query query(like_);
  query.Bind(1, user_id).Bind(2, track_id).Bind(3, liked_at_ms);
  if (auto r = query.Run(); !r.ok()) return std::move(r).error();
  return db_->Changes() > 0;
}

twirp::Result<bool> LikesStore::Unlike(std::int64_t user_id, std::int64_t track_id) {
  std::lock_guard lock(mu_);
  sqlite::Query query(unlike_);
  query.Bind(1, user_id).Bind(2, track_id);
  if (auto r = query.Run(); !r.ok()) return std::move(r).error();
  return db_->Changes() > 0;
}

twirp::Result<std::map<std::int64_t, std::int64_t>> LikesStore::CountLikes(
    std::span<const std::int64_t> track_ids) {
  std::map<std::int64_t, std::int64_t> counts;
  for (const std::int64_t id : track_ids) counts.emplace(id, 0);
  if (track_ids.empty()) return counts;
  std::lock_guard lock(mu_);
  sqlite::Query query(count_);
  query.BindIds(1, track_ids);
  while (true) {
    auto row = query.Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    counts[query.Int64(0)] = query.Int64(1);
  }
  return counts;
}

twirp::Result<std::vector<std::int64_t>> LikesStore::LikedTracks(
    std::int64_t user_id, std::span<const std::int64_t> track_ids) {
  if (track_ids.empty()) return std::vector<std::int64_t>();
  std::lock_guard lock(mu_);
  sqlite::Query query(liked_);
  query.Bind(1, user_id).BindIds(2, track_ids);
  return query.IdsAmong(track_ids);
}

twirp::Result<LikesPage> LikesStore::ListUserLikes(std::int64_t user_id, int limit,
                                                   std::optional<std::int64_t> cursor) {
  LikesPage page;
  if (limit < 1) return page;
  std::lock_guard lock(mu_);
  sqlite::Query query(list_);
  // One row more than asked tells whether there is a next page.
  query.Bind(1, user_id)
      .Bind(2, cursor.value_or(std::numeric_limits<std::int64_t>::max()))
      .Bind(3, static_cast<std::int64_t>(limit) + 1);
  std::int64_t last_id = 0;
  while (true) {
    auto row = query.Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    if (static_cast<int>(page.track_ids.size()) == limit) {
      page.next_cursor = last_id;
      break;
    }
    last_id = query.Int64(0);
    page.track_ids.push_back(query.Int64(1));
  }
  return page;
}

}  // namespace foundation::likes
