// The three foundation services (TrackMetadata, Users, Likes) as the fanout
// benchmark needs them: built from the generated code, answering every call
// with made-up records after a fixed delay awaited on an Asio timer, so that
// the Tracks VAS sees slow upstreams without a single change to the real
// services. All three are served by one server with metrics on, so that
// bench/run can count the calls each method received.
//
//   fake-foundation [--listen 127.0.0.1:0] [--delay-ms 20]
//
// Prints "fake-foundation listening on http://127.0.0.1:PORT" once ready.
#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "foundation/likes/v1/likes.twirp.h"
#include "foundation/tracks/v1/track_metadata.twirp.h"
#include "foundation/users/v1/users.twirp.h"
#include "twirpcpp/server.h"
#include "twirpcpp/stop_signals.h"

namespace {

namespace likes = foundation::likes::v1;
namespace tracks = foundation::tracks::v1;
namespace users = foundation::users::v1;
using twirp::Awaitable;
using twirp::Context;
using twirp::Result;

// Every fake call waits this long on the request's own executor, without
// blocking its thread (the point: the VAS must overlap its calls).
class Delay {
 public:
  explicit Delay(std::chrono::milliseconds delay) : delay_(delay) {}
  Awaitable<void> operator()(Context& ctx) const {
    boost::asio::steady_timer timer(ctx.executor(), delay_);
    co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }

