// Faults between the tiers of the reference system, end to end: the five
// services as processes on free ports, a FaultProxy in front of each upstream
// (BFF -> VAS, VAS -> TrackMetadata, VAS -> Users, VAS -> Likes), and the app's
// feed requests through the BFF. Each test puts one fault on one pair, checks
// what the app sees within the caller's timeout plus slack
// (docs/domain-rules.md, "Faults between tiers"), clears the fault, checks
// that the full feed comes back, and that every process is still alive.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "fault_proxy.h"
#include "process/child_process.h"
#include "raw_http_client.h"
#include "seed/seed.h"
#include "temp_dir.h"

namespace seed = foundation::seed;
using domain::ChildProcess;
using domain_test::Fault;
using domain_test::FaultProxy;
using domain_test::TempDir;
using nlohmann::json;
using twirp::testing::BuildRequest;
using twirp::testing::HttpResponse;
using twirp::testing::RoundTrip;
using namespace std::chrono_literals;

namespace {

// Short, so that the suite is quick; the BFF's covers the VAS's plus its work.
constexpr auto kVasUpstreamTimeout = 500ms;
constexpr auto kBffUpstreamTimeout = 2000ms;
// Below the VAS's timeout even with every chunk of a call held (a call is a
// few chunks each way), and far above either timeout.
constexpr auto kShortDelay = 40ms;
constexpr auto kLongDelay = 3000ms;
// What a caller may take beyond its timeout to answer (loaded CI, sanitizers).
constexpr auto kSlack = 1500ms;
// How long a caller may take to serve the full feed again once the fault is
// gone (a circuit breaker may stay open about a second).
constexpr auto kRecovery = 5s;

const std::string kBob = "Authorization: Bearer " + std::string(seed::kDemoUsers[1].token);
const std::string kFeed = "/mobile/v1/tracks?ids=1,5,6";

std::uint16_t ListeningPort(ChildProcess& process, const std::string& name) {
  while (true) {
    auto line = process.ReadLine(30s);
    REQUIRE(line);
    const std::string prefix = name + " listening on ";
    if (line->starts_with(prefix)) {
      return static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
    }
  }
}

std::string Ms(std::chrono::milliseconds ms) { return std::to_string(ms.count()); }

// The reference system with a proxy in front of every upstream the VAS and the
// BFF call (the BFF's sign-in calls to Users go direct).
class Tiers {
 public:
  Tiers() {
    const std::string data = dir_.File("data");
    const auto foundation = [&](const char* binary) {
      return std::vector<std::string>{binary,       "--listen", "127.0.0.1:0",
                                      "--data-dir", data,       "--seed"};
    };
    users_.emplace(foundation(FOUNDATION_USERS_BIN));
    const std::uint16_t users_port = ListeningPort(*users_, "foundation-users");
    tracks_.emplace(foundation(FOUNDATION_TRACKS_BIN));
    const std::uint16_t tracks_port = ListeningPort(*tracks_, "foundation-tracks");
    likes_.emplace(foundation(FOUNDATION_LIKES_BIN));
    const std::uint16_t likes_port = ListeningPort(*likes_, "foundation-likes");
    to_track_metadata_.emplace(tracks_port);
    to_users_.emplace(users_port);
    to_likes_.emplace(likes_port);
    vas_.emplace(std::vector<std::string>{
        VAS_TRACKS_BIN, "--listen", "127.0.0.1:0", "--track-metadata-url",
        to_track_metadata_->url(), "--likes-url", to_likes_->url(), "--users-url", to_users_->url(),
        "--upstream-timeout-ms", Ms(kVasUpstreamTimeout), "--shutdown-grace-ms", "2000"});
    to_vas_.emplace(ListeningPort(*vas_, "vas-tracks"));
    bff_.emplace(std::vector<std::string>{
        MOBILE_BFF_BIN, "--listen", "127.0.0.1:0", "--tracks-url", to_vas_->url(), "--users-url",
        "http://127.0.0.1:" + std::to_string(users_port), "--upstream-timeout-ms",
        Ms(kBffUpstreamTimeout), "--shutdown-grace-ms", "2000",
        // The tests poll for recovery: no rate limit may answer in its place.
        "--rate-limit-token", "0", "--rate-limit-address", "0"});
    app_port_ = ListeningPort(*bff_, "mobile-bff");
  }

