// foundation-users --listen 127.0.0.1:PORT --data-dir DIR [--seed] [--worker-threads N]
//
// The Users foundation service over <data-dir>/users.db.
#include <memory>

#include "common/service_main.h"
#include "seed/seed.h"
#include "users/service.h"

int main(int argc, char* argv[]) {
  return foundation::RunService(
      "foundation-users", argc, argv,
      [](twirp::Server& server,
         const foundation::ServiceFlags& flags) -> twirp::Result<foundation::StoreCheck> {
        using foundation::users::UsersStore;
        auto store = UsersStore::Open(
            flags.data_dir + "/users.db",
            flags.seed ? UsersStore::Populate(foundation::seed::SeedUsers) : nullptr);
        if (!store.ok()) return std::move(store).error();
        UsersStore* const raw_store = store->get();
        // The service owns the store; the check keeps the service alive.
        auto service = std::make_shared<foundation::users::UsersService>(std::move(store).value());
        foundation::users::v1::RegisterUsers(server, service);
        return foundation::StoreCheck([service, raw_store] { return raw_store->Ping(); });
      });
}
