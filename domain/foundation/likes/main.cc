// foundation-likes --listen 127.0.0.1:PORT --data-dir DIR [--seed] [--worker-threads N]
//
// The Likes foundation service over <data-dir>/likes.db.
#include <memory>

#include "common/service_main.h"
#include "likes/service.h"
#include "seed/seed.h"

int main(int argc, char* argv[]) {
  return foundation::RunService(
      "foundation-likes", argc, argv,
      [](twirp::Server& server, const foundation::ServiceFlags& flags) -> twirp::Result<void> {
        using foundation::likes::LikesStore;
        auto store = LikesStore::Open(
            flags.data_dir + "/likes.db",
            flags.seed ? LikesStore::Populate(foundation::seed::SeedLikes) : nullptr);
        if (!store.ok()) return std::move(store).error();
        foundation::likes::v1::RegisterLikes(
            server, std::make_shared<foundation::likes::LikesService>(std::move(store).value()));
        return twirp::Ok();
      });
}
