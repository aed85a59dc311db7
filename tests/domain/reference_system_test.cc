// The reference system end to end, as the app sees it: `reference-system` (or,
// where a service must go down on its own, the five executables) on free ports
// with a fresh data dir, driven over HTTP through the mobile BFF. The upstream
// calls each request causes are read from the foundation services' /metrics.
#include <catch2/catch.hpp>

#include <dirent.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "process/child_process.h"
#include "raw_http_client.h"
#include "seed/seed.h"
#include "temp_dir.h"

namespace seed = foundation::seed;
using domain::ChildProcess;
using domain_test::TempDir;
using nlohmann::json;
using twirp::testing::BuildRequest;
using twirp::testing::HttpResponse;
using twirp::testing::RoundTrip;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view kUsers = "foundation.users.v1.Users";
constexpr std::string_view kTrackMetadata = "foundation.tracks.v1.TrackMetadata";
constexpr std::string_view kLikes = "foundation.likes.v1.Likes";
constexpr std::string_view kTracksVas = "vas.tracks.v1.Tracks";

std::uint16_t PortOf(const std::string& url) {
  return static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
}

// Where each service listens, by executable name.
using Ports = std::map<std::string, std::uint16_t>;

// Reads "NAME listening on URL" lines until `last` (a line, or the service
// whose listening line ends the wait).
Ports ReadPorts(ChildProcess& process, const std::string& last) {
  Ports ports;
  while (true) {
    auto line = process.ReadLine(30s);
    REQUIRE(line);
    if (*line == last) return ports;
    const auto at = line->find(" listening on ");
    if (at != std::string::npos) {
      const std::string name = line->substr(0, at);
      ports[name] = PortOf(*line);
      if (name == last) return ports;
    }
  }
}

// The flags the tests start reference-system with unless they say otherwise:
// the test is the BFF's trusted edge proxy, so its X-Country counts.
const std::vector<std::string> kTrustTheTest = {"--trusted-proxies", "127.0.0.1"};

