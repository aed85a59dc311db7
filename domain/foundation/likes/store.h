// The Likes service's SQLite store: which user likes which track, and when.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/link_store.h"
#include "twirpcpp/result.h"

namespace foundation::likes {

// One page of a user's likes, newest first.
using LikesPage = links::UserLinksPage;
// One page of a track's likers, newest like first.
using LikersPage = links::TrackLinksPage;
using links::DayCount;

// A link store (common/link_store.h) named for likes: table `likes`, times in
// `liked_at_ms`. Thread-safe.
class LikesStore final : public links::LinkStore {
 public:
  using Populate = std::function<twirp::Result<void>(LikesStore&)>;

  // Opens the database at `path`, creating it if needed. A new database gets
  // the schema and then `populate` (e.g. seed data) in the same transaction.
  static twirp::Result<std::unique_ptr<LikesStore>> Open(const std::string& path,
                                                         const Populate& populate = nullptr);

  twirp::Result<bool> Like(std::int64_t user_id, std::int64_t track_id) {
    return Add(user_id, track_id);
  }
  twirp::Result<bool> Like(std::int64_t user_id, std::int64_t track_id, std::int64_t liked_at_ms) {
    return Add(user_id, track_id, liked_at_ms);
  }
  twirp::Result<bool> Unlike(std::int64_t user_id, std::int64_t track_id) {
    return Remove(user_id, track_id);
  }
  twirp::Result<std::map<std::int64_t, std::int64_t>> CountLikes(
      std::span<const std::int64_t> track_ids) {
    return Count(track_ids);
  }
  twirp::Result<std::vector<std::int64_t>> LikedTracks(std::int64_t user_id,
                                                       std::span<const std::int64_t> track_ids) {
    return Among(user_id, track_ids);
  }
  twirp::Result<LikesPage> ListUserLikes(std::int64_t user_id, int limit,
                                         std::optional<std::int64_t> cursor) {
    return ListByUser(user_id, limit, cursor);
  }
  twirp::Result<std::vector<DayCount>> CountLikesByDay(std::int64_t track_id, std::int64_t since_ms,
                                                       std::int64_t until_ms) {
    return CountByDay(track_id, since_ms, until_ms);
  }
  twirp::Result<LikersPage> ListTrackLikers(std::int64_t track_id, int limit,
                                            std::optional<std::int64_t> cursor) {
    return ListByTrack(track_id, limit, cursor);
  }

 private:
  friend struct sqlite::StoreOpener;
  explicit LikesStore(std::unique_ptr<sqlite::Database> db)
      : LinkStore(std::move(db), {.table = "likes", .time_column = "liked_at_ms"}) {}
};

}  // namespace foundation::likes
