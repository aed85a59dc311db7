// What partial responses cost a server: validating the request's FieldMask and
// trimming a 50-track response to it, against copying the same response
// untrimmed, measured in the same run.
//
//   field_mask_bench [--seconds S]   (time per case, default 1)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

#include <google/protobuf/util/field_mask_util.h>

#include "measure.h"
#include "twirpcpp/field_mask.h"
#include "twirpcpp/test/v1/tracks.pb.h"

namespace {

using twirpcpp::test::v1::GetTracksRequest;
using twirpcpp::test::v1::GetTracksResponse;
using twirpcpp::test::v1::Track;

constexpr int kTracksPerResponse = 50;

GetTracksResponse MakeResponse() {
  GetTracksResponse response;
  for (int i = 0; i < kTracksPerResponse; ++i) {
    Track& track = *response.add_tracks();
    track.set_id(1000 + i);
    track.set_title("Track number " + std::to_string(i) + " (extended mix)");
    track.set_artwork_url("https://i1.sndcdn.com/artworks-" + std::to_string(i) + "-t500x500.jpg");
    track.set_duration_ms(180000 + i * 1000);
    track.set_genre("electronic");
    track.mutable_artist()->set_id(70 + i);
    track.mutable_artist()->set_username("artist-" + std::to_string(i));
    track.mutable_artist()->set_display_name("Artist " + std::to_string(i));
    track.mutable_artist()->set_avatar_url("https://i1.sndcdn.com/avatars-" + std::to_string(i) +
                                           ".jpg");
    track.mutable_stats()->set_likes_count(1200 + i);
    track.mutable_stats()->set_plays_count(98000 + i);
    track.mutable_stats()->set_reposts_count(310 + i);
    track.mutable_viewer()->set_liked(i % 2 == 0);
    for (const char* territory : {"DE", "GB", "US", "FR"}) track.add_territories(territory);
    for (const char* preset : {"mp3_1_0", "opus_0_0"}) {
      auto& transcoding = *track.add_transcodings();
      transcoding.set_url("https://cf-media.sndcdn.com/" + std::to_string(i) + "/" + preset);
      transcoding.set_preset(preset);
      transcoding.set_protocol("hls");
      transcoding.set_duration_ms(track.duration_ms());
    }
    (*track.mutable_credits())["producer"].set_username("producer-" + std::to_string(i));
  }
  return response;
}

GetTracksRequest RequestWithMask(const char* paths) {
  GetTracksRequest request;
  google::protobuf::util::FieldMaskUtil::FromString(paths, request.mutable_field_mask());
  return request;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 1.0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s [--seconds S]\n", argv[0]);
      return 2;
    }
  }

  const GetTracksResponse response = MakeResponse();
  struct Case {
    const char* name;
    GetTracksRequest request;
  };
  const Case cases[] = {
      {"empty mask (all)", RequestWithMask("")},
      {"full mask", RequestWithMask("tracks.id,tracks.title,tracks.artwork_url,tracks.duration_ms,"
                                    "tracks.genre,tracks.artist,tracks.stats,tracks.viewer,"
                                    "tracks.territories,tracks.transcodings,tracks.credits")},
      {"card mask", RequestWithMask("tracks.title,tracks.artwork_url,tracks.artist.username")},
  };

  const double baseline = bench::Measure(seconds, [&] {
    // NOLINTNEXTLINE(performance-unnecessary-copy-initialization): the copy is what is measured
    GetTracksResponse copy = response;
    return static_cast<std::size_t>(copy.tracks_size());
  });
  std::printf("field_mask_bench: %d tracks per response, %zu bytes untrimmed\n", kTracksPerResponse,
              response.ByteSizeLong());
  std::printf("  %-18s %10.1f us/response  (baseline: copy, no mask)\n", "copy", baseline / 1000);

  for (const Case& c : cases) {
    const double ns = bench::Measure(seconds, [&] {
      auto mask = twirp::FieldMask::Parse(c.request.field_mask(), GetTracksResponse::descriptor(),
                                          "field_mask");
      if (!mask.ok()) std::abort();
      GetTracksResponse copy = response;
      mask->Trim(copy);
      return static_cast<std::size_t>(copy.tracks_size());
    });
    GetTracksResponse trimmed = response;
    twirp::FieldMask::Parse(c.request.field_mask(), GetTracksResponse::descriptor(), "field_mask")
        ->Trim(trimmed);
    const std::size_t trimmed_bytes = trimmed.ByteSizeLong();
    std::printf(
        "  %-18s %10.1f us/response  %5.2fx baseline  (+%.1f us validate+trim, %zu bytes)\n",
        c.name, ns / 1000, ns / baseline, (ns - baseline) / 1000, trimmed_bytes);
  }
  return 0;
}
