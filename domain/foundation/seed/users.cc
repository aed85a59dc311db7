// The users, blocks and sessions of the seed data set.
#include <array>
#include <string>

#include "seed/random.h"
#include "seed/seed.h"
#include "users/store.h"

namespace foundation::seed {

namespace {

constexpr std::array<std::string_view, 16> kFirstNames = {
    "Ada", "Ben",  "Cleo", "Dan",  "Eva",  "Finn", "Gus",  "Hana",
    "Ivo", "Jule", "Kai",  "Lena", "Milo", "Nora", "Otto", "Pia"};
constexpr std::array<std::string_view, 16> kLastNames = {
    "Berg",   "Costa", "Dahl", "Engel",  "Falk", "Gray",  "Hale", "Ito",
    "Jansen", "Klein", "Lund", "Moreau", "Nagy", "Ortiz", "Park", "Quinn"};
constexpr int kRandomBlocks = 300;

std::string AvatarUrl(std::int64_t id) {
  return "https://cdn.example.com/avatars/" + std::to_string(id) + ".jpg";
}

}  // namespace

twirp::Result<void> SeedUsers(users::UsersStore& store) {
  for (const DemoUser& demo : kDemoUsers) {
    std::string display(demo.username);
    display[0] = static_cast<char>(display[0] - 'a' + 'A');
    users::UserRecord user{demo.id, std::string(demo.username), display + " (demo)",
                           AvatarUrl(demo.id)};
    if (auto r = store.PutUser(user); !r.ok()) return r;
    if (auto r = store.AddSession(demo.token, demo.id); !r.ok()) return r;
  }
  SplitMix64 random(0x75736572);  // "user"
  for (std::int64_t id = kDemoUsers.size() + 1; id <= kUserCount; ++id) {
    const auto first = kFirstNames[random.Below(kFirstNames.size())];
    const auto last = kLastNames[random.Below(kLastNames.size())];
    users::UserRecord user{id, "user" + std::to_string(id),
                           std::string(first) + " " + std::string(last), AvatarUrl(id)};
    if (auto r = store.PutUser(user); !r.ok()) return r;
  }

  if (auto r = store.AddBlock(kBlockingArtist, kBob); !r.ok()) return r;
  // Blocks among the other users, so that FindBlockers has data to sift; none
  // involves a demo user, whose cases stay exactly as documented.
  const std::int64_t first_other = kDemoUsers.size() + 1;
  const std::int64_t others = kUserCount - first_other + 1;
  for (int i = 0; i < kRandomBlocks; ++i) {
    const std::int64_t blocker = first_other + random.Below(others);
    const std::int64_t blocked = first_other + random.Below(others);
    if (blocker == blocked) continue;
    if (auto r = store.AddBlock(blocker, blocked); !r.ok()) return r;
  }
  return twirp::Ok();
}

}  // namespace foundation::seed