  FaultProxy& bff_to_vas() { return *to_vas_; }
  FaultProxy& vas_to_track_metadata() { return *to_track_metadata_; }
  FaultProxy& vas_to_users() { return *to_users_; }
  FaultProxy& vas_to_likes() { return *to_likes_; }

  // The feed, as Bob (signed in) or anonymously; its status and how long it took.
  struct Timed {
    HttpResponse response;
    std::chrono::milliseconds took;
  };
  Timed Feed(bool signed_in) const {
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::string> headers;
    if (signed_in) headers.push_back(kBob);
    auto response = RoundTrip(app_port_, BuildRequest("GET", kFeed, headers, ""));
    REQUIRE(response);
    return {*response, std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - start)};
  }

  // Every process still running, then stopped cleanly, callers first.
  void CheckAllAliveAndStop() {
    for (auto* process : {&bff_, &vas_, &likes_, &tracks_, &users_}) {
      CHECK_FALSE((*process)->Reap());
    }
    for (auto* process : {&bff_, &vas_, &likes_, &tracks_, &users_}) {
      CHECK((*process)->Stop(10s) == 0);
    }
  }

 private:
  TempDir dir_;
  std::optional<ChildProcess> users_, tracks_, likes_, vas_, bff_;
  std::optional<FaultProxy> to_track_metadata_, to_users_, to_likes_, to_vas_;
  std::uint16_t app_port_ = 0;
};

// A complete card: nothing left out.
bool FullFeed(const HttpResponse& response) {
  if (response.status != 200 || response.Header("X-Degraded")) return false;
  const json body = json::parse(response.body, nullptr, false);
  if (body.is_discarded() || body.contains("degraded") || body.at("cards").empty()) return false;
  return std::ranges::all_of(body.at("cards"), [](const json& card) {
    return card.contains("likesCount") && !card.value("artistUsername", "").empty();
  });
}

// 200, marked degraded by `part` ("likes", "users"), the part left out of
// every card and the rest there.
void CheckDegraded(const Tiers::Timed& feed, const std::string& part,
                   std::chrono::milliseconds limit) {
  INFO(feed.response.body);
  REQUIRE(feed.response.status == 200);
  CHECK(feed.took < limit);
  CHECK(feed.response.Header("X-Degraded") == part);
  const json body = json::parse(feed.response.body);
  CHECK(body.at("degraded") == json::array({part}));
  REQUIRE_FALSE(body.at("cards").empty());
  for (const json& card : body.at("cards")) {
    CHECK(card.at("title").is_string());
    if (part == "likes") {
      CHECK_FALSE(card.contains("likesCount"));
      CHECK_FALSE(card.value("artistUsername", "").empty());
    } else {
      CHECK(card.value("artistUsername", "").empty());
      CHECK(card.contains("likesCount"));
    }
  }
}

// A clean 503 or 504: the app's JSON error, nothing about the inside.
void CheckCleanError(const Tiers::Timed& feed, std::chrono::milliseconds limit) {
  INFO(feed.response.body);
  CHECK((feed.response.status == 503 || feed.response.status == 504));
  CHECK(feed.took < limit);
  const json body = json::parse(feed.response.body, nullptr, false);
  REQUIRE_FALSE(body.is_discarded());
  const std::string code = body.at("error").at("code");
  CHECK(code == (feed.response.status == 503 ? "unavailable" : "deadline_exceeded"));
  CHECK(feed.response.body.find("127.0.0.1") == std::string::npos);
  CHECK(feed.response.body.find("localhost") == std::string::npos);
}

