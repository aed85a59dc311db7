// The TrackMetadata service's SQLite store: tracks and their rights.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "common/sqlite.h"
#include "twirpcpp/result.h"

namespace foundation::tracks {

// A track as stored. The service maps it to the wire's Track; the store knows
// nothing of protobuf.
struct TrackRecord {
  std::int64_t id = 0;
  std::string title;
  std::int64_t artist_user_id = 0;
  std::int32_t duration_ms = 0;
  std::string artwork_url;
  std::string genre;
  std::int64_t created_at_s = 0;  // Unix time
  bool is_private = false;
  std::string secret_token;                      // private tracks only
  std::vector<std::string> blocked_territories;  // ISO 3166-1 alpha-2
  bool downloadable = false;

  friend bool operator==(const TrackRecord&, const TrackRecord&) = default;
};

// Thread-safe: calls are serialized on the one connection (see LikesStore).
class TracksStore {
 public:
  using Populate = std::function<twirp::Result<void>(TracksStore&)>;

  // Opens the database at `path`, creating it if needed. A new database gets
  // the schema and then `populate` (e.g. seed data) in the same transaction.
  static twirp::Result<std::unique_ptr<TracksStore>> Open(const std::string& path,
                                                          const Populate& populate = nullptr);

  bool created() const { return created_; }

  // A trivial query (the schema version), for GET /readyz: fails when the
  // database no longer answers.
  twirp::Result<void> Ping();

  // Inserts or replaces the track with this id.
  twirp::Result<void> PutTrack(const TrackRecord& track);

  // The known tracks among `ids`, in the order given, each once.
  twirp::Result<std::vector<TrackRecord>> GetTracks(std::span<const std::int64_t> ids);

 private:
  friend struct sqlite::StoreOpener;
  explicit TracksStore(std::unique_ptr<sqlite::Database> db) : db_(std::move(db)) {}
  twirp::Result<void> PrepareStatements();

  std::mutex mu_;
  std::unique_ptr<sqlite::Database> db_;  // declared first: statements finalize before it closes
  sqlite::Statement put_;
  sqlite::Statement get_;
  bool created_ = false;
};

}  // namespace foundation::tracks
