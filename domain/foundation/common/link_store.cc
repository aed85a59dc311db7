#include "common/link_store.h"

#include <chrono>
#include <limits>

namespace foundation::links {

namespace {

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string LinkTableSql(const LinkTable& names) {
  const std::string t = names.table;
  const std::string time = names.time_column;
  // `id` orders links by creation (newest = largest), which makes paging a
  // cursor on it. SQLite hands out max(rowid)+1, so that holds after deletes too.
  return "CREATE TABLE " + t +
         " (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, track_id INTEGER NOT NULL, " + time +
         " INTEGER NOT NULL, UNIQUE (user_id, track_id));"
         "CREATE INDEX " +
         t + "_by_user ON " + t + " (user_id, id);" + "CREATE INDEX " + t + "_by_track_id ON " + t +
         " (track_id, id);" + "CREATE INDEX " + t + "_by_track_time ON " + t + " (track_id, " +
         time + ");";
}

twirp::Result<void> LinkStore::PrepareStatements() {
  const std::string t = names_.table;
  const std::string time = names_.time_column;
  struct {
    sqlite::Statement* statement;
    std::string sql;
  } const statements[] = {
      {&add_, "INSERT INTO " + t + " (user_id, track_id, " + time +
                  ") VALUES (?1, ?2, ?3) ON CONFLICT (user_id, track_id) DO NOTHING"},
      {&remove_, "DELETE FROM " + t + " WHERE user_id = ?1 AND track_id = ?2"},
      {&count_, "SELECT track_id, COUNT(*) FROM " + t +
                    " WHERE track_id IN (SELECT value FROM json_each(?1)) GROUP BY track_id"},
      {&among_, "SELECT track_id FROM " + t +
                    " WHERE user_id = ?1 AND track_id IN (SELECT value FROM json_each(?2))"},
      {&by_user_, "SELECT id, track_id FROM " + t +
                      " WHERE user_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3"},
      {&by_track_, "SELECT id, user_id FROM " + t +
                       " WHERE track_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3"},
      // Times are never negative, so integer division is the floor.
      {&by_day_, "SELECT " + time + " / 86400000 AS day, COUNT(*) FROM " + t +
                     " WHERE track_id = ?1 AND " + time + " >= ?2 AND " + time +
                     " < ?3 GROUP BY day ORDER BY day"},
  };
  for (const auto& [statement, sql] : statements) {
    auto prepared = db_->Prepare(sql);
    if (!prepared.ok()) return std::move(prepared).error();
    *statement = std::move(*prepared);
  }
  return twirp::Ok();
}

twirp::Result<void> LinkStore::Ping() {
  const std::lock_guard lock(mu_);
  auto version = db_->UserVersion();
  if (!version.ok()) return std::move(version).error();
  return twirp::Ok();
}

twirp::Result<bool> LinkStore::Add(std::int64_t user_id, std::int64_t track_id) {
  return Add(user_id, track_id, NowMs());
}

twirp::Result<bool> LinkStore::Add(std::int64_t user_id, std::int64_t track_id,
                                   std::int64_t at_ms) {
  std::lock_guard lock(mu_);
  sqlite::Query query(add_);
  query.Bind(1, user_id).Bind(2, track_id).Bind(3, at_ms);
  if (auto r = query.Run(); !r.ok()) return std::move(r).error();
  return db_->Changes() > 0;
}

twirp::Result<bool> LinkStore::Remove(std::int64_t user_id, std::int64_t track_id) {
  std::lock_guard lock(mu_);
  sqlite::Query query(remove_);
  query.Bind(1, user_id).Bind(2, track_id);
  if (auto r = query.Run(); !r.ok()) return std::move(r).error();
  return db_->Changes() > 0;
}

twirp::Result<std::map<std::int64_t, std::int64_t>> LinkStore::Count(
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

twirp::Result<std::vector<std::int64_t>> LinkStore::Among(std::int64_t user_id,
                                                          std::span<const std::int64_t> track_ids) {
  if (track_ids.empty()) return std::vector<std::int64_t>();
  std::lock_guard lock(mu_);
  sqlite::Query query(among_);
  query.Bind(1, user_id).BindIds(2, track_ids);
  return query.IdsAmong(track_ids);
}

twirp::Result<UserLinksPage> LinkStore::ListByUser(std::int64_t user_id, int limit,
                                                   std::optional<std::int64_t> cursor) {
  UserLinksPage page;
  auto next = ListPage(by_user_, user_id, limit, cursor, page.track_ids);
  if (!next.ok()) return std::move(next).error();
  page.next_cursor = *next;
  return page;
}

twirp::Result<TrackLinksPage> LinkStore::ListByTrack(std::int64_t track_id, int limit,
                                                     std::optional<std::int64_t> cursor) {
  TrackLinksPage page;
  auto next = ListPage(by_track_, track_id, limit, cursor, page.user_ids);
  if (!next.ok()) return std::move(next).error();
  page.next_cursor = *next;
  return page;
}

twirp::Result<std::optional<std::int64_t>> LinkStore::ListPage(sqlite::Statement& statement,
                                                               std::int64_t key, int limit,
                                                               std::optional<std::int64_t> cursor,
                                                               std::vector<std::int64_t>& out) {
  if (limit < 1) return std::optional<std::int64_t>();
  std::lock_guard lock(mu_);
  sqlite::Query query(statement);
  // One row more than asked tells whether there is a next page.
  query.Bind(1, key)
      .Bind(2, cursor.value_or(std::numeric_limits<std::int64_t>::max()))
      .Bind(3, static_cast<std::int64_t>(limit) + 1);
  std::int64_t last_id = 0;
  while (true) {
    auto row = query.Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    if (static_cast<int>(out.size()) == limit) return std::optional<std::int64_t>(last_id);
    last_id = query.Int64(0);
    out.push_back(query.Int64(1));
  }
  return std::optional<std::int64_t>();
}

twirp::Result<std::vector<DayCount>> LinkStore::CountByDay(std::int64_t track_id,
                                                           std::int64_t since_ms,
                                                           std::int64_t until_ms) {
  std::vector<DayCount> days;
  std::lock_guard lock(mu_);
  sqlite::Query query(by_day_);
  query.Bind(1, track_id).Bind(2, since_ms).Bind(3, until_ms);
  while (true) {
    auto row = query.Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    days.push_back({query.Int64(0), query.Int64(1)});
  }
  return days;
}

}  // namespace foundation::links
