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
      [](twirp::Server& server, const foundation::ServiceFlags& flags) -> twirp::Result<void> {
        using foundation::reposts::RepostsStore;
        auto store = RepostsStore::Open(
            flags.data_dir + "/reposts.db",
            flags.seed ? RepostsStore::Populate(foundation::seed::SeedReposts) : nullptr);
        if (!store.ok()) return std::move(store).error();
        foundation::reposts::v1::RegisterReposts(
            server,
            std::make_shared<foundation::reposts::RepostsService>(std::move(store).value()));
        return twirp::Ok();
      });
}
