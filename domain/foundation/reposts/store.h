// The Reposts service's SQLite store: which user reposted which track, and when.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/link_store.h"
#include "twirpcpp/result.h"

namespace foundation::reposts {

// A link store (common/link_store.h) named for reposts: table `reposts`, times
// in `reposted_at_ms`. Thread-safe.
class RepostsStore final : public links::LinkStore {
 public:
  using Populate = std::function<twirp::Result<void>(RepostsStore&)>;

  // Opens the database at `path`, creating it if needed. A new database gets
  // the schema and then `populate` (e.g. seed data) in the same transaction.
  static twirp::Result<std::unique_ptr<RepostsStore>> Open(const std::string& path,
                                                           const Populate& populate = nullptr);

 private:
  friend struct sqlite::StoreOpener;
  explicit RepostsStore(std::unique_ptr<sqlite::Database> db)
      : LinkStore(std::move(db), {.table = "reposts", .time_column = "reposted_at_ms"}) {}
};

}  // namespace foundation::reposts
