// A google.protobuf.FieldMask from untrusted text, validated against
// GetTracksResponse (tracks.proto: nested, repeated and map fields) by
// twirp::FieldMask::Parse, then used as a server uses it. The first byte picks
// the form: a comma-separated path list (the mask's string form), or the JSON of
// a GetTracksRequest whose field_mask is read as a server decodes it.
// Must hold: a parsed mask is canonical (parsing its paths again gives the same
// mask), includes each of its paths, is its own union and intersection, and
// trims a message without failing; a rejected one is invalid_argument naming the argument.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "twirpcpp/codec.h"
#include "twirpcpp/field_mask.h"

namespace {

using twirp::fuzz::GetTracksRequest;
using twirp::fuzz::GetTracksResponse;

GetTracksResponse Populated() {
  GetTracksResponse response;
  for (int i = 0; i < 2; ++i) {
    auto* track = response.add_tracks();
    track->set_id(i + 1);
    track->set_title("t");
    track->mutable_artist()->set_username("a");
    track->mutable_stats()->set_plays_count(4);
    track->mutable_viewer()->set_liked(true);
    track->add_territories("DE");
    track->add_transcodings()->set_preset("mp3");
    (*track->mutable_credits())["producer"].set_username("p");
  }
  return response;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  google::protobuf::FieldMask mask;
  if (data[0] & 1) {
    GetTracksRequest request;
    if (!twirp::Decode(text, twirp::Encoding::kJson, request).ok()) return 0;
    mask = request.field_mask();
  } else {
    std::string_view rest = text;
    while (true) {
      const auto comma = rest.find(',');
      mask.add_paths(std::string(rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }

  const auto* type = GetTracksResponse::descriptor();
  auto parsed = twirp::FieldMask::Parse(mask, type, "field_mask");
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.error().code() == twirp::ErrorCode::kInvalidArgument);
    FUZZ_CHECK(parsed.error().meta("argument") == "field_mask");
    return 0;
  }
  const twirp::FieldMask& field_mask = *parsed;
  auto again = twirp::FieldMask::Parse(field_mask.proto(), type, "field_mask");
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == field_mask);
  for (const auto& path : field_mask.proto().paths()) FUZZ_CHECK(field_mask.Includes(path));
  FUZZ_CHECK(field_mask.Union(field_mask) == field_mask);
  FUZZ_CHECK(field_mask.Intersect(field_mask) == field_mask);
  FUZZ_CHECK(field_mask.Intersect(twirp::FieldMask::All()) == field_mask);
  (void)field_mask.ToString();
  GetTracksResponse response = Populated();
  field_mask.Trim(response);
  // Trimming twice changes nothing more.
  GetTracksResponse trimmed = response;
  field_mask.Trim(trimmed);
  FUZZ_CHECK(trimmed.SerializeAsString() == response.SerializeAsString());
  return 0;
}
