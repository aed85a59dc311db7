// Which user is the artist of a track, as TrackMetadata last said: what lets
// GetTracks ask Users about the artists at the same time as it asks
// TrackMetadata for the records, instead of one round trip later
// (track_assembler.h). A track's artist practically never changes, and when it
// does the index is only a guess that the records correct: it decides which
// calls start early, never what a response says.
//
// Bounded: at most `capacity` tracks. Eviction is two generations rather than
// an exact LRU: entries learnt or looked up since the last turnover live in the
// recent generation, the rest in the older one. A new entry that does not fit
// evicts one entry of the older generation; when that is empty, the recent
// generation becomes the older one. So a track asked for since the last
// turnover is never evicted before one that was not, and each entry costs a
// hash map node, no LRU list node besides (3.3 MB of heap measured when full
// at the default capacity).
//
// Thread-safe: GetTracks runs on several server threads. One mutex, held for
// the lookups or the updates of one request (at most 500 ids): noise next to
// the upstream round trips the request waits for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include <google/protobuf/repeated_ptr_field.h>

#include "foundation/tracks/v1/track_metadata.pb.h"

namespace vas::tracks {

// The capacity of vas-tracks' index unless --artist-index-capacity says otherwise.
inline constexpr std::size_t kDefaultArtistIndexCapacity = 100'000;

class ArtistIndex {
 public:
  // Capacity 0 disables the index: it knows nothing and learns nothing.
  explicit ArtistIndex(std::size_t capacity) : capacity_(capacity) {}
  ArtistIndex(const ArtistIndex&) = delete;
  ArtistIndex& operator=(const ArtistIndex&) = delete;

  // The artists of the tracks of `track_ids` the index knows, each once, in
  // order of first appearance; the tracks it does not know are left out. The
  // tracks found count as recently used.
  std::vector<std::int64_t> KnownArtists(std::span<const std::int64_t> track_ids);

  // What TrackMetadata answered when asked for `asked`: the artist of every
  // record, and the asked ids it left out (unknown or deleted tracks) forgotten.
  void Learn(std::span<const std::int64_t> asked,
             const google::protobuf::RepeatedPtrField<::foundation::tracks::v1::Track>& records);

  std::size_t capacity() const { return capacity_; }
  std::size_t size() const;

 private:
  using Generation = std::unordered_map<std::int64_t, std::int64_t>;  // track -> artist

  // Under mutex_. Find moves a hit to recent_.
  std::optional<std::int64_t> Find(std::int64_t track_id);
  void Put(std::int64_t track_id, std::int64_t artist_id);

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  Generation recent_;
  Generation older_;
};

}  // namespace vas::tracks
