// foundation.users.v1.Users over the UsersStore. Blocking handlers: every call
// is an SQLite query, so they run on the server's worker pool.
#pragma once

#include <memory>

#include "foundation/users/v1/users.twirp.h"
#include "users/store.h"

namespace foundation::users {

class UsersService final : public v1::UsersBlocking {
 public:
  explicit UsersService(std::shared_ptr<UsersStore> store) : store_(std::move(store)) {}

  twirp::Result<v1::GetUsersResponse> GetUsers(twirp::Context& ctx,
                                               const v1::GetUsersRequest& request) override;
  twirp::Result<v1::FindBlockersResponse> FindBlockers(
      twirp::Context& ctx, const v1::FindBlockersRequest& request) override;
  twirp::Result<v1::AuthenticateResponse> Authenticate(
      twirp::Context& ctx, const v1::AuthenticateRequest& request) override;

 private:
  std::shared_ptr<UsersStore> store_;
};

}  // namespace foundation::users
