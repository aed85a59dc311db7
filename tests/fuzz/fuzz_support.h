// What every fuzz target shares: the check that aborts (libFuzzer keeps the
// input as a crash), the Twirp error JSON every non-200 Twirp response must be,
// and hand-built routes over the test protos (as generated code builds them,
// tests/runtime/server_test_util.h), whose handlers never wait.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "twirpcpp/detail/unary_route.h"
#include "twirpcpp/error.h"
#include "twirpcpp/test/v1/tracks.pb.h"
#include "twirpcpp/test/v1/wire.pb.h"

#define FUZZ_CHECK(condition)                                                                   \
  do {                                                                                          \
    if (!(condition)) {                                                                         \
      std::fprintf(stderr, "fuzz check failed: %s at %s:%d\n", #condition, __FILE__, __LINE__); \
      std::abort();                                                                             \
    }                                                                                           \
  } while (0)

namespace twirp::fuzz {

inline bool ValidStatus(int status) { return status >= 100 && status <= 599; }

// A Twirp error body (docs/wire-protocol.md §4): a JSON object with a known
// "code" that is not "ok", a string "msg", and "meta" (if any) of strings.
inline void CheckTwirpErrorJson(std::string_view body) {
  const nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  FUZZ_CHECK(json.is_object());
  FUZZ_CHECK(json.contains("code") && json["code"].is_string());
  const auto code = ParseCode(json["code"].get<std::string>());
  FUZZ_CHECK(code.has_value());
  FUZZ_CHECK(json.contains("msg") && json["msg"].is_string());
  if (json.contains("meta")) {
    FUZZ_CHECK(json["meta"].is_object());
    for (const auto& [key, value] : json["meta"].items()) FUZZ_CHECK(value.is_string());
  }
}

using ::twirpcpp::test::v1::EchoRequest;
using ::twirpcpp::test::v1::EchoResponse;
using ::twirpcpp::test::v1::GetTracksRequest;
using ::twirpcpp::test::v1::GetTracksResponse;

inline constexpr std::string_view kEchoPath = "/twirp/twirpcpp.test.v1.Echo/Echo";
inline constexpr std::string_view kGetTracksPath = "/twirp/twirpcpp.test.v1.TrackService/GetTracks";

// Echo: "X-Echo: <text>" and the text back; throws for "throw"; fails with
// fail_with_code when set. Nothing: Empty to Empty.
inline detail::ServiceRoutes EchoRoutes() {
  using ::twirpcpp::test::v1::Empty;
  static constexpr detail::MethodNames kEcho{"twirpcpp.test.v1", "Echo", "Echo", "Echo", "Echo"};
  static constexpr detail::MethodNames kNothing{"twirpcpp.test.v1", "Echo", "Echo", "Nothing",
                                                "Nothing"};
  auto echo = [](Context& ctx, const EchoRequest& request) -> Awaitable<Result<EchoResponse>> {
    if (!request.text().empty()) (void)ctx.SetResponseHeader("X-Echo", request.text());
    if (request.text() == "throw") throw std::runtime_error("boom");
    if (!request.fail_with_code().empty()) {
      co_return Error(ParseCode(request.fail_with_code()).value_or(ErrorCode::kUnknown),
                      request.text());
    }
    EchoResponse response;
    response.set_text(request.text());
    if (request.has_payload()) *response.mutable_payload() = request.payload();
    co_return response;
  };
  return {
      .package = "twirpcpp.test.v1",
      .name = "Echo",
      .camel_name = "Echo",
      .methods =
          {
              detail::UnaryRoute<EchoRequest, EchoResponse>(kEcho, echo),
              detail::UnaryRoute<Empty, Empty>(
                  kNothing,
                  [](Context&, const Empty&) -> Awaitable<Result<Empty>> { co_return Empty(); }),
          },
  };
}

// TrackService.GetTracks with the response field mask of tracks.proto: one
// fully populated track per requested id (at most 8), trimmed by the server.
inline detail::ServiceRoutes TrackRoutes() {
  static constexpr detail::MethodNames kGetTracks{"twirpcpp.test.v1", "TrackService",
                                                  "TrackService", "GetTracks", "GetTracks"};
  auto get = [](Context&, const GetTracksRequest& request) -> Awaitable<Result<GetTracksResponse>> {
    GetTracksResponse response;
    for (int i = 0; i < request.ids_size() && i < 8; ++i) {
      auto* track = response.add_tracks();
      track->set_id(request.ids(i));
      track->set_title("title");
      track->mutable_artist()->set_username("artist");
      track->mutable_stats()->set_likes_count(3);
      track->add_transcodings()->set_url("https://cdn.invalid/t");
    }
    co_return response;
  };
  return {
      .package = "twirpcpp.test.v1",
      .name = "TrackService",
      .camel_name = "TrackService",
      .methods = {detail::UnaryRoute<GetTracksRequest, GetTracksResponse>(
          kGetTracks, get, {.field_mask = "field_mask"})},
  };
}

}  // namespace twirp::fuzz
