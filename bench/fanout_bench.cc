// Latency of the Tracks VAS's fanout: GetTracks of 50 tracks for a signed-in
// viewer, one call at a time, with every foundation call slowed down by
// fake-foundation. The baseline is the foundation calls themselves, made
// directly, one at a time, with the same sizes.
//
//   fanout-bench --phase upstream --foundation-url URL [--calls N]
//   fanout-bench --phase vas --vas-url URL --mask PATHS [--calls N] [--fresh-ids]
//
// The vas phase asks for tracks 1-50 on every call: after the warm-up call the
// VAS's artist index knows their artists (the steady state). With --fresh-ids
// every call, the warm-up included, asks for 50 tracks never asked before
// (fake-foundation makes up a record for any id): the index is cold each time.
//
// Prints one line of key=value figures (median milliseconds) for bench/run.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/util/field_mask_util.h>

#include "foundation/likes/v1/likes.twirp.h"
#include "foundation/tracks/v1/track_metadata.twirp.h"
#include "foundation/users/v1/users.twirp.h"
#include "twirpcpp/client.h"
#include "vas/tracks/v1/tracks.twirp.h"

namespace {

constexpr int kTracks = 50;
constexpr std::int64_t kViewer = 42;
// Where --fresh-ids starts: far from tracks 1-50.
constexpr std::int64_t kFreshIdsBase = 1'000'000;

// Median wall milliseconds of `calls` sequential runs of `call`, after one
// warm-up run; exits on the first failure.
double MedianMs(int calls, const char* what, const std::function<twirp::Result<void>()>& call) {
  if (auto warm = call(); !warm.ok()) {
    std::cerr << "fanout-bench: " << what << ": " << warm.error().msg() << "\n";
    std::exit(1);
  }
  std::vector<double> ms;
  for (int i = 0; i < calls; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto result = call();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
    if (!result.ok()) {
      std::cerr << "fanout-bench: " << what << ": " << result.error().msg() << "\n";
      std::exit(1);
    }
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

template <class R>
twirp::Result<void> Check(const twirp::Result<R>& result) {
  if (!result.ok()) return result.error();
  return twirp::Ok();
}

std::shared_ptr<twirp::Client> MustClient(const std::string& url) {
  auto client = twirp::Client::Create(url);
  if (!client.ok()) {
    std::cerr << "fanout-bench: " << client.error().msg() << "\n";
    std::exit(2);
  }
  return *client;
}

// kTracks ids from first + 1.
std::vector<std::int64_t> TrackIds(std::int64_t first = 0) {
  std::vector<std::int64_t> ids;
  for (int i = 1; i <= kTracks; ++i) ids.push_back(first + i);
  return ids;
}

// Each foundation call GetTracks makes, directly, with the sizes it makes them.
int Upstream(const std::string& url, int calls) {
  namespace likes = foundation::likes::v1;
  namespace tracks = foundation::tracks::v1;
  namespace users = foundation::users::v1;
  auto client = MustClient(url);
  tracks::TrackMetadataClient track_metadata(client);
  users::UsersClient users_client(client);
  likes::LikesClient likes_client(client);
  const auto ids = TrackIds();

  tracks::GetTracksRequest get_tracks;
  get_tracks.mutable_track_ids()->Assign(ids.begin(), ids.end());
  users::GetUsersRequest get_users;
  for (std::int64_t artist = 1000; artist < 1010; ++artist) get_users.add_user_ids(artist);
  users::FindBlockersRequest find_blockers;
  find_blockers.set_user_id(kViewer);
  for (std::int64_t artist = 1000; artist < 1010; ++artist) find_blockers.add_candidate_ids(artist);
  likes::CountLikesRequest count_likes;
  count_likes.mutable_track_ids()->Assign(ids.begin(), ids.end());
  likes::GetLikedTracksRequest liked;
  liked.set_user_id(kViewer);
  liked.mutable_track_ids()->Assign(ids.begin(), ids.end());

  const double metadata_ms = MedianMs(calls, "TrackMetadata.GetTracks", [&] {
    return Check(track_metadata.GetTracksBlocking(get_tracks));
  });
  const double users_ms = MedianMs(calls, "Users.GetUsers",
                                   [&] { return Check(users_client.GetUsersBlocking(get_users)); });
  const double blockers_ms = MedianMs(calls, "Users.FindBlockers", [&] {
    return Check(users_client.FindBlockersBlocking(find_blockers));
  });
  const double counts_ms = MedianMs(calls, "Likes.CountLikes", [&] {
    return Check(likes_client.CountLikesBlocking(count_likes));
  });
  const double liked_ms = MedianMs(calls, "Likes.GetLikedTracks", [&] {
    return Check(likes_client.GetLikedTracksBlocking(liked));
  });
  // With a cold artist index the Users calls wait for the records; the Likes
  // calls never do.
  const double cold_critical_path_ms =
      std::max({metadata_ms + std::max(users_ms, blockers_ms), counts_ms, liked_ms});
  std::printf(
      "track_metadata_ms=%.3f get_users_ms=%.3f find_blockers_ms=%.3f count_likes_ms=%.3f "
      "get_liked_ms=%.3f slowest_upstream_ms=%.3f cold_critical_path_ms=%.3f\n",
      metadata_ms, users_ms, blockers_ms, counts_ms, liked_ms,
      std::max({metadata_ms, users_ms, blockers_ms, counts_ms, liked_ms}), cold_critical_path_ms);
  return 0;
}

int Vas(const std::string& url, const std::string& mask, int calls, bool fresh_ids) {
  auto client = MustClient(url);
  vas::tracks::v1::TracksClient tracks(client);
  vas::tracks::v1::GetTracksRequest request;
  const auto ids = TrackIds();
  request.mutable_track_ids()->Assign(ids.begin(), ids.end());
  request.mutable_viewer()->set_user_id(kViewer);
  request.mutable_viewer()->set_country("DE");
  google::protobuf::util::FieldMaskUtil::FromString(mask, request.mutable_field_mask());
  int returned = 0;
  std::int64_t next_fresh = kFreshIdsBase;
  const double ms = MedianMs(calls, "Tracks.GetTracks", [&]() -> twirp::Result<void> {
    if (fresh_ids) {
      const auto fresh = TrackIds(next_fresh);
      next_fresh += kTracks;
      request.mutable_track_ids()->Assign(fresh.begin(), fresh.end());
    }
    auto response = tracks.GetTracksBlocking(request);
    if (!response.ok()) return response.error();
    returned = response->tracks_size();
    return twirp::Ok();
  });
  std::printf("ms=%.3f tracks=%d\n", ms, returned);
  return returned == kTracks ? 0 : 1;
}

}  // namespace

int main(int argc, char* argv[]) {
  std::string phase;
  std::string foundation_url;
  std::string vas_url;
  std::string mask;
  int calls = 20;
  bool fresh_ids = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--phase") {
      phase = value();
    } else if (arg == "--foundation-url") {
      foundation_url = value();
    } else if (arg == "--vas-url") {
      vas_url = value();
    } else if (arg == "--mask") {
      mask = value();
    } else if (arg == "--calls") {
      calls = std::stoi(value());
    } else if (arg == "--fresh-ids") {
      fresh_ids = true;
    } else {
      phase.clear();
      break;
    }
  }
  if (phase == "upstream" && !foundation_url.empty()) return Upstream(foundation_url, calls);
  if (phase == "vas" && !vas_url.empty()) return Vas(vas_url, mask, calls, fresh_ids);
  std::cerr << "usage: fanout-bench --phase upstream --foundation-url URL [--calls N]\n"
               "       fanout-bench --phase vas --vas-url URL --mask PATHS [--calls N] "
               "[--fresh-ids]\n";
  return 2;
}