std::vector<std::string> Concat(std::vector<std::string> head,
                                const std::vector<std::string>& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

// reference-system on free ports (--base-port 0) over `data_dir`, with `flags`.
class ReferenceSystem {
 public:
  explicit ReferenceSystem(const std::string& data_dir,
                           const std::vector<std::string>& flags = kTrustTheTest)
      : process_(
            Concat({REFERENCE_SYSTEM_BIN, "--base-port", "0", "--data-dir", data_dir}, flags)) {
    ports_ = ReadPorts(process_, "reference-system ready");
    REQUIRE(ports_.size() == 6);
  }
  std::uint16_t port(const std::string& name) const { return ports_.at(name); }
  ChildProcess& process() { return process_; }
  // SIGTERM; the launcher's exit code.
  std::optional<int> Stop() { return process_.Stop(30s); }

 private:
  ChildProcess process_;
  Ports ports_;
};

// The app's view: requests to the mobile BFF.
struct App {
  std::uint16_t port;

  HttpResponse Send(std::string_view method, const std::string& target,
                    const std::vector<std::string>& headers = {}) const {
    auto response = RoundTrip(port, BuildRequest(method, target, headers, ""));
    REQUIRE(response);
    return *response;
  }
  HttpResponse Get(const std::string& target, const std::vector<std::string>& headers = {}) const {
    return Send("GET", target, headers);
  }
  // The ids of the cards a feed request shows.
  std::vector<std::int64_t> FeedIds(const std::string& ids,
                                    const std::vector<std::string>& headers = {}) const {
    const HttpResponse response = Get("/mobile/v1/tracks?ids=" + ids, headers);
    REQUIRE(response.status == 200);
    std::vector<std::int64_t> out;
    const json body = json::parse(response.body);
    for (const json& card : body.at("cards")) out.push_back(card.at("id"));
    return out;
  }
  int ScreenStatus(std::int64_t track, const std::vector<std::string>& headers = {}) const {
    return Get("/mobile/v1/tracks/" + std::to_string(track), headers).status;
  }
};

std::string Bearer(std::string_view token) { return "Authorization: Bearer " + std::string(token); }
const std::string kAlice = Bearer(seed::kDemoUsers[0].token);
const std::string kBob = Bearer(seed::kDemoUsers[1].token);

// Requests per (service, method) a foundation service has answered, whatever
// their outcome, from its /metrics.
class CallCounts {
 public:
  using Counts = std::map<std::pair<std::string, std::string>, std::uint64_t>;

  explicit CallCounts(std::vector<std::uint16_t> ports) : ports_(std::move(ports)) {}

  Counts Scrape() const {
    Counts counts;
    for (std::uint16_t port : ports_) {
      auto response = RoundTrip(port, BuildRequest("GET", "/metrics", {}, ""));
      REQUIRE(response);
      REQUIRE(response->status == 200);
      std::istringstream lines(response->body);
      std::string line;
      while (std::getline(lines, line)) {
        if (!line.starts_with("twirp_server_requests_total{service=\"")) continue;
        const auto service_end = line.find('"', 37);
        const std::string service = line.substr(37, service_end - 37);
        const auto method_start = line.find("method=\"") + 8;
        const std::string method =
            line.substr(method_start, line.find('"', method_start) - method_start);
        counts[{service, method}] += std::stoull(line.substr(line.rfind(' ') + 1));
      }
    }
    return counts;
  }

  // The calls made while `request` ran.
  template <class F>
  Counts During(F&& request) const {
    const Counts before = Scrape();
    request();
    Counts delta = Scrape();
    for (auto& [key, count] : delta) {
      const auto it = before.find(key);
      if (it != before.end()) count -= it->second;
    }
    return delta;
  }

 private:
  std::vector<std::uint16_t> ports_;
};

std::uint64_t Of(const CallCounts::Counts& counts, std::string_view service,
                 std::string_view method) {
  const auto it = counts.find({std::string(service), std::string(method)});
  return it == counts.end() ? 0 : it->second;
}

CallCounts FoundationCounts(const ReferenceSystem& system) {
  return CallCounts({system.port("foundation-users"), system.port("foundation-tracks"),
                     system.port("foundation-likes")});
}

// The child of `parent` running `binary_name`, from /proc.
std::optional<pid_t> ChildPid(pid_t parent, const std::string& binary_name) {
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return std::nullopt;
  std::optional<pid_t> found;
  while (dirent* entry = readdir(proc)) {
    const std::string pid = entry->d_name;
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat("/proc/" + pid + "/stat");
    std::string text;
    std::getline(stat, text);
    const auto paren = text.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream fields(text.substr(paren + 2));
    char state;
    pid_t ppid = 0;
    fields >> state >> ppid;
    if (ppid != parent) continue;
    std::ifstream cmdline("/proc/" + pid + "/cmdline");
    std::string argv0;
    std::getline(cmdline, argv0, '\0');
    if (argv0.ends_with("/" + binary_name)) {
      found = std::stoi(pid);
      break;
    }
  }
  closedir(proc);
  return found;
}

// The five services one by one rather than through the launcher, so that one of
// them can be stopped or paused on its own. Every flag at its default but the
// BFF's rate limits, off as for any test that polls.
class SeparateServices {
 public:
  explicit SeparateServices(const std::string& data)
      : users_(Foundation(FOUNDATION_USERS_BIN, data)),
        tracks_(Foundation(FOUNDATION_TRACKS_BIN, data)),
        likes_(Foundation(FOUNDATION_LIKES_BIN, data)),
        users_url_(UrlOf(users_, "foundation-users")),
        vas_({VAS_TRACKS_BIN, "--listen", "127.0.0.1:0", "--track-metadata-url",
              UrlOf(tracks_, "foundation-tracks"), "--likes-url", UrlOf(likes_, "foundation-likes"),
              "--users-url", users_url_}),
        bff_({MOBILE_BFF_BIN, "--listen", "127.0.0.1:0", "--tracks-url", UrlOf(vas_, "vas-tracks"),
              "--users-url", users_url_, "--rate-limit-token", "0", "--rate-limit-address", "0"}),
        app_{ReadPorts(bff_, "mobile-bff").at("mobile-bff")} {}

  const App& app() const { return app_; }
  ChildProcess& likes() { return likes_; }

  // Stops them all, the callers first; each must exit cleanly.
  void Stop() {
    CHECK(bff_.Stop(10s) == 0);
    CHECK(vas_.Stop(10s) == 0);
    for (ChildProcess* foundation : {&likes_, &tracks_, &users_}) {
      if (foundation->running()) CHECK(foundation->Stop(10s) == 0);
    }
  }

 private:
  static std::vector<std::string> Foundation(const char* binary, const std::string& data) {
    return {binary, "--listen", "127.0.0.1:0", "--data-dir", data, "--seed"};
  }
  static std::string UrlOf(ChildProcess& process, const std::string& name) {
    return "http://127.0.0.1:" + std::to_string(ReadPorts(process, name).at(name));
  }

  ChildProcess users_;
  ChildProcess tracks_;
  ChildProcess likes_;
  std::string users_url_;
  ChildProcess vas_;
  ChildProcess bff_;
  App app_;
};

// SIGSTOP until it goes out of scope or Resume(): a hung service, whose port
// still accepts connections but answers nothing. SIGCONT on every exit path, so
// that a failing check never leaves a stopped process behind.
class Paused {
 public:
  explicit Paused(const ChildProcess& process) : process_(process) { process_.Signal(SIGSTOP); }
  ~Paused() { Resume(); }
  Paused(const Paused&) = delete;
  Paused& operator=(const Paused&) = delete;

  void Resume() {
    if (paused_) process_.Signal(SIGCONT);
    paused_ = false;
  }

 private:
  const ChildProcess& process_;
  bool paused_ = true;
};

// GET `path` from 127.0.0.1:port: its status and body, or nullopt.
std::optional<HttpResponse> GetFrom(std::uint16_t port, const std::string& path) {
  return RoundTrip(port, BuildRequest("GET", path, {}, ""));
}

// Asks GET /readyz until it answers `status` (a probe's result is reused for
// about a second, so a change shows within a few); the last answer.
HttpResponse WaitForReadyz(std::uint16_t port, int status) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (true) {
    auto response = GetFrom(port, "/readyz");
    REQUIRE(response);
    if (response->status == status || std::chrono::steady_clock::now() > deadline) {
      return *response;
    }
    std::this_thread::sleep_for(50ms);
  }
}

