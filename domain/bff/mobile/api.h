// The mobile app's HTTP JSON API (not Twirp), served through the server's plain
// HTTP handlers under /mobile/v1/:
//
//   GET    /mobile/v1/tracks/{id}[?secret=TOKEN]  the track screen: everything
//   GET    /mobile/v1/tracks?ids=1,2,3            feed cards (at most kMaxFeedIds)
//   POST   /mobile/v1/tracks/{id}/like            like (signed in)
//   DELETE /mobile/v1/tracks/{id}/like            unlike (signed in)
//
// Sign-in is "Authorization: Bearer TOKEN", checked with Users.Authenticate;
// reads without it are an anonymous viewer's. The viewer's country is the
// X-Country header of a trusted edge proxy, else unknown. Errors are
// {"error":{"code":"...","message":"...","requestId":"..."}}; a VAS error keeps
// its code and gets the HTTP status of MobileStatus(), never its text. The edge
// duties (rate limits, Cache-Control, internal headers) are edge/edge.h's.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

#include "edge/edge.h"
#include "foundation/users/v1/users.twirp.h"
#include "twirpcpp/error.h"
#include "twirpcpp/http.h"
#include "twirpcpp/server.h"
#include "vas/tracks/v1/tracks.twirp.h"

namespace bff::mobile {

inline constexpr std::string_view kApiPrefix = "/mobile/v1/";
inline constexpr std::size_t kMaxFeedIds = 100;

// The services the BFF calls: the Tracks VAS for everything about tracks, and
// Users for sign-in only. Copyable: the generated clients share their twirp::Client.
struct Upstreams {
  vas::tracks::v1::TracksClient tracks;
  foundation::users::v1::UsersClient users;
  // The BFF's own limit for one call from its start (--upstream-timeout-ms),
  // which the request's deadline only shortens (domain/common/upstream_deadline.h).
  // nullopt: the request's deadline alone.
  std::optional<std::chrono::milliseconds> timeout;
};

// The HTTP status the app sees for an error of the VAS (or of sign-in).
int MobileStatus(twirp::ErrorCode code);

class MobileApi {
 public:
  explicit MobileApi(Upstreams upstreams, edge::EdgeOptions edge_options = {})
      : upstreams_(std::move(upstreams)), edge_("mobile-bff", std::move(edge_options)) {}

  // Every request under kApiPrefix.
  twirp::Awaitable<twirp::HttpResponse> Serve(twirp::Context& ctx,
                                              const twirp::HttpRequest& request);

 private:
  // Serve's request once the edge has admitted it and stripped its internal headers.
  twirp::Awaitable<twirp::HttpResponse> Route(twirp::Context& ctx,
                                              const twirp::HttpRequest& request);
  twirp::Awaitable<twirp::HttpResponse> TrackScreen(twirp::Context& ctx,
                                                    const twirp::HttpRequest& request,
                                                    std::int64_t track_id);
  twirp::Awaitable<twirp::HttpResponse> Feed(twirp::Context& ctx,
                                             const twirp::HttpRequest& request);
  twirp::Awaitable<twirp::HttpResponse> Like(twirp::Context& ctx, const twirp::HttpRequest& request,
                                             std::int64_t track_id, bool like);
  // One upstream call's options, made at its start: the request's deadline,
  // capped by Upstreams::timeout.
  twirp::CallOptions UpstreamOptions(const twirp::Context& ctx) const;
  // Fills `viewer`: signed in with a valid bearer token, or anonymous when there
  // is none and `require_user` is false. Else the error to answer: 401, 400 for
  // a bad X-Country, 429 after too many failed sign-ins, 503.
  twirp::Awaitable<std::optional<twirp::HttpResponse>> ResolveViewer(
      twirp::Context& ctx, const twirp::HttpRequest& request, bool require_user,
      vas::tracks::v1::Viewer& viewer);
  // An upstream's error as the app sees it (see the top of this file).
  twirp::HttpResponse UpstreamError(const twirp::Error& error) const;

  Upstreams upstreams_;
  edge::Edge edge_;
};

// Serves `api` under kApiPrefix on `server` (before Start).
void RegisterMobileApi(twirp::Server& server, std::shared_ptr<MobileApi> api);

}  // namespace bff::mobile
