// The mobile BFF's HTTP API (domain/bff/mobile/api.h) with random method,
// target, headers and body, served by a Server beside fake Tracks and Users
// services that its upstream clients reach in process. Input:
//   METHOD\nTARGET-UNDER-/mobile/v1/\nName: value\n...\n\nBODY
// Must hold: a response with a valid status; an error is the app's error JSON;
// no 5xx, because the fakes never fail with a code the app sees as one: a 5xx
// means the BFF sent its upstreams a request they refused.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <nlohmann/json.hpp>

#include "fuzz_support.h"
#include "mobile/api.h"
#include "server/router.h"
#include "twirpcpp/client.h"

namespace {

namespace tracks_v1 = vas::tracks::v1;
namespace users_v1 = foundation::users::v1;
using twirp::Awaitable;
using twirp::Context;
using twirp::Result;

// Track ids up to 1000 exist; the viewer's secret tokens are not checked.
class FakeTracks final : public tracks_v1::Tracks {
 public:
  Awaitable<Result<tracks_v1::GetTracksResponse>> GetTracks(Context&,
                                                            const tracks_v1::GetTracksRequest& r,
                                                            const twirp::FieldMask&) override {
    tracks_v1::GetTracksResponse response;
    for (const auto id : r.track_ids()) {
      if (id > 1000) continue;
      auto* track = response.add_tracks();
      track->set_id(id);
      track->set_title("title");
      track->mutable_artist()->set_username("artist");
    }
    co_return response;
  }
  Awaitable<Result<tracks_v1::LikeTrackResponse>> LikeTrack(
      Context&, const tracks_v1::LikeTrackRequest& r) override {
    if (r.track_id() > 1000) co_return twirp::NotFoundError("no such track");
    tracks_v1::LikeTrackResponse response;
    response.set_created(true);
    co_return response;
  }
  Awaitable<Result<tracks_v1::UnlikeTrackResponse>> UnlikeTrack(
      Context&, const tracks_v1::UnlikeTrackRequest&) override {
    co_return tracks_v1::UnlikeTrackResponse();
  }
  Awaitable<Result<tracks_v1::DownloadTrackResponse>> DownloadTrack(
      Context&, const tracks_v1::DownloadTrackRequest&) override {
    co_return twirp::PermissionDeniedError("not downloadable");
  }
};

// "good" signs in user 7; any other token is unauthenticated.
class FakeUsers final : public users_v1::Users {
 public:
  Awaitable<Result<users_v1::GetUsersResponse>> GetUsers(
      Context&, const users_v1::GetUsersRequest&) override {
    co_return users_v1::GetUsersResponse();
  }
  Awaitable<Result<users_v1::FindBlockersResponse>> FindBlockers(
      Context&, const users_v1::FindBlockersRequest&) override {
    co_return users_v1::FindBlockersResponse();
  }
  Awaitable<Result<users_v1::AuthenticateResponse>> Authenticate(
      Context&, const users_v1::AuthenticateRequest& r) override {
    if (r.token() != "good") co_return twirp::UnauthenticatedError("unknown token");
    users_v1::AuthenticateResponse response;
    response.set_user_id(7);
    co_return response;
  }
};

struct Harness {
  Harness() {
    tracks_v1::RegisterTracks(server, std::make_shared<FakeTracks>());
    users_v1::RegisterUsers(server, std::make_shared<FakeUsers>());
    twirp::ClientOptions options;
    options.transport = server.InProcessTransport();
    auto client = twirp::Client::Create(io.get_executor(), "http://in-process", options);
    FUZZ_CHECK(client.ok());
    // Every input reaches the API: no rate limit turns it away.
    bff::edge::EdgeOptions unlimited;
    unlimited.per_token = {};
    unlimited.per_address = {};
    unlimited.failed_signins_per_minute = 0;
    bff::mobile::RegisterMobileApi(
        server, std::make_shared<bff::mobile::MobileApi>(
                    bff::mobile::Upstreams{tracks_v1::TracksClient(*client),
                                           users_v1::UsersClient(*client), std::nullopt},
                    std::move(unlimited)));
    server.Start();
    transport = server.InProcessTransport();
  }
  boost::asio::io_context io;
  twirp::Server server;
  // RoundTrip is a coroutine on the transport: it must outlive the call.
  std::shared_ptr<twirp::Transport> transport;
};

std::string_view Line(std::string_view& input) {
  const auto end = input.find('\n');
  const std::string_view line = input.substr(0, end);
  input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto* harness = new Harness();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  twirp::TransportRequest request;
  request.method = std::string(Line(input));
  if (request.method.empty()) return 0;
  request.target = std::string(bff::mobile::kApiPrefix) + std::string(Line(input));
  request.headers.emplace_back("Host", "in-process");
  while (!input.empty()) {
    const std::string_view line = Line(input);
    if (line.empty()) break;
    const auto colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.emplace_back(line.substr(0, colon), value);
  }
  request.body = std::string(input);
  const bool valid_target = twirp::internal::Router::DecodePath(request.target).has_value();

  auto future = boost::asio::co_spawn(
      harness->io, harness->transport->RoundTrip(std::move(request)), boost::asio::use_future);
  harness->io.restart();
  harness->io.run();
  auto response = future.get();
  if (!valid_target) return 0;  // the in-process transport refuses it; a socket would get 400
  FUZZ_CHECK(response.ok());
  FUZZ_CHECK(twirp::fuzz::ValidStatus(response->status));
  FUZZ_CHECK(response->status < 500);
  if (response->status >= 400) {
    const auto json = nlohmann::json::parse(response->body, nullptr, false);
    FUZZ_CHECK(json.is_object() && json.contains("error") && json["error"].is_object());
    FUZZ_CHECK(json["error"].contains("code") && json["error"]["code"].is_string());
    FUZZ_CHECK(json["error"].contains("message") && json["error"]["message"].is_string());
  }
  return 0;
}
