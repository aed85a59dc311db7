#include "users/store.h"

#include <unordered_map>

namespace foundation::users {

namespace {

// blocks is keyed by the blocked user first: the one query asks "who of these
// blocked X". Tokens are kept as given: this is a reference system's demo
// login, not a credential store.
constexpr char kSchema[] = R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  avatar_url TEXT NOT NULL
);
CREATE TABLE blocks (
  blocked_id INTEGER NOT NULL,
  blocker_id INTEGER NOT NULL,
  PRIMARY KEY (blocked_id, blocker_id)
) WITHOUT ROWID;
CREATE TABLE sessions (
  token TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

}  // namespace

twirp::Result<std::unique_ptr<UsersStore>> UsersStore::Open(const std::string& path,
                                                            const Populate& populate) {
  return sqlite::StoreOpener::Open<UsersStore>(path, "users store", kSchema, populate);
}

twirp::Result<void> UsersStore::PrepareStatements() {
  struct {
    sqlite::Statement* statement;
    const char* sql;
  } const statements[] = {
      {&put_user_,
       // An upsert on id, not OR REPLACE, which would silently delete another
       // user holding the same username.
       "INSERT INTO users (id, username, display_name, avatar_url) VALUES (?1, ?2, ?3, ?4) "
       "ON CONFLICT (id) DO UPDATE SET username = excluded.username, "
       "display_name = excluded.display_name, avatar_url = excluded.avatar_url"},
      {&add_block_, "INSERT OR IGNORE INTO blocks (blocker_id, blocked_id) VALUES (?1, ?2)"},
      {&add_session_, "INSERT OR REPLACE INTO sessions (token, user_id) VALUES (?1, ?2)"},
      {&get_users_,
       "SELECT id, username, display_name, avatar_url FROM users "
       "WHERE id IN (SELECT value FROM json_each(?1))"},
      {&find_blockers_,
       "SELECT blocker_id FROM blocks "
       "WHERE blocked_id = ?1 AND blocker_id IN (SELECT value FROM json_each(?2))"},
      {&authenticate_, "SELECT user_id FROM sessions WHERE token = ?1"},
  };
  for (const auto& [statement, sql] : statements) {
    auto prepared = db_->Prepare(sql);
    if (!prepared.ok()) return std::move(prepared).error();
    *statement = std::move(*prepared);
  }
  return twirp::Ok();
}

twirp::Result<void> UsersStore::PutUser(const UserRecord& user) {
  std::lock_guard lock(mu_);
  sqlite::Query query(put_user_);
  query.Bind(1, user.id).Bind(2, user.username).Bind(3, user.display_name).Bind(4, user.avatar_url);
  return query.Run();
}

twirp::Result<void> UsersStore::AddBlock(std::int64_t blocker_id, std::int64_t blocked_id) {
  std::lock_guard lock(mu_);
  sqlite::Query query(add_block_);
  query.Bind(1, blocker_id).Bind(2, blocked_id);
  return query.Run();
}

twirp::Result<void> UsersStore::AddSession(std::string_view token, std::int64_t user_id) {
  std::lock_guard lock(mu_);
  sqlite::Query query(add_session_);
  query.Bind(1, token).Bind(2, user_id);
  return query.Run();
}

twirp::Result<std::vector<UserRecord>> UsersStore::GetUsers(std::span<const std::int64_t> ids) {
  std::vector<UserRecord> ordered;
  if (ids.empty()) return ordered;
  std::unordered_map<std::int64_t, UserRecord> found;
  {
    std::lock_guard lock(mu_);
    sqlite::Query query(get_users_);
    query.BindIds(1, ids);
    while (true) {
      auto row = query.Step();
      if (!row.ok()) return std::move(row).error();
      if (!*row) break;
      UserRecord user{query.Int64(0), query.Text(1), query.Text(2), query.Text(3)};
      found.emplace(user.id, std::move(user));
    }
  }
  ordered.reserve(found.size());
  for (const std::int64_t id : ids) {
    if (auto node = found.extract(id)) ordered.push_back(std::move(node.mapped()));
  }
  return ordered;
}

twirp::Result<std::vector<std::int64_t>> UsersStore::FindBlockers(
    std::int64_t user_id, std::span<const std::int64_t> candidate_ids) {
  if (candidate_ids.empty()) return std::vector<std::int64_t>();
  std::lock_guard lock(mu_);
  sqlite::Query query(find_blockers_);
  query.Bind(1, user_id).BindIds(2, candidate_ids);
  return query.IdsAmong(candidate_ids);
}

twirp::Result<std::optional<std::int64_t>> UsersStore::Authenticate(std::string_view token) {
  std::lock_guard lock(mu_);
  sqlite::Query query(authenticate_);
  query.Bind(1, token);
  auto row = query.Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(query.Int64(0));
}

}  // namespace foundation::users