// The fault cleared: the full feed, signed in and anonymous, within kRecovery.
void CheckRecovers(Tiers& tiers, FaultProxy& proxy) {
  proxy.Set(Fault::Pass());
  const auto deadline = std::chrono::steady_clock::now() + kRecovery;
  bool recovered = false;
  while (!recovered && std::chrono::steady_clock::now() < deadline) {
    recovered = FullFeed(tiers.Feed(true).response) && FullFeed(tiers.Feed(false).response);
    if (!recovered) std::this_thread::sleep_for(50ms);
  }
  CHECK(recovered);
}

// A fault that, on a required upstream, the app sees as 503 or 504 within
// `timeout` plus slack, for either viewer unless `anonymous_too` is false.
void RequiredFault(FaultProxy& (Tiers::*pair)(), const Fault& fault,
                   std::chrono::milliseconds timeout) {
  Tiers tiers;
  REQUIRE(FullFeed(tiers.Feed(true).response));
  FaultProxy& proxy = (tiers.*pair)();
  proxy.Set(fault);
  CheckCleanError(tiers.Feed(true), timeout + kSlack);
  CheckCleanError(tiers.Feed(false), timeout + kSlack);
  CheckRecovers(tiers, proxy);
  tiers.CheckAllAliveAndStop();
}

// A fault that a caller below its timeout does not notice.
void UnnoticedFault(FaultProxy& (Tiers::*pair)(), const Fault& fault) {
  Tiers tiers;
  FaultProxy& proxy = (tiers.*pair)();
  proxy.Set(fault);
  for (const bool signed_in : {true, false}) {
    const Tiers::Timed feed = tiers.Feed(signed_in);
    INFO(feed.response.body);
    CHECK(FullFeed(feed.response));
    CHECK(feed.took < kVasUpstreamTimeout + kSlack);
  }
  CheckRecovers(tiers, proxy);
  tiers.CheckAllAliveAndStop();
}

}  // namespace

// BFF -> VAS: the VAS is required; every fault is a 503 or 504.

TEST_CASE("BFF to VAS: a reset mid-request is a clean 503 and the feed recovers", "[domain]") {
  RequiredFault(&Tiers::bff_to_vas, Fault::ResetAfter(16), kBffUpstreamTimeout);
}

TEST_CASE("BFF to VAS: a reset mid-answer is a clean 503 and the feed recovers", "[domain]") {
  RequiredFault(&Tiers::bff_to_vas, Fault::ResetAfter(20, Fault::Counting::kFromTarget),
                kBffUpstreamTimeout);
}

TEST_CASE("BFF to VAS: a delay below the timeout goes unnoticed", "[domain]") {
  UnnoticedFault(&Tiers::bff_to_vas, Fault::Delay(kShortDelay));
}

TEST_CASE("BFF to VAS: a delay above the timeout is a clean 504 and the feed recovers",
          "[domain]") {
  RequiredFault(&Tiers::bff_to_vas, Fault::Delay(kLongDelay), kBffUpstreamTimeout);
}

TEST_CASE("BFF to VAS: a black-hole is a clean 504 and the feed recovers", "[domain]") {
  RequiredFault(&Tiers::bff_to_vas, Fault::BlackHole(), kBffUpstreamTimeout);
}

TEST_CASE("BFF to VAS: refused connections are a clean 503 and the feed recovers", "[domain]") {
  RequiredFault(&Tiers::bff_to_vas, Fault::Refuse(), kBffUpstreamTimeout);
}

// VAS -> TrackMetadata: required; the VAS answers unavailable or
// deadline_exceeded, and the BFF passes that on.

TEST_CASE("VAS to TrackMetadata: a reset mid-request is a clean 503 and the feed recovers",
          "[domain]") {
  RequiredFault(&Tiers::vas_to_track_metadata, Fault::ResetAfter(16), kVasUpstreamTimeout);
}

TEST_CASE("VAS to TrackMetadata: a reset mid-answer is a clean 503 and the feed recovers",
          "[domain]") {
  RequiredFault(&Tiers::vas_to_track_metadata, Fault::ResetAfter(20, Fault::Counting::kFromTarget),
                kVasUpstreamTimeout);
}

