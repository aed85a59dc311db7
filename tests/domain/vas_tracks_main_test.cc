// The vas-tracks executable as the launcher runs it, in front of the three
// foundation executables: --listen on port 0 (the chosen port printed), the
// upstream URL flags, /metrics, and a clean exit on SIGTERM.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "process/child_process.h"
#include "seed/seed.h"
#include "temp_dir.h"
#include "twirpcpp/client.h"
#include "vas/tracks/v1/tracks.twirp.h"

namespace seed = foundation::seed;
namespace v1 = vas::tracks::v1;
using domain::ChildProcess;
using domain_test::TempDir;
using namespace std::chrono_literals;

namespace {

// The base URL a service prints once it listens.
std::string BaseUrl(ChildProcess& process, const std::string& name) {
  auto line = process.ReadLine(30s);
  REQUIRE(line);
  const std::string marker = name + " listening on ";
  REQUIRE(line->starts_with(marker));
  return line->substr(marker.size());
}

// GET <path> on 127.0.0.1:<port> over a plain socket, bounded by a timeout.
std::string HttpGet(std::uint16_t port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  const std::string request =
      "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  REQUIRE(write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
  std::string response;
  char chunk[4096];
  ssize_t n = 0;
  while ((n = read(fd, chunk, sizeof chunk)) > 0) {
    response.append(chunk, static_cast<std::size_t>(n));
  }
  close(fd);
  return response;
}

}  // namespace

TEST_CASE(
    "vas-tracks serves the aggregate from the foundation executables, /metrics, exits 0 on SIGTERM") {
  TempDir dir;
  const auto foundation = [&](const char* binary) {
    return std::vector<std::string>{binary,           "--listen", "127.0.0.1:0",      "--data-dir",
                                    dir.File("data"), "--seed",   "--worker-threads", "1"};
  };
  ChildProcess tracks(foundation(FOUNDATION_TRACKS_BIN));
  ChildProcess likes(foundation(FOUNDATION_LIKES_BIN));
  ChildProcess users(foundation(FOUNDATION_USERS_BIN));
  const std::string tracks_url = BaseUrl(tracks, "foundation-tracks");
  const std::string likes_url = BaseUrl(likes, "foundation-likes");
  const std::string users_url = BaseUrl(users, "foundation-users");

  ChildProcess vas({VAS_TRACKS_BIN, "--listen", "127.0.0.1:0", "--track-metadata-url", tracks_url,
                    "--likes-url", likes_url, "--users-url", users_url, "--io-threads", "2"});
  const std::string vas_url = BaseUrl(vas, "vas-tracks");

  twirp::ClientOptions options;
  options.default_timeout = 10s;
  auto client = twirp::Client::Create(vas_url, std::move(options));
  REQUIRE(client.ok());
  v1::TracksClient tracks_client(std::move(client).value());
  v1::GetTracksRequest request;
  request.add_track_ids(seed::kPlainTrack);
  request.add_track_ids(seed::kPrivateTrack);
  auto response = tracks_client.GetTracksBlocking(request);
  REQUIRE(response.ok());
  REQUIRE(response->tracks_size() == 1);
  CHECK(response->tracks(0).id() == seed::kPlainTrack);
  CHECK(response->tracks(0).stats().likes_count() == seed::kPlainTrackLikes);
  CHECK(response->tracks(0).artist().username() != "");

  const auto port = static_cast<std::uint16_t>(std::stoi(vas_url.substr(vas_url.rfind(':') + 1)));
  const std::string metrics = HttpGet(port, "/metrics");
  CHECK(metrics.starts_with("HTTP/1.1 200"));
  CHECK(metrics.find("twirp_server_requests_total{service=\"vas.tracks.v1.Tracks\","
                     "method=\"GetTracks\",code=\"ok\"} 1") != std::string::npos);

  CHECK(vas.Stop(10s) == 0);
  CHECK(tracks.Stop(10s) == 0);
  CHECK(likes.Stop(10s) == 0);
  CHECK(users.Stop(10s) == 0);
}

TEST_CASE("vas-tracks refuses to start without its upstream URLs") {
  ChildProcess vas({VAS_TRACKS_BIN, "--listen", "127.0.0.1:0", "--likes-url", "127.0.0.1:1"});
  CHECK_FALSE(vas.ReadLine(10s));  // no "listening" line: it exits
  CHECK(vas.Stop(10s) == 2);
}