std::string Join(const std::vector<long long>& values) {
  std::string out;
  for (long long value : values) out += (out.empty() ? "" : " ") + std::to_string(value);
  return out;
}

}  // namespace

TEST_CASE(
    "Feed cards fetch only what a card shows: Likes.CountLikes, Users.GetUsers, no viewer state",
    "[domain]") {
  TempDir dir;
  ReferenceSystem system(dir.File("data"));
  const App app{system.port("mobile-bff")};
  const CallCounts calls = FoundationCounts(system);

  HttpResponse feed;
  auto anonymous = calls.During([&] { feed = app.Get("/mobile/v1/tracks?ids=1,5,6,7"); });
  REQUIRE(feed.status == 200);
  CHECK(feed.Header("Content-Type") == "application/json");
  const json cards = json::parse(feed.body).at("cards");
  REQUIRE(cards.size() == 4);
  for (const json& card : cards) {
    std::set<std::string> keys;
    for (const auto& [key, value] : card.items()) keys.insert(key);
    CHECK(keys ==
          std::set<std::string>{"id", "title", "artworkUrl", "artistUsername", "likesCount"});
  }
  CHECK(cards[0].at("id") == seed::kPlainTrack);
  CHECK(cards[0].at("likesCount") == seed::kPlainTrackLikes);
  CHECK(Of(anonymous, kTrackMetadata, "GetTracks") == 1);
  CHECK(Of(anonymous, kUsers, "GetUsers") == 1);
  CHECK(Of(anonymous, kLikes, "CountLikes") == 1);
  CHECK(Of(anonymous, kLikes, "GetLikedTracks") == 0);
  CHECK(Of(anonymous, kUsers, "FindBlockers") == 0);
  CHECK(Of(anonymous, kUsers, "Authenticate") == 0);

  // Signed in: one Authenticate (the BFF) and one FindBlockers (the VAS's block
  // rule), still no viewer state.
  auto signed_in = calls.During([&] { CHECK(app.FeedIds("1,5,6,7", {kBob}).size() == 4); });
  CHECK(Of(signed_in, kUsers, "Authenticate") == 1);
  CHECK(Of(signed_in, kUsers, "FindBlockers") == 1);
  CHECK(Of(signed_in, kUsers, "GetUsers") == 1);
  CHECK(Of(signed_in, kLikes, "CountLikes") == 1);
  CHECK(Of(signed_in, kLikes, "GetLikedTracks") == 0);

  // The track screen wants everything, viewer state included.
  HttpResponse screen;
  auto full = calls.During([&] { screen = app.Get("/mobile/v1/tracks/1", {kAlice}); });
  REQUIRE(screen.status == 200);
  const json track = json::parse(screen.body).at("track");
  CHECK(track.at("title").is_string());
  CHECK(track.at("artist").at("displayName").is_string());
  CHECK(track.at("likesCount") == seed::kPlainTrackLikes);
  CHECK(track.at("likedByViewer") == true);  // alice likes track 1
  CHECK(track.at("downloadable") == true);
  CHECK(Of(full, kLikes, "GetLikedTracks") == 1);
  CHECK(Of(full, kLikes, "CountLikes") == 1);

  // Too many ids: refused before any upstream call.
  std::string ids = "1";
  for (int i = 2; i <= 101; ++i) ids += "," + std::to_string(i);
  HttpResponse too_many;
  auto refused = calls.During([&] { too_many = app.Get("/mobile/v1/tracks?ids=" + ids); });
  CHECK(too_many.status == 400);
  CHECK(json::parse(too_many.body).at("error").at("code") == "invalid_argument");
  CHECK(Of(refused, kTrackMetadata, "GetTracks") == 0);
  CHECK(app.Get("/mobile/v1/tracks?ids=1,x").status == 400);
  CHECK(system.Stop() == 0);
}

TEST_CASE("A title and artwork mask sent to the Tracks VAS calls neither Likes nor Users",
          "[domain]") {
  // What a lighter card than the app's (which shows likes) costs: the mask alone
  // decides the fanout. Sent as a Twirp JSON client would, the mask in its proto3
  // JSON string form.
  TempDir dir;
  ReferenceSystem system(dir.File("data"));
  const CallCounts calls = FoundationCounts(system);
  HttpResponse response;
  auto counts = calls.During([&] {
    auto answered = RoundTrip(
        system.port("vas-tracks"),
        BuildRequest(
            "POST", "/twirp/vas.tracks.v1.Tracks/GetTracks", {"Content-Type: application/json"},
            R"({"track_ids":["1","5","6"],"field_mask":"tracks.id,tracks.title,tracks.artworkUrl"})"));
    REQUIRE(answered);
    response = *answered;
  });
  REQUIRE(response.status == 200);
  const json tracks = json::parse(response.body).at("tracks");
  REQUIRE(tracks.size() == 3);
  CHECK(tracks[0].at("title").get<std::string>() != "");
  CHECK(tracks[0].at("artist").is_null());  // trimmed: written as unset (§3.2)
  CHECK(Of(counts, kTrackMetadata, "GetTracks") == 1);
  for (const auto& [key, count] : counts) {
    if (key.first == kLikes || key.first == kUsers) {
      CHECK(count == 0);
    }
  }
  CHECK(system.Stop() == 0);
}

