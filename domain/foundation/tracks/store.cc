#include "tracks/store.h"

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
  downloadable INTEGER NOT NULL
);
)sql";

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

}  // namespace

twirp::Result<std::unique_ptr<TracksStore>> TracksStore::Open(const std::string& path,
                                                              const Populate& populate) {
  return sqlite::StoreOpener::Open<TracksStore>(
      path, "tracks store", {.sql = kSchema, .version = 1, .migrate = {}}, populate);
}

twirp::Result<void> TracksStore::Ping() {
  const std::lock_guard lock(mu_);
  auto version = db_->UserVersion();
  if (!version.ok()) return std::move(version).error();
  return twirp::Ok();
}

twirp::Result<void> TracksStore::PrepareStatements() {
  auto put = db_->Prepare(
      "INSERT OR REPLACE INTO tracks (id, title, artist_user_id, duration_ms, artwork_url, genre, "
      "created_at_s, is_private, secret_token, blocked_territories, downloadable) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!put.ok()) return std::move(put).error();
  auto get = db_->Prepare(
      "SELECT id, title, artist_user_id, duration_ms, artwork_url, genre, created_at_s, "
      "is_private, secret_token, blocked_territories, downloadable FROM tracks "
      "WHERE id IN (SELECT value FROM json_each(?1))");
  if (!get.ok()) return std::move(get).error();
  put_ = std::move(*put);
  get_ = std::move(*get);
  return twirp::Ok();
}

twirp::Result<void> TracksStore::PutTrack(const TrackRecord& track) {
  std::lock_guard lock(mu_);
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
      .Bind(11, static_cast<std::int64_t>(track.downloadable));
  return query.Run();
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
