// JSON against protobuf for the Tracks VAS's Track aggregate: encoding (as the
// server writes a response, with its default JSON options) and decoding (as a
// client reads one), for one track and for a 50-track GetTracksResponse; JSON
// both through twirp::Encode/Decode and as the server and client run it, with
// cached types. Protobuf encoding is the baseline, measured in the same run.
//
//   codec-bench [--seconds S]   (time per case, default 1)
//
// Prints one line per case: "case=<name> ns=<per op> bytes=<encoded size>".
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

#include "codec/message_codec.h"
#include "measure.h"
#include "twirpcpp/codec.h"
#include "vas/tracks/v1/tracks.pb.h"

namespace {

using vas::tracks::v1::GetTracksResponse;
using vas::tracks::v1::Track;

constexpr int kTracksPerResponse = 50;

void FillTrack(Track& track, int i) {
  track.set_id(1000 + i);
  track.set_title("Track number " + std::to_string(i) + " (extended mix)");
  track.set_artwork_url("https://i1.sndcdn.com/artworks-" + std::to_string(i) + "-t500x500.jpg");
  track.set_duration_ms(180000 + i * 1000);
  track.set_genre("electronic");
  track.mutable_created_at()->set_seconds(1700000000 + i * 3600);
  track.set_downloadable(i % 3 == 0);
  track.mutable_artist()->set_id(70 + i);
  track.mutable_artist()->set_username("artist-" + std::to_string(i));
  track.mutable_artist()->set_display_name("Artist " + std::to_string(i));
  track.mutable_artist()->set_avatar_url("https://i1.sndcdn.com/avatars-" + std::to_string(i) +
                                         ".jpg");
  track.mutable_stats()->set_likes_count(1200 + i);
  track.mutable_viewer_state()->set_liked(i % 2 == 0);
}

// The three ways measured: protobuf; JSON through twirp::Encode/Decode; JSON as
// a Server or Client does it, with the message types' JSON information kept
// between calls (runtime/src/json_types.h).
enum class Codec { kProtobuf, kJson, kJsonCachedTypes };

const char* Name(Codec codec) {
  switch (codec) {
    case Codec::kProtobuf: return "protobuf";
    case Codec::kJson: return "json";
    case Codec::kJsonCachedTypes: return "json_cached";
  }
  return "";
}

struct Codecs {
  twirp::internal::JsonTypes types;

  std::string Encode(const google::protobuf::Message& message, Codec codec) {
    auto out = codec == Codec::kJsonCachedTypes
                   ? twirp::internal::Encode(message, twirp::Encoding::kJson, {}, &types)
                   : twirp::Encode(message, codec == Codec::kJson ? twirp::Encoding::kJson
                                                                  : twirp::Encoding::kProtobuf);
    if (!out.ok()) {
      std::fprintf(stderr, "codec-bench: encode failed: %s\n", out.error().msg().c_str());
      std::exit(1);
    }
    return std::move(out).value();
  }

  void Decode(const std::string& body, Codec codec, google::protobuf::Message& message) {
    auto decoded =
        codec == Codec::kJsonCachedTypes
            ? twirp::internal::Decode(body, twirp::Encoding::kJson, message, &types)
            : twirp::Decode(
                  body, codec == Codec::kJson ? twirp::Encoding::kJson : twirp::Encoding::kProtobuf,
                  message);
    if (!decoded.ok()) std::abort();
  }
};

template <class M>
void Run(Codecs& codecs, const char* what, const M& message, double seconds) {
  for (Codec codec : {Codec::kProtobuf, Codec::kJson, Codec::kJsonCachedTypes}) {
    const std::string encoded = codecs.Encode(message, codec);
    const double encode_ns =
        bench::Measure(seconds, [&] { return codecs.Encode(message, codec).size(); });
    std::printf("case=%s.encode.%s ns=%.1f bytes=%zu\n", what, Name(codec), encode_ns,
                encoded.size());
    M decoded;
    const double decode_ns = bench::Measure(seconds, [&] {
      codecs.Decode(encoded, codec, decoded);
      return decoded.ByteSizeLong();
    });
    std::printf("case=%s.decode.%s ns=%.1f bytes=%zu\n", what, Name(codec), decode_ns,
                encoded.size());
  }
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
  Track track;
  FillTrack(track, 7);
  GetTracksResponse response;
  for (int i = 0; i < kTracksPerResponse; ++i) FillTrack(*response.add_tracks(), i);

  Codecs codecs;
  Run(codecs, "track", track, seconds);
  Run(codecs, "tracks50", response, seconds);
  return 0;
}
