#include "users/service.h"

#include <span>

#include "common/validate.h"

namespace foundation::users {

namespace {

template <class Repeated>
std::span<const std::int64_t> Span(const Repeated& field) {
  return {field.data(), static_cast<std::size_t>(field.size())};
}

// Longer tokens are refused before they reach the database.
constexpr std::size_t kMaxTokenBytes = 256;

}  // namespace

twirp::Result<v1::GetUsersResponse> UsersService::GetUsers(twirp::Context&,
                                                           const v1::GetUsersRequest& request) {
  if (auto error = CheckIds("user_ids", Span(request.user_ids()))) return *error;
  auto users = store_->GetUsers(Span(request.user_ids()));
  if (!users.ok()) return std::move(users).error();
  v1::GetUsersResponse response;
  response.mutable_users()->Reserve(static_cast<int>(users->size()));
  for (const auto& record : *users) {
    auto& user = *response.add_users();
    user.set_id(record.id);
    user.set_username(record.username);
    user.set_display_name(record.display_name);
    user.set_avatar_url(record.avatar_url);
  }
  return response;
}

twirp::Result<v1::FindBlockersResponse> UsersService::FindBlockers(
    twirp::Context&, const v1::FindBlockersRequest& request) {
  if (auto error = CheckId("user_id", request.user_id())) return *error;
  if (auto error = CheckIds("candidate_ids", Span(request.candidate_ids()))) return *error;
  auto blockers = store_->FindBlockers(request.user_id(), Span(request.candidate_ids()));
  if (!blockers.ok()) return std::move(blockers).error();
  v1::FindBlockersResponse response;
  response.mutable_blocker_ids()->Add(blockers->begin(), blockers->end());
  return response;
}

twirp::Result<v1::AuthenticateResponse> UsersService::Authenticate(
    twirp::Context&, const v1::AuthenticateRequest& request) {
  // A missing token is as unauthenticated as a wrong one: callers need one rule.
  if (request.token().empty() || request.token().size() > kMaxTokenBytes) {
    return twirp::UnauthenticatedError("invalid session token");
  }
  auto user_id = store_->Authenticate(request.token());
  if (!user_id.ok()) return std::move(user_id).error();
  if (!*user_id) return twirp::UnauthenticatedError("invalid session token");
  v1::AuthenticateResponse response;
  response.set_user_id(**user_id);
  return response;
}

}  // namespace foundation::users