TEST_CASE("Access rules reach the app through the VAS: geoblock, private track, blocked artist",
          "[domain]") {
  TempDir dir;
  ReferenceSystem system(dir.File("data"));
  const App app{system.port("mobile-bff")};

  // Track 3 is blocked in DE only.
  CHECK(app.ScreenStatus(seed::kGeoblockedTrack, {"X-Country: DE"}) == 404);
  CHECK(app.ScreenStatus(seed::kGeoblockedTrack, {"X-Country: de"}) == 404);
  // The test is a trusted proxy (kTrustTheTest): its X-Country counts.
  CHECK(app.ScreenStatus(seed::kGeoblockedTrack, {"X-Country: FR"}) == 200);
  // No country is the strictest: blocked anywhere, hidden.
  CHECK(app.ScreenStatus(seed::kGeoblockedTrack) == 404);
  CHECK(app.FeedIds("1,3,5", {"X-Country: DE"}) == std::vector<std::int64_t>{1, 5});
  CHECK(app.ScreenStatus(seed::kGeoblockedTrack, {"X-Country: Germany"}) == 400);

  // Track 2 is private, by alice: hidden from bob and anonymous viewers unless
  // they have its share link.
  CHECK(app.ScreenStatus(seed::kPrivateTrack, {kAlice}) == 200);
  CHECK(app.ScreenStatus(seed::kPrivateTrack, {kBob}) == 404);
  CHECK(app.ScreenStatus(seed::kPrivateTrack) == 404);
  CHECK(app.Get("/mobile/v1/tracks/2?secret=" + seed::SecretToken(seed::kPrivateTrack), {kBob})
            .status == 200);
  CHECK(app.FeedIds("1,2", {kBob}) == std::vector<std::int64_t>{1});
  CHECK(app.FeedIds("1,2", {kAlice}) == std::vector<std::int64_t>{1, 2});

  // Track 4's artist has blocked bob.
  CHECK(app.ScreenStatus(seed::kBlockedArtistTrack, {kBob}) == 404);
  CHECK(app.ScreenStatus(seed::kBlockedArtistTrack, {kAlice}) == 200);
  CHECK(app.FeedIds("4,5", {kBob}) == std::vector<std::int64_t>{5});

  // Unknown ids, bad tokens, unknown routes.
  CHECK(app.ScreenStatus(seed::kTrackCount + 1) == 404);
  const HttpResponse bad_token = app.Get("/mobile/v1/tracks/1", {Bearer("not-a-token")});
  CHECK(bad_token.status == 401);
  CHECK(bad_token.Header("WWW-Authenticate") == "Bearer");
  CHECK(app.Get("/mobile/v1/nothing").status == 404);
  CHECK(app.Send("PUT", "/mobile/v1/tracks/1").status == 405);
  CHECK(system.Stop() == 0);
}

TEST_CASE(
    "The BFF reads the Bearer scheme and X-Country in any ASCII case, a byte over 127 as no letter",
    "[domain]") {
  TempDir dir;
  ReferenceSystem system(dir.File("data"));
  const App app{system.port("mobile-bff")};
  const std::string alice_token(seed::kDemoUsers[0].token);

  // Track 2 is alice's private track: 200 only when her token was read.
  CHECK(app.ScreenStatus(seed::kPrivateTrack, {"Authorization: bEARER " + alice_token}) == 200);
  // "B\xC9ARER" (an E with an accent in Latin-1) is not the scheme.
  const HttpResponse not_bearer = app.Get("/mobile/v1/tracks/2", {"Authorization: B\xC9"
                                                                  "ARER " +
                                                                  alice_token});
  CHECK(not_bearer.status == 401);
  CHECK(json::parse(not_bearer.body).at("error").at("code") == "unauthenticated");

  // Track 13 is blocked in US and CA.
  CHECK(app.ScreenStatus(seed::kGeoblockedUsCaTrack, {"X-Country: uS"}) == 404);
  CHECK(app.ScreenStatus(seed::kGeoblockedUsCaTrack, {"X-Country: U\xD3"}) == 400);
  CHECK(app.ScreenStatus(seed::kGeoblockedUsCaTrack, {"X-Country: \xE4\xE4"}) == 400);
  CHECK(system.Stop() == 0);
}

