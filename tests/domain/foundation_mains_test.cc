// The foundation executables as the launcher runs them: --listen on port 0
// (the chosen port printed), --data-dir, --seed only for a new database, and a
// clean exit on SIGTERM.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "foundation/likes/v1/likes.twirp.h"
#include "foundation/reposts/v1/reposts.twirp.h"
#include "foundation/tracks/v1/track_metadata.twirp.h"
#include "foundation/users/v1/users.twirp.h"
#include "process/child_process.h"
#include "seed/seed.h"
#include "temp_dir.h"
#include "twirpcpp/client.h"

namespace seed = foundation::seed;
namespace likes_v1 = foundation::likes::v1;
using domain::ChildProcess;
using domain_test::TempDir;
using namespace std::chrono_literals;

namespace {

// Starts `binary` and returns a client for it once it says where it listens.
std::shared_ptr<twirp::Client> Start(ChildProcess& process, const std::string& name) {
  auto line = process.ReadLine(10s);
  REQUIRE(line);
  const std::string marker = name + " listening on ";
  REQUIRE(line->starts_with(marker));
  twirp::ClientOptions options;
  options.default_timeout = 10s;
  auto client = twirp::Client::Create(line->substr(marker.size()), std::move(options));
  REQUIRE(client.ok());
  return std::move(client).value();
}

std::int64_t CountLikes(likes_v1::LikesClient& client, std::int64_t track_id) {
  likes_v1::CountLikesRequest request;
  request.add_track_ids(track_id);
  auto response = client.CountLikesBlocking(request);
  REQUIRE(response.ok());
  return response->counts().at(track_id);
}

}  // namespace

TEST_CASE(
    "foundation-likes seeds a new database only, keeps data across restarts, exits 0 on SIGTERM") {
  TempDir dir;
  const std::vector<std::string> argv{FOUNDATION_LIKES_BIN, "--listen",       "127.0.0.1:0",
                                      "--data-dir",         dir.File("data"), "--seed"};
  {
    ChildProcess process(argv);
    likes_v1::LikesClient client(Start(process, "foundation-likes"));
    CHECK(CountLikes(client, seed::kPlainTrack) == seed::kPlainTrackLikes);
    likes_v1::UnlikeRequest unlike;
    unlike.set_user_id(seed::kAlice);
    unlike.set_track_id(seed::kPlainTrack);
    REQUIRE(client.UnlikeBlocking(unlike).ok());
    CHECK(process.Stop(10s) == 0);
  }
  // --seed again: the database is not new, so alice's unlike stays.
  ChildProcess process(argv);
  likes_v1::LikesClient client(Start(process, "foundation-likes"));
  CHECK(CountLikes(client, seed::kPlainTrack) == seed::kPlainTrackLikes - 1);
  CHECK(process.Stop(10s) == 0);
}

TEST_CASE("foundation-tracks and foundation-users serve the seed from their own databases") {
  TempDir dir;
  ChildProcess tracks({FOUNDATION_TRACKS_BIN, "--listen", "127.0.0.1:0", "--data-dir",
                       dir.File("data"), "--seed", "--worker-threads", "2"});
  ChildProcess users(
      {FOUNDATION_USERS_BIN, "--listen", "127.0.0.1:0", "--data-dir", dir.File("data"), "--seed"});
  foundation::tracks::v1::TrackMetadataClient tracks_client(Start(tracks, "foundation-tracks"));
  foundation::users::v1::UsersClient users_client(Start(users, "foundation-users"));

  foundation::tracks::v1::GetTracksRequest get_tracks;
  get_tracks.add_track_ids(seed::kTrackCount);
  auto got = tracks_client.GetTracksBlocking(get_tracks);
  REQUIRE(got.ok());
  REQUIRE(got->tracks_size() == 1);

  foundation::users::v1::AuthenticateRequest authenticate;
  authenticate.set_token(std::string(seed::kDemoUsers[2].token));
  auto who = users_client.AuthenticateBlocking(authenticate);
  REQUIRE(who.ok());
  CHECK(who->user_id() == seed::kDemoUsers[2].id);

  CHECK(tracks.Stop(10s) == 0);
  CHECK(users.Stop(10s) == 0);
}

TEST_CASE("foundation-reposts serves the seed's reposts from reposts.db and exits 0 on SIGTERM") {
  TempDir dir;
  ChildProcess process({FOUNDATION_REPOSTS_BIN, "--listen", "127.0.0.1:0", "--data-dir",
                        dir.File("data"), "--seed"});
  foundation::reposts::v1::RepostsClient client(Start(process, "foundation-reposts"));
  foundation::reposts::v1::CountRepostsRequest request;
  request.add_track_ids(seed::kPlainTrack);
  request.add_track_ids(seed::kNotDownloadableTrack);
  auto counts = client.CountRepostsBlocking(request);
  REQUIRE(counts.ok());
  CHECK(counts->counts().at(seed::kPlainTrack) == seed::kPlainTrackReposts);
  CHECK(counts->counts().at(seed::kNotDownloadableTrack) == 0);
  CHECK(process.Stop(10s) == 0);
  CHECK(std::filesystem::exists(dir.File("data") + "/reposts.db"));
}

TEST_CASE("a foundation executable refuses a bad --listen with exit code 2") {
  TempDir dir;
  ChildProcess process({FOUNDATION_USERS_BIN, "--listen", "nonsense", "--data-dir", dir.File("d")});
  CHECK_FALSE(process.ReadLine(10s));  // nothing on stdout; the error goes to stderr
  CHECK(process.Stop(10s) == 2);
}
