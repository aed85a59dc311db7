// The Likes service's SQLite store: which user likes which track, and when.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/sqlite.h"
#include "twirpcpp/result.h"

namespace foundation::likes {

// One page of a user's likes, newest first.
struct LikesPage {
  std::vector<std::int64_t> track_ids;
  // Pass to the next ListUserLikes call; nullopt on the last page.
  std::optional<std::int64_t> next_cursor;
};

// Thread-safe: calls are serialized on the one connection, which SQLite would
// do for writes anyway; reads are short indexed lookups. The services run
// them on the server's worker pool, never on its I/O threads.
class LikesStore {
 public:
  using Populate = std::function<twirp::Result<void>(LikesStore&)>;

  // Opens the database at `path`, creating it if needed. A new database gets
  // the schema and then `populate` (e.g. seed data) in the same transaction.
  static twirp::Result<std::unique_ptr<LikesStore>> Open(const std::string& path,
                                                         const Populate& populate = nullptr);

  // Whether Open created the database (and ran `populate`).
  bool created() const { return created_; }

  // A trivial query (the schema version), for GET /readyz: fails when the
  // database no longer answers.
  twirp::Result<void> Ping();

  // Idempotent: true when the like is new, false when it already existed (its
  // time is then left as it was). Without a time, now.
  twirp::Result<bool> Like(std::int64_t user_id, std::int64_t track_id);
  twirp::Result<bool> Like(std::int64_t user_id, std::int64_t track_id, std::int64_t liked_at_ms);
  // Idempotent: true when a like was removed.
  twirp::Result<bool> Unlike(std::int64_t user_id, std::int64_t track_id);

  // Likes per track for every id in `track_ids` (0 for tracks nobody likes).
  twirp::Result<std::map<std::int64_t, std::int64_t>> CountLikes(
      std::span<const std::int64_t> track_ids);
  // The ids of `track_ids` the user likes, in the order given, each once.
  twirp::Result<std::vector<std::int64_t>> LikedTracks(std::int64_t user_id,
                                                       std::span<const std::int64_t> track_ids);
  // Up to `limit` of the user's likes, newest first, after `cursor` (a previous
  // page's next_cursor; nullopt for the first page).
  twirp::Result<LikesPage> ListUserLikes(std::int64_t user_id, int limit,
                                         std::optional<std::int64_t> cursor);

 private:
  friend struct sqlite::StoreOpener;
  explicit LikesStore(std::unique_ptr<sqlite::Database> db) : db_(std::move(db)) {}
  twirp::Result<void> PrepareStatements();
  twirp::Result<bool> LikeLocked(std::int64_t user_id, std::int64_t track_id,
                                 std::int64_t liked_at_ms);

  std::mutex mu_;
  std::unique_ptr<sqlite::Database> db_;  // declared first: statements finalize before it closes
  sqlite::Statement like_;
  sqlite::Statement unlike_;
  sqlite::Statement count_;
  sqlite::Statement liked_;
  sqlite::Statement list_;
  bool created_ = false;
};

}  // namespace foundation::likes