TEST_CASE("A like on a track the viewer may not see is refused with 404 and never reaches Likes",
          "[domain]") {
  TempDir dir;
  ReferenceSystem system(dir.File("data"));
  const App app{system.port("mobile-bff")};
  const CallCounts calls = FoundationCounts(system);

  auto refused = calls.During([&] {
    CHECK(app.Send("POST", "/mobile/v1/tracks/4/like", {kBob}).status == 404);  // blocked artist
    CHECK(app.Send("POST", "/mobile/v1/tracks/2/like", {kBob}).status == 404);  // private
    CHECK(app.Send("POST", "/mobile/v1/tracks/3/like", {kBob, "X-Country: DE"}).status == 404);
    CHECK(app.Send("DELETE", "/mobile/v1/tracks/4/like", {kBob}).status == 404);
    const HttpResponse anonymous = app.Send("POST", "/mobile/v1/tracks/1/like");
    CHECK(anonymous.status == 401);
    CHECK(json::parse(anonymous.body).at("error").at("code") == "unauthenticated");
  });
  CHECK(Of(refused, kLikes, "Like") == 0);
  CHECK(Of(refused, kLikes, "Unlike") == 0);

  auto liked = calls.During([&] {
    const HttpResponse response = app.Send("POST", "/mobile/v1/tracks/5/like", {kBob});
    REQUIRE(response.status == 200);
    CHECK(json::parse(response.body) == json{{"trackId", 5}, {"liked", true}, {"changed", true}});
  });
  CHECK(Of(liked, kLikes, "Like") == 1);
  CHECK(system.Stop() == 0);
}

TEST_CASE("Likes survive a restart of the system on the same data dir", "[domain]") {
  TempDir dir;
  const auto likes_count = [](const App& app, std::int64_t track) -> json {
    const HttpResponse response = app.Get("/mobile/v1/tracks/" + std::to_string(track), {kBob});
    REQUIRE(response.status == 200);
    return json::parse(response.body).at("track");
  };
  {
    ReferenceSystem system(dir.File("data"));
    const App app{system.port("mobile-bff")};
    CHECK(likes_count(app, seed::kNotDownloadableTrack).at("likesCount") == 0);
    REQUIRE(app.Send("POST", "/mobile/v1/tracks/5/like", {kBob}).status == 200);
    // Liking again changes nothing.
    CHECK(json::parse(app.Send("POST", "/mobile/v1/tracks/5/like", {kBob}).body).at("changed") ==
          false);
    CHECK(system.Stop() == 0);
  }
  ReferenceSystem system(dir.File("data"));
  const App app{system.port("mobile-bff")};
  const json track = likes_count(app, seed::kNotDownloadableTrack);
  CHECK(track.at("likesCount") == 1);
  CHECK(track.at("likedByViewer") == true);
  // The seed was not written again over the existing databases: alice's likes too are as before.
  CHECK(likes_count(app, seed::kPlainTrack).at("likesCount") == seed::kPlainTrackLikes);
  const HttpResponse unlike = app.Send("DELETE", "/mobile/v1/tracks/5/like", {kBob});
  CHECK(unlike.status == 200);
  CHECK(json::parse(unlike.body).at("changed") == true);
  CHECK(likes_count(app, seed::kNotDownloadableTrack).at("likesCount") == 0);
  CHECK(system.Stop() == 0);
}

TEST_CASE("The launcher starts foundation-reposts with the foundation and seeds its reposts",
          "[domain]") {
  TempDir dir;
  ReferenceSystem system(dir.File("data"));
  const auto response =
      RoundTrip(system.port("foundation-reposts"),
                BuildRequest("POST", "/twirp/foundation.reposts.v1.Reposts/CountReposts",
                             {"Content-Type: application/json"}, R"({"trackIds":[1,5]})"));
  REQUIRE(response);
  REQUIRE(response->status == 200);
  // 64-bit integers are JSON strings (wire-protocol.md §3.4).
  const json counts = json::parse(response->body).at("counts");
  CHECK(counts.at("1") == std::to_string(seed::kPlainTrackReposts));
  CHECK(counts.at("5") == "0");
  CHECK(system.Stop() == 0);
}

TEST_CASE("With Likes down the feed renders without counts and a like is 503", "[domain]") {
  TempDir dir;
  SeparateServices system(dir.File("data"));
  const App& app = system.app();

  CHECK(json::parse(app.Get("/mobile/v1/tracks?ids=1").body).at("cards")[0].contains("likesCount"));
  REQUIRE(system.likes().Stop(10s) == 0);

  const HttpResponse feed = app.Get("/mobile/v1/tracks?ids=1,5,6", {kBob});
  REQUIRE(feed.status == 200);
  CHECK(feed.Header("X-Degraded") == "likes");
  const json body = json::parse(feed.body);
  CHECK(body.at("degraded") == json::array({"likes"}));
  REQUIRE(body.at("cards").size() == 3);
  for (const json& card : body.at("cards")) {
    CHECK_FALSE(card.contains("likesCount"));
    CHECK(card.at("title").is_string());
    CHECK(card.at("artistUsername").is_string());
  }
  const HttpResponse screen = app.Get("/mobile/v1/tracks/1", {kBob});
  REQUIRE(screen.status == 200);
  CHECK_FALSE(json::parse(screen.body).at("track").contains("likesCount"));

  const HttpResponse like = app.Send("POST", "/mobile/v1/tracks/5/like", {kBob});
  CHECK(like.status == 503);
  CHECK(json::parse(like.body).at("error").at("code") == "unavailable");
  // Access rules still apply first: a hidden track stays 404, not 503.
  CHECK(app.Send("POST", "/mobile/v1/tracks/4/like", {kBob}).status == 404);

  system.Stop();
}

