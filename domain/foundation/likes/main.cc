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
      [](twirp::Server& server,
         const foundation::ServiceFlags& flags) -> twirp::Result<foundation::StoreCheck> {
        using foundation::likes::LikesStore;
        auto store = LikesStore::Open(
            flags.data_dir + "/likes.db",
            flags.seed ? LikesStore::Populate(foundation::seed::SeedLikes) : nullptr);
        if (!store.ok()) return std::move(store).error();
        LikesStore* const raw_store = store->get();
        // The service owns the store; the check keeps the service alive.
        auto service = std::make_shared<foundation::likes::LikesService>(std::move(store).value());
        foundation::likes::v1::RegisterLikes(server, service);
        return foundation::StoreCheck([service, raw_store] { return raw_store->Ping(); });
      });
}
