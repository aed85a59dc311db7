// The likes of the seed data set.
#include "likes/store.h"
#include "seed/random.h"
#include "seed/seed.h"

namespace foundation::seed {

namespace {

// 2025-01-01T00:00:00Z; each like a minute after the one before, so that
// insertion order (the store's newest-first order) matches time.
constexpr std::int64_t kFirstLikeMs = 1735689600000;
constexpr int kMaxRandomLikesPerUser = 20;
// Tracks below this have exactly the likes documented in seed.h.
constexpr std::int64_t kFirstRandomlyLikedTrack = 101;

}  // namespace

twirp::Result<void> SeedLikes(likes::LikesStore& store) {
  std::int64_t liked_at_ms = kFirstLikeMs;
  auto like = [&](std::int64_t user_id, std::int64_t track_id) -> twirp::Result<void> {
    auto created = store.Like(user_id, track_id, liked_at_ms);
    liked_at_ms += 60'000;
    if (!created.ok()) return std::move(created).error();
    return twirp::Ok();
  };

  for (std::int64_t user_id = 10; user_id < 10 + kPlainTrackLikes - 1; ++user_id) {
    if (auto r = like(user_id, kPlainTrack); !r.ok()) return r;
  }
  if (auto r = like(kAlice, kPlainTrack); !r.ok()) return r;
  if (auto r = like(kAlice, kGeoblockedTrack); !r.ok()) return r;

  SplitMix64 random(0x6c696b6573);  // "likes"
  const std::int64_t random_tracks = kTrackCount - kFirstRandomlyLikedTrack + 1;
  for (std::int64_t user_id = kDemoUsers.size() + 1; user_id <= kUserCount; ++user_id) {
    const std::int64_t count = random.Below(kMaxRandomLikesPerUser + 1);
    for (std::int64_t i = 0; i < count; ++i) {
      const std::int64_t track_id = kFirstRandomlyLikedTrack + random.Below(random_tracks);
      if (IsPrivate(track_id)) continue;
      if (auto r = like(user_id, track_id); !r.ok()) return r;  // a repeat is a no-op
    }
  }
  return twirp::Ok();
}

}  // namespace foundation::seed