// The budgets of docs/domain-rules.md, "Deadlines, budgets and breakers", at
// their defaults: the VAS gives CountLikes 300 ms, and after 3 failures in a row
// its breaker for Likes stays open for 1 s.
TEST_CASE("With Likes hung the feed degrades within its budget and at once once the breaker opens",
          "[domain]") {
  constexpr auto kOptionalBudget = 300ms;
  constexpr auto kSlack = 300ms;
  constexpr int kBreakerFailures = 3;
  constexpr auto kOpenFeedBound = 50ms;
  constexpr int kFeeds = 10;
  TempDir dir;
  SeparateServices system(dir.File("data"));
  const App& app = system.app();
  const auto has_counts = [](const HttpResponse& feed) {
    return feed.status == 200 && json::parse(feed.body).at("cards")[0].contains("likesCount");
  };
  REQUIRE(has_counts(app.Get("/mobile/v1/tracks?ids=1,5,6", {kBob})));

  std::vector<long long> latencies_ms;
  {
    Paused hung(system.likes());
    for (int i = 0; i < kFeeds; ++i) {
      const auto start = std::chrono::steady_clock::now();
      const HttpResponse feed = app.Get("/mobile/v1/tracks?ids=1,5,6", {kBob});
      const auto took = std::chrono::steady_clock::now() - start;
      latencies_ms.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(took).count());
      INFO("feed " << i << " took " << latencies_ms.back() << " ms: " << feed.status << " "
                   << feed.body);
      REQUIRE(feed.status == 200);
      CHECK(feed.Header("X-Degraded") == "likes");
      const json body = json::parse(feed.body);
      CHECK(body.at("degraded") == json::array({"likes"}));
      REQUIRE(body.at("cards").size() == 3);
      for (const json& card : body.at("cards")) {
        CHECK_FALSE(card.contains("likesCount"));
        CHECK(card.at("artistUsername").is_string());
      }
      CHECK(took < kOptionalBudget + kSlack);
      if (i >= kBreakerFailures) CHECK(took < kOpenFeedBound);
    }
    std::cout << "Likes hung: feed latencies in ms, " << kBreakerFailures
              << " until the breaker opens, then open: " << Join(latencies_ms) << "\n";

    // Back after the open period: a probe finds Likes answering again.
    hung.Resume();
    const auto resumed = std::chrono::steady_clock::now();
    bool back = false;
    while (!back && std::chrono::steady_clock::now() - resumed < 10s) {
      back = has_counts(app.Get("/mobile/v1/tracks?ids=1,5,6", {kBob}));
      if (!back) std::this_thread::sleep_for(50ms);
    }
    CHECK(back);
  }
  system.Stop();
}

// docs/domain-rules.md, "Edge rules": only a trusted proxy says where a viewer
// is. Here no proxy is trusted (10.0.0.0/8 is not the test's address).
TEST_CASE("A forged or omitted X-Country never reveals a geoblocked track", "[domain]") {
  TempDir dir;
  ReferenceSystem system(dir.File("data"), {"--trusted-proxies", "10.0.0.0/8"});
  const App app{system.port("mobile-bff")};

  // Track 3 is blocked in DE, 13 in US and CA: claiming FR opens neither.
  for (const std::int64_t track : {seed::kGeoblockedTrack, seed::kGeoblockedUsCaTrack}) {
    CHECK(app.ScreenStatus(track) == 404);
    CHECK(app.ScreenStatus(track, {"X-Country: FR"}) == 404);
    CHECK(app.ScreenStatus(track, {kBob, "X-Country: FR"}) == 404);
  }
  CHECK(app.FeedIds("1,3,5,13", {"X-Country: FR"}) == std::vector<std::int64_t>{1, 5});
  CHECK(app.FeedIds("1,3,5,13", {kAlice, "x-country: fr"}) == std::vector<std::int64_t>{1, 5});
  // Dropped silently: not even a malformed one is looked at.
  CHECK(app.ScreenStatus(seed::kPlainTrack, {"X-Country: Germany"}) == 200);
  CHECK(system.Stop() == 0);
}

TEST_CASE("Cache-Control is public for anonymous reads and private for the rest", "[domain]") {
  TempDir dir;
  ReferenceSystem system(dir.File("data"));
  const App app{system.port("mobile-bff")};

  CHECK(app.Get("/mobile/v1/tracks?ids=1,5").Header("Cache-Control") == "public, max-age=30");
  CHECK(app.Get("/mobile/v1/tracks/1").Header("Cache-Control") == "public, max-age=30");
  // Anything that depends on who asks: signed in, a country, a share secret.
  CHECK(app.Get("/mobile/v1/tracks/1", {kBob}).Header("Cache-Control") == "private, no-store");
  CHECK(app.Get("/mobile/v1/tracks?ids=1", {"X-Country: FR"}).Header("Cache-Control") ==
        "private, no-store");
  CHECK(app.Get("/mobile/v1/tracks/2?secret=" + seed::SecretToken(seed::kPrivateTrack))
            .Header("Cache-Control") == "private, no-store");
  CHECK(app.Send("POST", "/mobile/v1/tracks/5/like", {kBob}).Header("Cache-Control") ==
        "private, no-store");
  // Errors are never stored.
  CHECK(app.Get("/mobile/v1/tracks/2").Header("Cache-Control") == "no-store");
  CHECK(app.Get("/mobile/v1/tracks?ids=x").Header("Cache-Control") == "no-store");
  CHECK(system.Stop() == 0);
}

