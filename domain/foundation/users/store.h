// The Users service's SQLite store: profiles, blocks between users, and
// session tokens (kept as their SHA-256 only).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/sqlite.h"
#include "twirpcpp/result.h"

namespace foundation::users {

struct UserRecord {
  std::int64_t id = 0;
  std::string username;
  std::string display_name;
  std::string avatar_url;

  friend bool operator==(const UserRecord&, const UserRecord&) = default;
};

// Thread-safe: calls are serialized on the one connection (see LikesStore).
class UsersStore {
 public:
  using Populate = std::function<twirp::Result<void>(UsersStore&)>;

  // Opens the database at `path`, creating it if needed. A new database gets
  // the schema and then `populate` (e.g. seed data) in the same transaction.
  static twirp::Result<std::unique_ptr<UsersStore>> Open(const std::string& path,
                                                         const Populate& populate = nullptr);

  bool created() const { return created_; }

  // A trivial query (the schema version), for GET /readyz: fails when the
  // database no longer answers.
  twirp::Result<void> Ping();

  // Inserts or replaces the user with this id (usernames are unique).
  twirp::Result<void> PutUser(const UserRecord& user);
  // Idempotent.
  twirp::Result<void> AddBlock(std::int64_t blocker_id, std::int64_t blocked_id);
  // Binds a session token to a user (replacing what it was bound to).
  twirp::Result<void> AddSession(std::string_view token, std::int64_t user_id);

  // The known users among `ids`, in the order given, each once.
  twirp::Result<std::vector<UserRecord>> GetUsers(std::span<const std::int64_t> ids);
  // Those of `candidate_ids` that have blocked `user_id`, in the order given, each once.
  twirp::Result<std::vector<std::int64_t>> FindBlockers(
      std::int64_t user_id, std::span<const std::int64_t> candidate_ids);
  // The user a session token belongs to; nullopt for an unknown token. The
  // stored hash is compared in constant time (common/secrets.h).
  twirp::Result<std::optional<std::int64_t>> Authenticate(std::string_view token);

 private:
  friend struct sqlite::StoreOpener;
  explicit UsersStore(std::unique_ptr<sqlite::Database> db) : db_(std::move(db)) {}
  twirp::Result<void> PrepareStatements();

  std::mutex mu_;
  std::unique_ptr<sqlite::Database> db_;  // declared first: statements finalize before it closes
  sqlite::Statement put_user_;
  sqlite::Statement add_block_;
  sqlite::Statement add_session_;
  sqlite::Statement get_users_;
  sqlite::Statement find_blockers_;
  sqlite::Statement authenticate_;
  bool created_ = false;
};

}  // namespace foundation::users
