#include "reposts/store.h"

namespace foundation::reposts {

twirp::Result<std::unique_ptr<RepostsStore>> RepostsStore::Open(const std::string& path,
                                                                const Populate& populate) {
  return sqlite::StoreOpener::Open<RepostsStore>(
      path, "reposts store",
      {.sql = links::LinkTableSql({.table = "reposts", .time_column = "reposted_at_ms"}),
       .version = 1,
       .migrate = {}},
      populate);
}

}  // namespace foundation::reposts