TEST_CASE("Over a rate limit the BFF answers 429 with Retry-After and calls no upstream",
          "[domain]") {
  TempDir dir;
  ReferenceSystem system(dir.File("data"), {"--rate-limit-token", "1:3", "--rate-limit-address",
                                            "0", "--rate-limit-signin", "2"});
  const App app{system.port("mobile-bff")};
  const CallCounts calls({system.port("vas-tracks"), system.port("foundation-users")});

  for (int i = 0; i < 3; ++i) CHECK(app.Get("/mobile/v1/tracks?ids=1", {kBob}).status == 200);
  HttpResponse limited;
  auto during = calls.During([&] { limited = app.Get("/mobile/v1/tracks?ids=1", {kBob}); });
  CHECK(limited.status == 429);
  CHECK(limited.Header("Retry-After") == "1");
  CHECK(json::parse(limited.body).at("error").at("code") == "resource_exhausted");
  CHECK(Of(during, kTracksVas, "GetTracks") == 0);
  CHECK(Of(during, kUsers, "Authenticate") == 0);
  // Another token has a bucket of its own.
  CHECK(app.Get("/mobile/v1/tracks?ids=1", {kAlice}).status == 200);

  // Failed sign-ins: two, then the address is refused before Users is asked.
  CHECK(app.Get("/mobile/v1/tracks/1", {Bearer("guess-1")}).status == 401);
  CHECK(app.Get("/mobile/v1/tracks/1", {Bearer("guess-2")}).status == 401);
  HttpResponse guessing;
  auto guess =
      calls.During([&] { guessing = app.Get("/mobile/v1/tracks/1", {Bearer("guess-3")}); });
  CHECK(guessing.status == 429);
  CHECK(guessing.Header("Retry-After").has_value());
  CHECK(Of(guess, kUsers, "Authenticate") == 0);
  CHECK(system.Stop() == 0);
}

TEST_CASE("A 503 body names no internal address and carries a request id found in the BFF's log",
          "[domain]") {
  // Nobody listens on the VAS's port: the BFF's call fails with a message
  // naming 127.0.0.1:PORT, which must stay in the log.
  const std::string nowhere = "http://127.0.0.1:1";
  ChildProcess bff(
      {MOBILE_BFF_BIN, "--listen", "127.0.0.1:0", "--tracks-url", nowhere, "--users-url", nowhere},
      {.capture_stderr = true});
  const App app{ReadPorts(bff, "mobile-bff").at("mobile-bff")};

  const HttpResponse failed = app.Get("/mobile/v1/tracks?ids=1");
  CHECK(failed.status == 503);
  CHECK(failed.body.find("127.0.0.1") == std::string::npos);
  const json error = json::parse(failed.body).at("error");
  CHECK(error.at("code") == "unavailable");
  const std::string request_id = error.at("requestId");
  CHECK(request_id.size() == 16);
  CHECK(failed.Header("X-Request-Id") == request_id);

  bff.Signal(SIGTERM);
  const ChildProcess::Outcome outcome = bff.Finish(10s);
  CHECK(outcome.exit_code == 0);
  const auto logged = outcome.err.find("request " + request_id + ": 503 unavailable: ");
  REQUIRE(logged != std::string::npos);
  // The log keeps what the app may not see: the upstream's own words.
  CHECK(outcome.err.find("127.0.0.1:1", logged) != std::string::npos);
}

TEST_CASE("With --fail-fast when a service dies the launcher stops the others and exits non-zero",
          "[domain]") {
  TempDir dir;
  ReferenceSystem system(dir.File("data"), {"--fail-fast"});
  const std::uint16_t bff_port = system.port("mobile-bff");
  const auto likes = ChildPid(system.process().pid(), "foundation-likes");
  REQUIRE(likes);
  REQUIRE(kill(*likes, SIGKILL) == 0);
  // The launcher notices on its own and exits: its stdout closes.
  while (system.process().ReadLine(30s)) {
  }
  const auto code = system.process().Stop(30s);
  REQUIRE(code);
  CHECK(*code != 0);
  // The BFF is gone with it.
  CHECK_FALSE(RoundTrip(bff_port, BuildRequest("GET", "/metrics", {}, "")));
}

TEST_CASE("Every process answers /healthz and /readyz on its announced port", "[domain]") {
  TempDir dir;
  ReferenceSystem system(dir.File("data"));
  for (const char* name :
       {"foundation-users", "foundation-tracks", "foundation-likes", "vas-tracks", "mobile-bff"}) {
    INFO(name);
    const auto healthz = GetFrom(system.port(name), "/healthz");
    REQUIRE(healthz);
    CHECK(healthz->status == 200);
    CHECK(json::parse(healthz->body) == json{{"status", "alive"}});
    // The launcher announced it only once ready.
    const auto readyz = GetFrom(system.port(name), "/readyz");
    REQUIRE(readyz);
    CHECK(readyz->status == 200);
    CHECK(json::parse(readyz->body) == json{{"status", "ready"}});
  }
  CHECK(system.Stop() == 0);
}

