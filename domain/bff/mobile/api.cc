#include "mobile/api.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/stubs/common.h>
#include <nlohmann/json.hpp>

#include "common/ascii.h"
#include "common/upstream_deadline.h"
#include "mobile/screens.h"

namespace bff::mobile {

namespace v1 = vas::tracks::v1;
namespace users_v1 = foundation::users::v1;
using domain::AsciiUpper;
using domain::EqualsIgnoringAsciiCase;
using nlohmann::json;
using twirp::Awaitable;
using twirp::HttpResponse;

namespace {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

HttpResponse JsonResponse(int status, const json& body) {
  return HttpResponse::Json(status, body.dump());
}

HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message) {
  return edge::ErrorResponse(status, code, message, edge::NewRequestId());
}

// The longest bearer token the BFF passes on: far above any session token, so
// that a megabyte of header is a 401 here, not a request to Users.
constexpr std::size_t kMaxTokenBytes = 512;

// What the app reads for an upstream's error of each status: fixed texts, so
// that nothing internal (an address, a port, an upstream's words) reaches it.
std::string_view PublicMessage(int status) {
  switch (status) {
    case 400: return "the request is not valid";
    case 401: return "sign in to do this";
    case 403: return "this is not allowed";
    case 404: return "not found";
    case 429: return "too many requests, try again later";
    case 503: return "a service is unavailable, try again later";
    case 504: return "the request took too long, try again later";
    default: return "the tracks service failed";
  }
}

HttpResponse MethodNotAllowed(std::string_view allow) {
  HttpResponse response =
      ErrorResponse(405, "method_not_allowed", "allowed: " + std::string(allow));
  response.headers.emplace_back("Allow", std::string(allow));
  return response;
}

// A positive decimal int64 and nothing else.
std::optional<std::int64_t> ParseId(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

// Whether `text` is valid UTF-8, by the very check protobuf applies to a proto3
// string when it parses one: a request to an upstream carrying anything else
// fails to parse there, which the app would see as the upstream's failure (a
// 5xx) rather than its own bad request.
bool IsValidUtf8(std::string_view text) {
  return google::protobuf::internal::IsStructurallyValidUTF8(text.data(),
                                                             static_cast<int>(text.size()));
}

// The value of "Authorization: Bearer TOKEN" (scheme case-insensitive), "" if absent.
std::optional<std::string> BearerToken(const twirp::HttpRequest& request) {
  const auto header = request.Header("Authorization");
  if (!header) return std::nullopt;
  std::string_view value = *header;
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      !EqualsIgnoringAsciiCase(value.substr(0, kScheme.size()), kScheme)) {
    return std::string();
  }
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  return std::string(value);
}

// Whether an answer for `viewer` may differ from an anonymous one's: signed in,
// a known country, or a share secret. Such an answer is never stored by a cache.
bool IsViewerSpecific(const v1::Viewer& viewer) {
  return viewer.user_id() != 0 || !viewer.country().empty() || viewer.secret_tokens_size() > 0;
}

// The VAS's X-Degraded header, passed on to the app as header and list.
void AddDegraded(const HeaderList& vas_headers, json& body, HttpResponse& response) {
  for (const auto& [name, value] : vas_headers) {
    if (!EqualsIgnoringAsciiCase(name, "x-degraded")) continue;
    body["degraded"] = SplitDegraded(value);
    response.headers.emplace_back("X-Degraded", value);
    return;
  }
}

}  // namespace

int MobileStatus(twirp::ErrorCode code) {
  using twirp::ErrorCode;
  switch (code) {
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kOutOfRange: return 400;
    case ErrorCode::kResourceExhausted: return 429;
    case ErrorCode::kDeadlineExceeded: return 504;
    default: return 502;
  }
}

twirp::CallOptions MobileApi::UpstreamOptions(const twirp::Context& ctx) const {
  return domain::CapDeadline(twirp::CallOptions::From(ctx), upstreams_.timeout);
}

