// foundation-reposts --listen 127.0.0.1:PORT --data-dir DIR [--seed] [--worker-threads N]
//
// The Reposts foundation service over <data-dir>/reposts.db.
#include <memory>

#include "common/service_main.h"
#include "reposts/service.h"
#include "seed/seed.h"

int main(int argc, char* argv[]) {
  return foundation::RunService(
      "foundation-reposts", argc, argv,
      [](twirp::Server& server,
         const foundation::ServiceFlags& flags) -> twirp::Result<foundation::StoreCheck> {
        using foundation::reposts::RepostsStore;
        auto store = RepostsStore::Open(
            flags.data_dir + "/reposts.db",
            flags.seed ? RepostsStore::Populate(foundation::seed::SeedReposts) : nullptr);
        if (!store.ok()) return std::move(store).error();
        RepostsStore* const raw_store = store->get();
        // The service owns the store; the check keeps the service alive.
        auto service =
            std::make_shared<foundation::reposts::RepostsService>(std::move(store).value());
        foundation::reposts::v1::RegisterReposts(server, service);
        return foundation::StoreCheck([service, raw_store] { return raw_store->Ping(); });
      });
}
