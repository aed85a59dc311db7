// The TrackMetadata service's SQLite store: tracks and their rights.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
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
  std::int64_t version = 1;  // one more with every update

  friend bool operator==(const TrackRecord&, const TrackRecord&) = default;
};

// The fields UpdateTrack may change, as bits of a mask. A track's id, artist,
// creation time and version are not for the caller to set.
enum TrackField : unsigned {
  kTitle = 1U << 0,
  kDurationMs = 1U << 1,
  kArtworkUrl = 1U << 2,
  kGenre = 1U << 3,
  kVisibility = 1U << 4,  // is_private, and with it secret_token
  kBlockedTerritories = 1U << 5,
  kDownloadable = 1U << 6,
};

// Where a page of an artist's tracks ended: the last track's position in the
// newest-first order. A cursor, not an offset, so new tracks never shift the
// pages after it.
struct TrackCursor {
  std::int64_t created_at_s = 0;
  std::int64_t id = 0;
};

struct TracksPage {
  std::vector<TrackRecord> tracks;
  std::optional<TrackCursor> next_cursor;  // nullopt on the last page
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

  // Inserts or replaces the track with this id, version included (the seed).
  twirp::Result<void> PutTrack(const TrackRecord& track);

  // Stores `track` under a new id (max id + 1) at version 1 and returns it as
  // stored; created_at_s 0 means now.
  twirp::Result<TrackRecord> CreateTrack(TrackRecord track);

  // In one transaction: the track `id` at `expected_version` gets the `fields`
  // (TrackField bits) of `changes` and version + 1. A track made private without
  // a secret gets `new_secret`; one made public loses its secret. not_found for
  // an unknown id, aborted (meta current_version) for another version; either
  // way nothing is written.
  twirp::Result<TrackRecord> UpdateTrack(std::int64_t id, std::int64_t expected_version,
                                         const TrackRecord& changes, unsigned fields,
                                         const std::string& new_secret);

  // Idempotent: true when a track was removed.
  twirp::Result<bool> DeleteTrack(std::int64_t id);

  // Up to `limit` of the artist's tracks, newest first (created_at_s, then id),
  // after `cursor` (nullopt for the first page).
  twirp::Result<TracksPage> ListByArtist(std::int64_t artist_user_id, int limit,
                                         std::optional<TrackCursor> cursor);

  // The known tracks among `ids`, in the order given, each once.
  twirp::Result<std::vector<TrackRecord>> GetTracks(std::span<const std::int64_t> ids);

 private:
  friend struct sqlite::StoreOpener;
  explicit TracksStore(std::unique_ptr<sqlite::Database> db) : db_(std::move(db)) {}
  twirp::Result<void> PrepareStatements();
  twirp::Result<void> PutLocked(const TrackRecord& track);

  std::mutex mu_;
  std::unique_ptr<sqlite::Database> db_;  // declared first: statements finalize before it closes
  sqlite::Statement put_;
  sqlite::Statement get_;
  sqlite::Statement next_id_;
  sqlite::Statement delete_;
  sqlite::Statement by_artist_;
  bool created_ = false;
};

}  // namespace foundation::tracks