TEST_CASE("VAS to TrackMetadata: a delay below the timeout goes unnoticed", "[domain]") {
  UnnoticedFault(&Tiers::vas_to_track_metadata, Fault::Delay(kShortDelay));
}

TEST_CASE("VAS to TrackMetadata: a delay above the timeout is a clean 504 and the feed recovers",
          "[domain]") {
  RequiredFault(&Tiers::vas_to_track_metadata, Fault::Delay(kLongDelay), kVasUpstreamTimeout);
}

TEST_CASE("VAS to TrackMetadata: a black-hole is a clean 504 and the feed recovers", "[domain]") {
  RequiredFault(&Tiers::vas_to_track_metadata, Fault::BlackHole(), kVasUpstreamTimeout);
}

// VAS -> Likes: optional; the feed is 200 without likes counts, degraded.

namespace {

void LikesFault(const Fault& fault) {
  Tiers tiers;
  tiers.vas_to_likes().Set(fault);
  CheckDegraded(tiers.Feed(true), "likes", kVasUpstreamTimeout + kSlack);
  CheckDegraded(tiers.Feed(false), "likes", kVasUpstreamTimeout + kSlack);
  CheckRecovers(tiers, tiers.vas_to_likes());
  tiers.CheckAllAliveAndStop();
}

// VAS -> Users: the artist profiles are optional, so an anonymous feed is
// degraded; for a signed-in viewer Users also answers the block rule, which is
// required: 503 or 504.
void UsersFault(const Fault& fault) {
  Tiers tiers;
  tiers.vas_to_users().Set(fault);
  CheckDegraded(tiers.Feed(false), "users", kVasUpstreamTimeout + kSlack);
  CheckCleanError(tiers.Feed(true), kVasUpstreamTimeout + kSlack);
  CheckRecovers(tiers, tiers.vas_to_users());
  tiers.CheckAllAliveAndStop();
}

}  // namespace

TEST_CASE("VAS to Likes: a reset mid-request degrades the feed and it recovers", "[domain]") {
  LikesFault(Fault::ResetAfter(16));
}

TEST_CASE("VAS to Likes: a reset mid-answer degrades the feed and it recovers", "[domain]") {
  LikesFault(Fault::ResetAfter(20, Fault::Counting::kFromTarget));
}

TEST_CASE("VAS to Likes: a delay below the timeout goes unnoticed", "[domain]") {
  UnnoticedFault(&Tiers::vas_to_likes, Fault::Delay(kShortDelay));
}

TEST_CASE("VAS to Likes: a delay above the timeout degrades the feed and it recovers", "[domain]") {
  LikesFault(Fault::Delay(kLongDelay));
}

TEST_CASE("VAS to Likes: a black-hole degrades the feed and it recovers", "[domain]") {
  LikesFault(Fault::BlackHole());
}

TEST_CASE(
    "VAS to Users: a reset mid-request degrades the anonymous feed and fails the signed-in one",
    "[domain]") {
  UsersFault(Fault::ResetAfter(16));
}

TEST_CASE(
    "VAS to Users: a reset mid-answer degrades the anonymous feed and fails the signed-in one",
    "[domain]") {
  UsersFault(Fault::ResetAfter(20, Fault::Counting::kFromTarget));
}

TEST_CASE("VAS to Users: a delay below the timeout goes unnoticed", "[domain]") {
  UnnoticedFault(&Tiers::vas_to_users, Fault::Delay(kShortDelay));
}

TEST_CASE(
    "VAS to Users: a delay above the timeout degrades the anonymous feed and fails the signed-in one",
    "[domain]") {
  UsersFault(Fault::Delay(kLongDelay));
}

TEST_CASE("VAS to Users: a black-hole degrades the anonymous feed and fails the signed-in one",
          "[domain]") {
  UsersFault(Fault::BlackHole());
}
