// The reposts of the seed data set.
#include "reposts/store.h"
#include "seed/seed.h"

namespace foundation::seed {

namespace {

// 2025-02-01T00:00:00Z; each repost an hour after the one before.
constexpr std::int64_t kFirstRepostMs = 1738368000000;

}  // namespace

twirp::Result<void> SeedReposts(reposts::RepostsStore& store) {
  std::int64_t reposted_at_ms = kFirstRepostMs;
  // Users 10..19 reposted kPlainTrack; alice reposted kGeoblockedTrack.
  for (std::int64_t user_id = 10; user_id < 10 + kPlainTrackReposts; ++user_id) {
    auto created = store.Add(user_id, kPlainTrack, reposted_at_ms);
    if (!created.ok()) return std::move(created).error();
    reposted_at_ms += 3'600'000;
  }
  auto created = store.Add(kAlice, kGeoblockedTrack, reposted_at_ms);
  if (!created.ok()) return std::move(created).error();
  return twirp::Ok();
}

}  // namespace foundation::seed
