#include "vas/tracks/upstreams.h"

#include <memory>
#include <utility>

namespace vas::tracks {

namespace {

twirp::Result<std::shared_ptr<twirp::Client>> Connect(std::string_view upstream,
                                                      const std::string& url,
                                                      const twirp::ClientOptions& options) {
  auto client = twirp::Client::Create(url, options);
  if (!client.ok()) {
    return twirp::InvalidArgumentError(std::string(upstream) + "_url", client.error().msg());
  }
  return std::move(client).value();
}

}  // namespace

twirp::Result<Upstreams> Upstreams::Create(const UpstreamUrls& urls,
                                           const twirp::ClientOptions& options) {
  auto track_metadata = Connect(kTrackMetadataUpstream, urls.track_metadata, options);
  if (!track_metadata.ok()) return std::move(track_metadata).error();
  auto likes = Connect(kLikesUpstream, urls.likes, options);
  if (!likes.ok()) return std::move(likes).error();
  auto users = Connect(kUsersUpstream, urls.users, options);
  if (!users.ok()) return std::move(users).error();
  return Upstreams{
      ::foundation::tracks::v1::TrackMetadataClient(std::move(track_metadata).value()),
      ::foundation::likes::v1::LikesClient(std::move(likes).value()),
      ::foundation::users::v1::UsersClient(std::move(users).value()),
      options.default_timeout,
  };
}

twirp::Error UpstreamFailure(std::string_view upstream, const twirp::Error& error) {
  std::string cause = std::string(upstream) + ": " + std::string(twirp::CodeString(error.code())) +
                      " " + error.msg();
  if (!error.cause().empty()) cause += " (" + error.cause() + ")";
  twirp::Error failure =
      error.code() == twirp::ErrorCode::kDeadlineExceeded
          ? twirp::DeadlineExceededError(std::string(upstream) + " did not answer in time")
          : twirp::UnavailableError(std::string(upstream) + " is unavailable");
  return std::move(failure).WithMeta("upstream", std::string(upstream)).WithCause(std::move(cause));
}

}  // namespace vas::tracks
