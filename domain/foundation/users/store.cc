#include "users/store.h"

#include <unordered_map>
#include <utility>

#include "common/secrets.h"

namespace foundation::users {

namespace {

// blocks is keyed by the blocked user first: the one query asks "who of these
// blocked X". sessions holds the SHA-256 of each token, never the token
// (common/secrets.h says why a fast hash is the right one): whoever reads the
// file cannot sign in with what they read.
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
  token_sha256 BLOB PRIMARY KEY,
  user_id INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 1 kept the tokens themselves (sessions.token TEXT).
constexpr std::int64_t kSchemaVersion = 2;

// secure_delete: the pages of the dropped version-1 table are overwritten, so
// the file keeps no plain token in its free pages (Debian's SQLite is built
// with it on; others are not). It stays on for the connection, so a replaced
// session's hash does not linger either.
constexpr char kHashedSessions[] = R"sql(
PRAGMA secure_delete = ON;
CREATE TABLE sessions_sha256 (
  token_sha256 BLOB PRIMARY KEY,
  user_id INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 1 -> 2: every stored token replaced by its hash, in the transaction
// EnsureSchema opens, so a crash leaves either all plain or all hashed.
twirp::Result<void> HashStoredTokens(sqlite::Database& db) {
  if (auto r = db.Exec(kHashedSessions); !r.ok()) return r;
  auto read = db.Prepare("SELECT token, user_id FROM sessions");
  if (!read.ok()) return std::move(read).error();
  auto write =
      db.Prepare("INSERT OR REPLACE INTO sessions_sha256 (token_sha256, user_id) VALUES (?1, ?2)");
  if (!write.ok()) return std::move(write).error();
  {
    // Scoped: DROP TABLE below fails while a read of the table is open.
    sqlite::Query rows(*read);
    while (true) {
      auto row = rows.Step();
      if (!row.ok()) return std::move(row).error();
      if (!*row) break;
      sqlite::Query insert(*write);
      insert.BindBlob(1, domain::AsView(domain::Sha256(rows.Text(0)))).Bind(2, rows.Int64(1));
      if (auto r = insert.Run(); !r.ok()) return r;
    }
  }
  return db.Exec("DROP TABLE sessions; ALTER TABLE sessions_sha256 RENAME TO sessions;");
}

}  // namespace

twirp::Result<std::unique_ptr<UsersStore>> UsersStore::Open(const std::string& path,
                                                            const Populate& populate) {
  const sqlite::Schema schema{
      .sql = kSchema,
      .version = kSchemaVersion,
      .migrate = [](sqlite::Database& db, std::int64_t from) -> twirp::Result<void> {
        if (from == 1) return HashStoredTokens(db);
        return twirp::InternalError("users store: no migration from version " +
                                    std::to_string(from));
      }};
  return sqlite::StoreOpener::Open<UsersStore>(path, "users store", schema, populate);
}

twirp::Result<void> UsersStore::Ping() {
  const std::lock_guard lock(mu_);
  auto version = db_->UserVersion();
  if (!version.ok()) return std::move(version).error();
  return twirp::Ok();
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
      {&add_session_, "INSERT OR REPLACE INTO sessions (token_sha256, user_id) VALUES (?1, ?2)"},
      {&get_users_,
       "SELECT id, username, display_name, avatar_url FROM users "
       "WHERE id IN (SELECT value FROM json_each(?1))"},
      {&find_blockers_,
       "SELECT blocker_id FROM blocks "
       "WHERE blocked_id = ?1 AND blocker_id IN (SELECT value FROM json_each(?2))"},
      {&authenticate_, "SELECT token_sha256, user_id FROM sessions WHERE token_sha256 = ?1"},
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
  query.BindBlob(1, domain::AsView(domain::Sha256(token))).Bind(2, user_id);
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
  const domain::Sha256Digest digest = domain::Sha256(token);
  std::lock_guard lock(mu_);
  sqlite::Query query(authenticate_);
  query.BindBlob(1, domain::AsView(digest));
  auto row = query.Step();
  if (!row.ok()) return std::move(row).error();
  // The index found the row by the hash; the answer is still decided by a
  // comparison whose time does not depend on how many bytes matched, so that
  // no lookup path can be timed into revealing a hash prefix.
  if (!*row || !domain::ConstantTimeEquals(query.Blob(0), domain::AsView(digest))) {
    return std::optional<std::int64_t>();
  }
  return std::optional<std::int64_t>(query.Int64(1));
}

}  // namespace foundation::users
