#include "likes/store.h"

namespace foundation::likes {

namespace {

// Version 1 indexed likes by track alone; a track's likers (newest first) and
// its likes per day need the id and the time after the track.
twirp::Result<void> Migrate(sqlite::Database& db, std::int64_t from) {
  if (from != 1) {
    return twirp::InternalError("likes store: no migration from version " + std::to_string(from));
  }
  return db.Exec(
      "DROP INDEX likes_by_track;"
      "CREATE INDEX likes_by_track_id ON likes (track_id, id);"
      "CREATE INDEX likes_by_track_time ON likes (track_id, liked_at_ms);");
}

}  // namespace

twirp::Result<std::unique_ptr<LikesStore>> LikesStore::Open(const std::string& path,
                                                            const Populate& populate) {
  return sqlite::StoreOpener::Open<LikesStore>(
      path, "likes store",
      {.sql = links::LinkTableSql({.table = "likes", .time_column = "liked_at_ms"}),
       .version = 2,
       .migrate = Migrate},
      populate);
}

}  // namespace foundation::likes
