// A store of links between users and tracks with the time each was made: the
// likes of the Likes service, the reposts of the Reposts service. Both record
// the same facts and answer the same questions, so they share this code and
// differ only in their table's names (LinkTable).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/sqlite.h"
#include "twirpcpp/result.h"

namespace foundation::links {

// The names of a link table: `table` (also the prefix of its indexes) and the
// column of the time a link was made, in ms since the epoch.
struct LinkTable {
  const char* table;
  const char* time_column;
};

// The CREATE statements of a link table as this build writes it (version 2 of
// the likes store; the first of the reposts store).
std::string LinkTableSql(const LinkTable& names);

// One page of a user's links (the tracks), newest first.
struct UserLinksPage {
  std::vector<std::int64_t> track_ids;
  // Pass to the next call; nullopt on the last page.
  std::optional<std::int64_t> next_cursor;
};

// One page of a track's links (the users), newest first.
struct TrackLinksPage {
  std::vector<std::int64_t> user_ids;
  std::optional<std::int64_t> next_cursor;  // nullopt on the last page
};

// Links to one track made on one UTC day: `day` counts days since 1970-01-01.
struct DayCount {
  std::int64_t day = 0;
  std::int64_t count = 0;
  friend bool operator==(const DayCount&, const DayCount&) = default;
};

// Thread-safe: calls are serialized on the one connection, which SQLite would
// do for writes anyway; reads are short indexed lookups. The services run
// them on the server's worker pool, never on its I/O threads.
class LinkStore {
 public:
  // Whether Open created the database (and ran `populate`).
  bool created() const { return created_; }

  // A trivial query (the schema version), for GET /readyz: fails when the
  // database no longer answers.
  twirp::Result<void> Ping();

  // Idempotent: true when the link is new, false when it already existed (its
  // time is then left as it was). Without a time, now.
  twirp::Result<bool> Add(std::int64_t user_id, std::int64_t track_id);
  twirp::Result<bool> Add(std::int64_t user_id, std::int64_t track_id, std::int64_t at_ms);
  // Idempotent: true when a link was removed.
  twirp::Result<bool> Remove(std::int64_t user_id, std::int64_t track_id);

  // Links per track for every id in `track_ids` (0 for tracks without any).
  twirp::Result<std::map<std::int64_t, std::int64_t>> Count(
      std::span<const std::int64_t> track_ids);
  // The ids of `track_ids` the user links to, in the order given, each once.
  twirp::Result<std::vector<std::int64_t>> Among(std::int64_t user_id,
                                                 std::span<const std::int64_t> track_ids);
  // Up to `limit` of the user's links, newest first, after `cursor` (a
  // previous page's next_cursor; nullopt for the first page).
  twirp::Result<UserLinksPage> ListByUser(std::int64_t user_id, int limit,
                                          std::optional<std::int64_t> cursor);
  // Up to `limit` of the users linked to the track, newest link first.
  twirp::Result<TrackLinksPage> ListByTrack(std::int64_t track_id, int limit,
                                            std::optional<std::int64_t> cursor);
  // The track's links per UTC day for links made in [since_ms, until_ms), days
  // without any left out, oldest first.
  twirp::Result<std::vector<DayCount>> CountByDay(std::int64_t track_id, std::int64_t since_ms,
                                                  std::int64_t until_ms);

 protected:
  LinkStore(std::unique_ptr<sqlite::Database> db, LinkTable names)
      : db_(std::move(db)), names_(names) {}

 private:
  friend struct sqlite::StoreOpener;
  twirp::Result<void> PrepareStatements();
  // A page of `statement`'s (id, value) rows for `key`, newest first, into
  // `out`; returns the next page's cursor.
  twirp::Result<std::optional<std::int64_t>> ListPage(sqlite::Statement& statement,
                                                      std::int64_t key, int limit,
                                                      std::optional<std::int64_t> cursor,
                                                      std::vector<std::int64_t>& out);

  std::mutex mu_;
  std::unique_ptr<sqlite::Database> db_;  // declared first: statements finalize before it closes
  LinkTable names_;
  sqlite::Statement add_;
  sqlite::Statement remove_;
  sqlite::Statement count_;
  sqlite::Statement among_;
  sqlite::Statement by_user_;
  sqlite::Statement by_track_;
  sqlite::Statement by_day_;
  bool created_ = false;
};

}  // namespace foundation::links