 private:
  std::chrono::milliseconds delay_;
};

std::int64_t ArtistOf(std::int64_t track_id) { return 1000 + track_id % 10; }

class FakeTrackMetadata final : public tracks::TrackMetadata {
 public:
  explicit FakeTrackMetadata(Delay delay) : delay_(delay) {}
  Awaitable<Result<tracks::GetTracksResponse>> GetTracks(
      Context& ctx, const tracks::GetTracksRequest& request) override {
    co_await delay_(ctx);
    tracks::GetTracksResponse response;
    for (const std::int64_t id : request.track_ids()) {
      tracks::Track& track = *response.add_tracks();
      track.set_id(id);
      track.set_title("Track " + std::to_string(id));
      track.set_artist_user_id(ArtistOf(id));
      track.set_duration_ms(200'000);
      track.set_artwork_url("https://images.example.invalid/" + std::to_string(id) + ".jpg");
      track.set_genre("electronic");
      track.mutable_created_at()->set_seconds(1'700'000'000 + id);
      track.set_visibility(tracks::VISIBILITY_PUBLIC);
      track.set_downloadable(id % 2 == 0);
    }
    co_return response;
  }

  Awaitable<Result<tracks::CreateTrackResponse>> CreateTrack(
      Context&, const tracks::CreateTrackRequest&) override {
    co_return twirp::UnimplementedError("not used by the fanout benchmark");
  }
  Awaitable<Result<tracks::UpdateTrackResponse>> UpdateTrack(
      Context&, const tracks::UpdateTrackRequest&) override {
    co_return twirp::UnimplementedError("not used by the fanout benchmark");
  }
  Awaitable<Result<tracks::DeleteTrackResponse>> DeleteTrack(
      Context&, const tracks::DeleteTrackRequest&) override {
    co_return twirp::UnimplementedError("not used by the fanout benchmark");
  }
  Awaitable<Result<tracks::ListTracksByArtistResponse>> ListTracksByArtist(
      Context&, const tracks::ListTracksByArtistRequest&) override {
    co_return twirp::UnimplementedError("not used by the fanout benchmark");
  }

 private:
  Delay delay_;
};

class FakeUsers final : public users::Users {
 public:
  explicit FakeUsers(Delay delay) : delay_(delay) {}
  Awaitable<Result<users::GetUsersResponse>> GetUsers(
      Context& ctx, const users::GetUsersRequest& request) override {
    co_await delay_(ctx);
    users::GetUsersResponse response;
    for (const std::int64_t id : request.user_ids()) {
      users::User& user = *response.add_users();
      user.set_id(id);
      user.set_username("artist-" + std::to_string(id));
      user.set_display_name("Artist " + std::to_string(id));
      user.set_avatar_url("https://images.example.invalid/avatars/" + std::to_string(id) + ".jpg");
    }
    co_return response;
  }
  Awaitable<Result<users::FindBlockersResponse>> FindBlockers(
      Context& ctx, const users::FindBlockersRequest&) override {
    co_await delay_(ctx);
    co_return users::FindBlockersResponse();  // nobody blocks the viewer
  }
  Awaitable<Result<users::AuthenticateResponse>> Authenticate(
      Context& ctx, const users::AuthenticateRequest&) override {
    co_await delay_(ctx);
    users::AuthenticateResponse response;
    response.set_user_id(42);
    co_return response;
  }

 private:
  Delay delay_;
};

class FakeLikes final : public likes::Likes {
 public:
  explicit FakeLikes(Delay delay) : delay_(delay) {}
  Awaitable<Result<likes::LikeResponse>> Like(Context& ctx, const likes::LikeRequest&) override {
    co_await delay_(ctx);
    co_return likes::LikeResponse();
  }
  Awaitable<Result<likes::UnlikeResponse>> Unlike(Context& ctx,
                                                  const likes::UnlikeRequest&) override {
    co_await delay_(ctx);
    co_return likes::UnlikeResponse();
  }
  Awaitable<Result<likes::CountLikesResponse>> CountLikes(
      Context& ctx, const likes::CountLikesRequest& request) override {
    co_await delay_(ctx);
    likes::CountLikesResponse response;
    for (const std::int64_t id : request.track_ids()) (*response.mutable_counts())[id] = id * 7;
    co_return response;
  }
  Awaitable<Result<likes::GetLikedTracksResponse>> GetLikedTracks(
      Context& ctx, const likes::GetLikedTracksRequest& request) override {
    co_await delay_(ctx);
    likes::GetLikedTracksResponse response;
    for (const std::int64_t id : request.track_ids()) {
      if (id % 3 == 0) response.add_liked_track_ids(id);
    }
    co_return response;
  }
  Awaitable<Result<likes::ListUserLikesResponse>> ListUserLikes(
      Context& ctx, const likes::ListUserLikesRequest&) override {
    co_await delay_(ctx);
    co_return likes::ListUserLikesResponse();
  }
  Awaitable<Result<likes::CountLikesByDayResponse>> CountLikesByDay(
      Context&, const likes::CountLikesByDayRequest&) override {
    co_return twirp::UnimplementedError("not used by the fanout benchmark");
  }
  Awaitable<Result<likes::ListTrackLikersResponse>> ListTrackLikers(
      Context&, const likes::ListTrackLikersRequest&) override {
    co_return twirp::UnimplementedError("not used by the fanout benchmark");
  }

 private:
  Delay delay_;
};

}  // namespace

int main(int argc, char* argv[]) {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  int delay_ms = 20;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--listen" && i + 1 < argc) {
      const std::string listen = argv[++i];
      const auto colon = listen.rfind(':');
      if (colon == std::string::npos) {
        std::cerr << "fake-foundation: --listen wants address:port\n";
        return 2;
      }
      host = listen.substr(0, colon);
      port = static_cast<std::uint16_t>(std::stoul(listen.substr(colon + 1)));
    } else if (arg == "--delay-ms" && i + 1 < argc) {
      delay_ms = std::stoi(argv[++i]);
    } else {
      std::cerr << "usage: fake-foundation [--listen address:port] [--delay-ms N]\n";
      return 2;
    }
  }

  // Before the server starts its threads, which inherit the blocked signals.
  const twirp::StopSignals stop_signals;

  twirp::ServerOptions options;
  options.metrics.enabled = true;
  twirp::Server server(options);
  const Delay delay{std::chrono::milliseconds(delay_ms)};
  tracks::RegisterTrackMetadata(server, std::make_shared<FakeTrackMetadata>(delay));
  users::RegisterUsers(server, std::make_shared<FakeUsers>(delay));
  likes::RegisterLikes(server, std::make_shared<FakeLikes>(delay));
  if (auto error = server.Listen(host, port)) {
    std::cerr << "fake-foundation: cannot listen: " << error.message() << "\n";
    return 1;
  }
  server.Start();
  std::cout << "fake-foundation listening on http://" << host << ":" << server.port() << std::endl;

  stop_signals.Wait();
  server.Shutdown(std::chrono::seconds(2));
  server.Wait();
  return 0;
}
