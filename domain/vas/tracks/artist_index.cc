#include "vas/tracks/artist_index.h"

#include <unordered_set>
#include <utility>

namespace vas::tracks {

std::vector<std::int64_t> ArtistIndex::KnownArtists(std::span<const std::int64_t> track_ids) {
  std::vector<std::int64_t> artists;
  if (capacity_ == 0) return artists;
  std::unordered_set<std::int64_t> seen;
  std::lock_guard lock(mutex_);
  for (const std::int64_t track_id : track_ids) {
    if (const auto artist = Find(track_id); artist && seen.insert(*artist).second) {
      artists.push_back(*artist);
    }
  }
  return artists;
}

void ArtistIndex::Learn(
    std::span<const std::int64_t> asked,
    const google::protobuf::RepeatedPtrField<::foundation::tracks::v1::Track>& records) {
  if (capacity_ == 0) return;
  std::unordered_set<std::int64_t> answered;
  for (const auto& record : records) answered.insert(record.id());
  std::lock_guard lock(mutex_);
  for (const std::int64_t track_id : asked) {
    if (!answered.contains(track_id)) {
      recent_.erase(track_id);
      older_.erase(track_id);
    }
  }
  for (const auto& record : records) Put(record.id(), record.artist_user_id());
}

std::size_t ArtistIndex::size() const {
  std::lock_guard lock(mutex_);
  return recent_.size() + older_.size();
}

std::optional<std::int64_t> ArtistIndex::Find(std::int64_t track_id) {
  if (auto it = recent_.find(track_id); it != recent_.end()) return it->second;
  auto it = older_.find(track_id);
  if (it == older_.end()) return std::nullopt;
  // Moved without a copy: the size stays the same.
  auto node = older_.extract(it);
  const std::int64_t artist = node.mapped();
  recent_.insert(std::move(node));
  return artist;
}

void ArtistIndex::Put(std::int64_t track_id, std::int64_t artist_id) {
  if (auto it = recent_.find(track_id); it != recent_.end()) {
    it->second = artist_id;
    return;
  }
  if (auto it = older_.find(track_id); it != older_.end()) {
    auto node = older_.extract(it);
    node.mapped() = artist_id;
    recent_.insert(std::move(node));
    return;
  }
  if (recent_.size() + older_.size() >= capacity_) {
    if (older_.empty()) std::swap(recent_, older_);
    older_.erase(older_.begin());
  }
  recent_.emplace(track_id, artist_id);
}

}  // namespace vas::tracks