TEST_CASE("The VAS is not ready while TrackMetadata is down and ready again once it is back",
          "[domain]") {
  TempDir dir;
  const std::string data = dir.File("data");
  auto tracks = std::make_unique<ChildProcess>(std::vector<std::string>{
      FOUNDATION_TRACKS_BIN, "--listen", "127.0.0.1:0", "--data-dir", data, "--seed"});
  const std::uint16_t tracks_port = ReadPorts(*tracks, "foundation-tracks").at("foundation-tracks");
  const std::string tracks_url = "http://127.0.0.1:" + std::to_string(tracks_port);
  // Likes and Users are optional to the VAS: any URL will do for its readiness.
  ChildProcess vas({VAS_TRACKS_BIN, "--listen", "127.0.0.1:0", "--track-metadata-url", tracks_url,
                    "--likes-url", tracks_url, "--users-url", tracks_url});
  const std::uint16_t vas_port = ReadPorts(vas, "vas-tracks").at("vas-tracks");
  const std::string vas_url = "http://127.0.0.1:" + std::to_string(vas_port);
  ChildProcess bff({MOBILE_BFF_BIN, "--listen", "127.0.0.1:0", "--tracks-url", vas_url,
                    "--users-url", tracks_url});
  const std::uint16_t bff_port = ReadPorts(bff, "mobile-bff").at("mobile-bff");
  CHECK(WaitForReadyz(vas_port, 200).status == 200);
  CHECK(WaitForReadyz(bff_port, 200).status == 200);

  REQUIRE(tracks->Stop(10s) == 0);
  const HttpResponse down = WaitForReadyz(vas_port, 503);
  REQUIRE(down.status == 503);
  CHECK(json::parse(down.body) ==
        json{{"status", "not ready"}, {"reason", "upstream track_metadata unreachable"}});
  // Alive all the same, and its caller, which probes its /healthz, stays ready.
  CHECK(GetFrom(vas_port, "/healthz")->status == 200);
  CHECK(GetFrom(bff_port, "/readyz")->status == 200);

  tracks = std::make_unique<ChildProcess>(
      std::vector<std::string>{FOUNDATION_TRACKS_BIN, "--listen",
                               "127.0.0.1:" + std::to_string(tracks_port), "--data-dir", data});
  ReadPorts(*tracks, "foundation-tracks");
  CHECK(WaitForReadyz(vas_port, 200).status == 200);

  REQUIRE(vas.Stop(10s) == 0);
  const HttpResponse bff_down = WaitForReadyz(bff_port, 503);
  REQUIRE(bff_down.status == 503);
  CHECK(json::parse(bff_down.body).at("reason") == "upstream tracks unreachable");
  CHECK(bff.Stop(10s) == 0);
  CHECK(tracks->Stop(10s) == 0);
}

TEST_CASE(
    "When Likes is killed the launcher restarts it on its port while the feed keeps answering",
    "[domain]") {
  TempDir dir;
  ReferenceSystem system(dir.File("data"));
  const App app{system.port("mobile-bff")};
  const std::uint16_t likes_port = system.port("foundation-likes");
  const std::string feed = "/mobile/v1/tracks?ids=1,5,6";
  REQUIRE(json::parse(app.Get(feed).body).at("cards")[0].contains("likesCount"));

  // A steady feed load until stopped (a failing check stops it too, as the
  // jthread goes); Catch's macros stay on this thread.
  std::atomic<int> answered{0};
  std::atomic<int> failed{0};
  std::atomic<int> degraded{0};
  std::jthread load([&](const std::stop_token& stop) {
    while (!stop.stop_requested()) {
      const auto response = RoundTrip(app.port, BuildRequest("GET", feed, {}, ""));
      if (!response || response->status != 200) {
        ++failed;
      } else {
        ++answered;
        if (response->Header("X-Degraded") == "likes") ++degraded;
      }
      std::this_thread::sleep_for(5ms);
    }
  });

  const auto likes = ChildPid(system.process().pid(), "foundation-likes");
  REQUIRE(likes);
  REQUIRE(kill(*likes, SIGKILL) == 0);
  // Announced again on the same URL once it answers /readyz.
  const std::string announce =
      "foundation-likes listening on http://127.0.0.1:" + std::to_string(likes_port);
  while (true) {
    const auto line = system.process().ReadLine(30s);
    REQUIRE(line);
    if (*line == announce) break;
  }
  const auto restarted = ChildPid(system.process().pid(), "foundation-likes");
  REQUIRE(restarted);
  CHECK(*restarted != *likes);

  // Counts come back once the VAS's breaker for Likes lets a call through.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  bool counts = false;
  while (!counts && std::chrono::steady_clock::now() < deadline) {
    counts = json::parse(app.Get(feed).body).at("cards")[0].contains("likesCount");
    if (!counts) std::this_thread::sleep_for(50ms);
  }
  CHECK(counts);
  load.request_stop();
  load.join();
  CHECK(failed == 0);
  CHECK(answered > 0);
  CHECK(degraded > 0);
  // The launcher carries on, and stops cleanly.
  CHECK_FALSE(system.process().Reap());
  CHECK(system.Stop() == 0);
}