// An error the BFF's own client made in transit (refused, dropped, timed out,
// the answer cut off) carries the socket error as its local cause, which an
// error the upstream answered never has. An answer cut off, which the client
// reports as internal once it has started (twirpcpp/client.h), is a transport
// failure like a dropped connection: unavailable, which the app may retry
// (docs/domain-rules.md, "Faults between tiers"). The app reads a fixed text;
// the upstream's own goes to the log under the request id.
HttpResponse MobileApi::UpstreamError(const twirp::Error& error) const {
  const bool in_transit = !error.cause().empty();
  const twirp::ErrorCode code = in_transit && error.code() == twirp::ErrorCode::kInternal
                                    ? twirp::ErrorCode::kUnavailable
                                    : error.code();
  const int status = MobileStatus(code);
  std::string detail = std::string(twirp::CodeString(error.code())) + ": " + error.msg();
  if (in_transit) detail.append(" (").append(error.cause()).append(")");
  HttpResponse response = edge_.UpstreamError(status, twirp::CodeString(code),
                                              PublicMessage(status), std::move(detail));
  if (status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

Awaitable<HttpResponse> MobileApi::Serve(twirp::Context& ctx, const twirp::HttpRequest& request) {
  // Over a limit: answered before anything else, and no upstream hears of it.
  if (auto limited = edge_.Admit(request, BearerToken(request))) co_return std::move(*limited);
  const std::optional<twirp::HttpRequest> stripped = edge_.StripInternalHeaders(request);
  co_return co_await Route(ctx, stripped ? *stripped : request);
}

Awaitable<HttpResponse> MobileApi::Route(twirp::Context& ctx, const twirp::HttpRequest& request) {
  const std::string_view rest = std::string_view(request.path).substr(kApiPrefix.size());
  const std::vector<std::string_view> parts = Split(rest, '/');
  if (parts.empty() || parts[0] != "tracks") {
    co_return ErrorResponse(404, "not_found", "no such endpoint");
  }
  if (parts.size() == 1) {
    if (request.method != "GET") co_return MethodNotAllowed("GET");
    co_return co_await Feed(ctx, request);
  }
  const std::optional<std::int64_t> id = ParseId(parts[1]);
  if (!id || parts.size() > 3 || (parts.size() == 3 && parts[2] != "like")) {
    co_return ErrorResponse(404, "not_found", "no such endpoint");
  }
  if (parts.size() == 2) {
    if (request.method != "GET") co_return MethodNotAllowed("GET");
    co_return co_await TrackScreen(ctx, request, *id);
  }
  if (request.method == "POST") co_return co_await Like(ctx, request, *id, true);
  if (request.method == "DELETE") co_return co_await Like(ctx, request, *id, false);
  co_return MethodNotAllowed("POST, DELETE");
}

Awaitable<std::optional<HttpResponse>> MobileApi::ResolveViewer(twirp::Context& ctx,
                                                                const twirp::HttpRequest& request,
                                                                bool require_user,
                                                                v1::Viewer& viewer) {
  // Only a trusted proxy's X-Country is still here (edge::Edge::StripInternalHeaders).
  if (const auto country = request.Header("X-Country"); country && !country->empty()) {
    std::string code(*country);
    std::ranges::transform(code, code.begin(), AsciiUpper);
    const auto is_letter = [](char c) { return c >= 'A' && c <= 'Z'; };
    if (code.size() != 2 || !std::ranges::all_of(code, is_letter)) {
      co_return ErrorResponse(400, "invalid_argument",
                              "X-Country must be a two-letter country code");
    }
    viewer.set_country(std::move(code));
  }
  const std::optional<std::string> token = BearerToken(request);
  const auto unauthenticated = [](std::string_view message) {
    HttpResponse response = ErrorResponse(401, "unauthenticated", message);
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
  };
  if (!token) {
    if (require_user) co_return unauthenticated("sign in to do this");
    co_return std::nullopt;
  }
  if (token->empty()) co_return unauthenticated("expected Authorization: Bearer <token>");
  if (token->size() > kMaxTokenBytes) co_return unauthenticated("the session token is not valid");
  if (!IsValidUtf8(*token)) {
    co_return ErrorResponse(400, "invalid_argument", "must carry a valid UTF-8 bearer token");
  }
  if (auto limited = edge_.CheckSignIn(request)) co_return std::move(*limited);
  users_v1::AuthenticateRequest authenticate;
  authenticate.set_token(*token);
  auto user = co_await upstreams_.users.Authenticate(std::move(authenticate), UpstreamOptions(ctx));
  if (!user.ok()) {
    if (user.error().code() == twirp::ErrorCode::kUnauthenticated) {
      edge_.SignInFailed(request);
      co_return unauthenticated("the session token is not valid");
    }
    co_return edge_.UpstreamError(503, "unavailable", "sign-in is unavailable, try again later",
                                  "users: " + user.error().msg());
  }
  viewer.set_user_id(user->user_id());
  co_return std::nullopt;
}

Awaitable<HttpResponse> MobileApi::TrackScreen(twirp::Context& ctx,
                                               const twirp::HttpRequest& request,
                                               std::int64_t track_id) {
  v1::GetTracksRequest get;
  get.add_track_ids(track_id);
  // A private track's share link carries its secret; checked before any
  // upstream call, so that bad input costs none.
  std::optional<std::string> secret = request.QueryParam("secret");
  if (secret && !secret->empty()) {
    if (!IsValidUtf8(*secret) || secret->size() > kMaxTokenBytes) {
      co_return ErrorResponse(400, "invalid_argument", "secret is not a valid share secret");
    }
  }
  if (auto failed = co_await ResolveViewer(ctx, request, false, *get.mutable_viewer())) {
    co_return std::move(*failed);
  }
  if (secret && !secret->empty()) get.mutable_viewer()->add_secret_tokens(std::move(*secret));
  // No field mask: the track screen shows everything.
  HeaderList vas_headers;
  twirp::CallOptions options = UpstreamOptions(ctx);
  options.response_headers = &vas_headers;
  const bool viewer_specific = IsViewerSpecific(get.viewer());
  auto tracks = co_await upstreams_.tracks.GetTracks(std::move(get), std::move(options));
  if (!tracks.ok()) co_return UpstreamError(tracks.error());
  // Left out by the VAS: unknown, or hidden from this viewer; the app cannot
  // tell which, by design.
  if (tracks->tracks_size() == 0) co_return ErrorResponse(404, "not_found", "track not found");
  json body = {{"track", TrackScreenJson(tracks->tracks(0))}};
  HttpResponse response;
  AddDegraded(vas_headers, body, response);
  response.status = 200;
  response.content_type = "application/json";
  response.body = body.dump();
  edge_.SetCacheControl(response, viewer_specific);
  co_return response;
}

Awaitable<HttpResponse> MobileApi::Feed(twirp::Context& ctx, const twirp::HttpRequest& request) {
  const std::optional<std::string> ids_param = request.QueryParam("ids");
  if (!ids_param || ids_param->empty()) {
    co_return ErrorResponse(400, "invalid_argument", "ids is required: ?ids=1,2,3");
  }
  v1::GetTracksRequest get;
  for (const std::string_view part : Split(*ids_param, ',')) {
    const std::optional<std::int64_t> id = ParseId(part);
    if (!id) {
      co_return ErrorResponse(400, "invalid_argument",
                              "ids must be positive integers separated by commas");
    }
    get.add_track_ids(*id);
  }
  if (static_cast<std::size_t>(get.track_ids_size()) > kMaxFeedIds) {
    co_return ErrorResponse(400, "invalid_argument",
                            "at most " + std::to_string(kMaxFeedIds) + " ids per request");
  }
  if (auto failed = co_await ResolveViewer(ctx, request, false, *get.mutable_viewer())) {
    co_return std::move(*failed);
  }
  *get.mutable_field_mask() = FeedCardMask();

  HeaderList vas_headers;
  twirp::CallOptions options = UpstreamOptions(ctx);
  options.response_headers = &vas_headers;
  const bool viewer_specific = IsViewerSpecific(get.viewer());
  auto tracks = co_await upstreams_.tracks.GetTracks(std::move(get), std::move(options));
  if (!tracks.ok()) co_return UpstreamError(tracks.error());
  json cards = json::array();
  for (const v1::Track& track : tracks->tracks()) cards.push_back(FeedCardJson(track));
  json body = {{"cards", std::move(cards)}};
  HttpResponse response;
  AddDegraded(vas_headers, body, response);
  response.status = 200;
  response.content_type = "application/json";
  response.body = body.dump();
  edge_.SetCacheControl(response, viewer_specific);
  co_return response;
}

Awaitable<HttpResponse> MobileApi::Like(twirp::Context& ctx, const twirp::HttpRequest& request,
                                        std::int64_t track_id, bool like) {
  v1::Viewer viewer;
  if (auto failed = co_await ResolveViewer(ctx, request, true, viewer)) {
    co_return std::move(*failed);
  }
  // Whether this viewer may like this track is the VAS's decision.
  bool changed = false;
  if (like) {
    v1::LikeTrackRequest command;
    command.set_track_id(track_id);
    *command.mutable_viewer() = viewer;
    auto result = co_await upstreams_.tracks.LikeTrack(std::move(command), UpstreamOptions(ctx));
    if (!result.ok()) co_return UpstreamError(result.error());
    changed = result->created();
  } else {
    v1::UnlikeTrackRequest command;
    command.set_track_id(track_id);
    *command.mutable_viewer() = viewer;
    auto result = co_await upstreams_.tracks.UnlikeTrack(std::move(command), UpstreamOptions(ctx));
    if (!result.ok()) co_return UpstreamError(result.error());
    changed = result->removed();
  }
  HttpResponse response =
      JsonResponse(200, {{"trackId", track_id}, {"liked", like}, {"changed", changed}});
  edge_.SetCacheControl(response, true);
  co_return response;
}

void RegisterMobileApi(twirp::Server& server, std::shared_ptr<MobileApi> api) {
  server.Handle(std::string(kApiPrefix),
                [api = std::move(api)](twirp::Context& ctx, const twirp::HttpRequest& request) {
                  return api->Serve(ctx, request);
                });
}

}  // namespace bff::mobile
