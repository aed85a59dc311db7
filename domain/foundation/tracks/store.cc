#include "tracks/store.h"

#include <chrono>
#include <limits>
#include <unordered_map>

namespace foundation::tracks {

namespace {

// blocked_territories holds alpha-2 codes joined by ','; codes never contain
// one, and the list is only ever read whole.
constexpr char kSchema[] = R"sql(
CREATE TABLE tracks (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  artist_user_id INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  artwork_url TEXT NOT NULL,
  genre TEXT NOT NULL,
  created_at_s INTEGER NOT NULL,
  is_private INTEGER NOT NULL,
  secret_token TEXT NOT NULL,
  blocked_territories TEXT NOT NULL,
  downloadable INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tracks_by_artist ON tracks (artist_user_id, created_at_s, id);
)sql";

// Version 1 had neither the version column nor the artist index; every track
// it holds is at its first version.
twirp::Result<void> Migrate(sqlite::Database& db, std::int64_t from) {
  if (from != 1) {
    return twirp::InternalError("tracks store: no migration from version " + std::to_string(from));
  }
  return db.Exec(
      "ALTER TABLE tracks ADD COLUMN version INTEGER NOT NULL DEFAULT 1;"
      "CREATE INDEX tracks_by_artist ON tracks (artist_user_id, created_at_s, id);");
}

// The columns ReadRecord reads, in its order.
constexpr char kColumns[] =
    "id, title, artist_user_id, duration_ms, artwork_url, genre, created_at_s, is_private, "
    "secret_token, blocked_territories, downloadable, version";

std::string JoinTerritories(const std::vector<std::string>& territories) {
  std::string joined;
  for (const auto& code : territories) {
    if (!joined.empty()) joined += ',';
    joined += code;
  }
  return joined;
}

std::vector<std::string> SplitTerritories(const std::string& joined) {
  std::vector<std::string> codes;
  std::size_t start = 0;
  while (start < joined.size()) {
    std::size_t end = joined.find(',', start);
    if (end == std::string::npos) end = joined.size();
    if (end > start) codes.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return codes;
}

TrackRecord ReadRecord(const sqlite::Query& query) {
  TrackRecord track;
  track.id = query.Int64(0);
  track.title = query.Text(1);
  track.artist_user_id = query.Int64(2);
  track.duration_ms = static_cast<std::int32_t>(query.Int64(3));
  track.artwork_url = query.Text(4);
  track.genre = query.Text(5);
  track.created_at_s = query.Int64(6);
  track.is_private = query.Int64(7) != 0;
  track.secret_token = query.Text(8);
  track.blocked_territories = SplitTerritories(query.Text(9));
  track.downloadable = query.Int64(10) != 0;
  track.version = query.Int64(11);
  return track;
}

// `fields` (TrackField bits) of `changes` written over `track`.
void ApplyChanges(TrackRecord& track, const TrackRecord& changes, unsigned fields,
                  const std::string& new_secret) {
  if ((fields & kTitle) != 0) track.title = changes.title;
  if ((fields & kDurationMs) != 0) track.duration_ms = changes.duration_ms;
  if ((fields & kArtworkUrl) != 0) track.artwork_url = changes.artwork_url;
  if ((fields & kGenre) != 0) track.genre = changes.genre;
  if ((fields & kBlockedTerritories) != 0) track.blocked_territories = changes.blocked_territories;
  if ((fields & kDownloadable) != 0) track.downloadable = changes.downloadable;
  if ((fields & kVisibility) != 0) {
    track.is_private = changes.is_private;
    // A track that stays private keeps its share link.
    if (!track.is_private) track.secret_token.clear();
    if (track.is_private && track.secret_token.empty()) track.secret_token = new_secret;
  }
}

std::int64_t NowS() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

twirp::Result<std::unique_ptr<TracksStore>> TracksStore::Open(const std::string& path,
                                                              const Populate& populate) {
  return sqlite::StoreOpener::Open<TracksStore>(
      path, "tracks store", {.sql = kSchema, .version = 2, .migrate = Migrate}, populate);
}

twirp::Result<void> TracksStore::Ping() {
  const std::lock_guard lock(mu_);
  auto version = db_->UserVersion();
  if (!version.ok()) return std::move(version).error();
  return twirp::Ok();
}

twirp::Result<void> TracksStore::PrepareStatements() {
  const std::string select = std::string("SELECT ") + kColumns + " FROM tracks ";
  struct {
    sqlite::Statement* statement;
    std::string sql;
  } const statements[] = {
      {&put_, std::string("INSERT OR REPLACE INTO tracks (") + kColumns +
                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"},
      {&get_, select + "WHERE id IN (SELECT value FROM json_each(?1))"},
      {&next_id_, "SELECT COALESCE(MAX(id), 0) + 1 FROM tracks"},
      {&delete_, "DELETE FROM tracks WHERE id = ?1"},
      {&by_artist_, select + "WHERE artist_user_id = ?1 AND (created_at_s, id) < (?2, ?3) "
                             "ORDER BY created_at_s DESC, id DESC LIMIT ?4"},
  };
  for (const auto& [statement, sql] : statements) {
    auto prepared = db_->Prepare(sql);
    if (!prepared.ok()) return std::move(prepared).error();
    *statement = std::move(*prepared);
  }
  return twirp::Ok();
}

twirp::Result<void> TracksStore::PutTrack(const TrackRecord& track) {
  std::lock_guard lock(mu_);
  return PutLocked(track);
}

twirp::Result<void> TracksStore::PutLocked(const TrackRecord& track) {
  sqlite::Query query(put_);
  query.Bind(1, track.id)
      .Bind(2, track.title)
      .Bind(3, track.artist_user_id)
      .Bind(4, static_cast<std::int64_t>(track.duration_ms))
      .Bind(5, track.artwork_url)
      .Bind(6, track.genre)
      .Bind(7, track.created_at_s)
      .Bind(8, static_cast<std::int64_t>(track.is_private))
      .Bind(9, track.secret_token)
      .Bind(10, JoinTerritories(track.blocked_territories))
      .Bind(11, static_cast<std::int64_t>(track.downloadable))
      .Bind(12, track.version);
  return query.Run();
}

twirp::Result<TrackRecord> TracksStore::CreateTrack(TrackRecord track) {
  if (track.created_at_s == 0) track.created_at_s = NowS();
  track.version = 1;
  std::lock_guard lock(mu_);
  auto done = db_->Transaction([&]() -> twirp::Result<void> {
    sqlite::Query query(next_id_);
    auto row = query.Step();
    if (!row.ok()) return std::move(row).error();
    track.id = query.Int64(0);
    return PutLocked(track);
  });
  if (!done.ok()) return std::move(done).error();
  return track;
}

twirp::Result<TrackRecord> TracksStore::UpdateTrack(std::int64_t id, std::int64_t expected_version,
                                                    const TrackRecord& changes, unsigned fields,
                                                    const std::string& new_secret) {
  TrackRecord track;
  std::lock_guard lock(mu_);
  auto done = db_->Transaction([&]() -> twirp::Result<void> {
    {
      sqlite::Query query(get_);
      const std::int64_t ids[] = {id};
      query.BindIds(1, ids);
      auto row = query.Step();
      if (!row.ok()) return std::move(row).error();
      if (!*row) return twirp::NotFoundError("track " + std::to_string(id) + " not found");
      track = ReadRecord(query);
    }
    if (track.version != expected_version) {
      return twirp::AbortedError("track " + std::to_string(id) + " is at version " +
                                 std::to_string(track.version) + ", not " +
                                 std::to_string(expected_version))
          .WithMeta("current_version", std::to_string(track.version));
    }
    ApplyChanges(track, changes, fields, new_secret);
    ++track.version;
    return PutLocked(track);
  });
  if (!done.ok()) return std::move(done).error();
  return track;
}

twirp::Result<bool> TracksStore::DeleteTrack(std::int64_t id) {
  std::lock_guard lock(mu_);
  sqlite::Query query(delete_);
  query.Bind(1, id);
  if (auto r = query.Run(); !r.ok()) return std::move(r).error();
  return db_->Changes() > 0;
}

twirp::Result<TracksPage> TracksStore::ListByArtist(std::int64_t artist_user_id, int limit,
                                                    std::optional<TrackCursor> cursor) {
  TracksPage page;
  if (limit < 1) return page;
  const TrackCursor after = cursor.value_or(TrackCursor{std::numeric_limits<std::int64_t>::max(),
                                                        std::numeric_limits<std::int64_t>::max()});
  std::lock_guard lock(mu_);
  sqlite::Query query(by_artist_);
  // One row more than asked tells whether there is a next page.
  query.Bind(1, artist_user_id)
      .Bind(2, after.created_at_s)
      .Bind(3, after.id)
      .Bind(4, static_cast<std::int64_t>(limit) + 1);
  while (true) {
    auto row = query.Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    if (static_cast<int>(page.tracks.size()) == limit) {
      const TrackRecord& last = page.tracks.back();
      page.next_cursor = TrackCursor{last.created_at_s, last.id};
      break;
    }
    page.tracks.push_back(ReadRecord(query));
  }
  return page;
}

twirp::Result<std::vector<TrackRecord>> TracksStore::GetTracks(std::span<const std::int64_t> ids) {
  std::vector<TrackRecord> ordered;
  if (ids.empty()) return ordered;
  std::unordered_map<std::int64_t, TrackRecord> found;
  {
    std::lock_guard lock(mu_);
    sqlite::Query query(get_);
    query.BindIds(1, ids);
    while (true) {
      auto row = query.Step();
      if (!row.ok()) return std::move(row).error();
      if (!*row) break;
      TrackRecord track = ReadRecord(query);
      found.emplace(track.id, std::move(track));
    }
  }
  ordered.reserve(found.size());
  for (const std::int64_t id : ids) {
    // extract() doubles as "each once" for repeated ids.
    if (auto node = found.extract(id)) ordered.push_back(std::move(node.mapped()));
  }
  return ordered;
}

}  // namespace foundation::tracks
