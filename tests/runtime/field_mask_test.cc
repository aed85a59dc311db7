// twirp::FieldMask: partial responses over FieldMaskUtil (validation, algebra,
// Includes, trimming through repeated fields), the request-side helper generated
// servers call, the (twirpcpp.field_mask) method option, and the JSON string form.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/field_mask_util.h>
#include <google/protobuf/util/json_util.h>

#include "common/request_field_mask.h"
#include "twirpcpp/field_mask.h"
#include "twirpcpp/options.pb.h"
#include "twirpcpp/test/v1/tracks.pb.h"

namespace {

namespace pb = google::protobuf;
using pb::util::FieldMaskUtil;
using twirpcpp::test::v1::GetTracksRequest;
using twirpcpp::test::v1::GetTracksResponse;
using twirpcpp::test::v1::Track;

pb::FieldMask Paths(const char* comma_separated) {
  pb::FieldMask mask;
  FieldMaskUtil::FromString(comma_separated, &mask);
  return mask;
}

twirp::FieldMask MaskOf(const char* paths, const pb::Descriptor* type = Track::descriptor()) {
  twirp::Result<twirp::FieldMask> mask = twirp::FieldMask::Parse(Paths(paths), type, "field_mask");
  REQUIRE(mask.ok());
  return std::move(mask).value();
}

twirp::Error ParseError(const char* paths, const pb::Descriptor* type = Track::descriptor()) {
  twirp::Result<twirp::FieldMask> mask = twirp::FieldMask::Parse(Paths(paths), type, "field_mask");
  REQUIRE_FALSE(mask.ok());
  return std::move(mask).error();
}

Track FullTrack(int64_t id) {
  Track track;
  track.set_id(id);
  track.set_title("Windowlicker");
  track.set_artwork_url("https://i1.sndcdn.com/artworks-1.jpg");
  track.set_duration_ms(367000);
  track.set_genre("electronic");
  track.mutable_artist()->set_id(7);
  track.mutable_artist()->set_username("aphex-twin");
  track.mutable_artist()->set_display_name("Aphex Twin");
  track.mutable_artist()->set_avatar_url("https://i1.sndcdn.com/avatars-7.jpg");
  track.mutable_stats()->set_likes_count(1200);
  track.mutable_stats()->set_plays_count(98000);
  track.mutable_stats()->set_reposts_count(310);
  track.mutable_viewer()->set_liked(true);
  track.add_territories("DE");
  track.add_territories("GB");
  auto* mp3 = track.add_transcodings();
  mp3->set_url("https://cf-media.sndcdn.com/1.mp3");
  mp3->set_preset("mp3_1_0");
  mp3->set_protocol("progressive");
  auto* opus = track.add_transcodings();
  opus->set_url("https://cf-media.sndcdn.com/1.opus");
  opus->set_preset("opus_0_0");
  opus->set_protocol("hls");
  (*track.mutable_credits())["producer"].set_username("rdj");
  return track;
}

}  // namespace

TEST_CASE("FieldMask: an empty or absent mask covers the whole message") {
  twirp::FieldMask empty = MaskOf("");
  CHECK(empty.covers_all());
  CHECK(empty == twirp::FieldMask::All());
  CHECK(empty.Includes("stats.likes_count"));
  CHECK(empty.proto().paths_size() == 0);

  Track track = FullTrack(1);
  empty.Trim(track);
  CHECK(track.SerializeAsString() == FullTrack(1).SerializeAsString());

  GetTracksRequest request;  // field_mask unset
  auto absent =
      twirp::internal::RequestFieldMask(request, "field_mask", GetTracksResponse::descriptor());
  REQUIRE(absent.ok());
  CHECK(absent->covers_all());
  request.mutable_field_mask();  // set, but no paths
  auto set_empty =
      twirp::internal::RequestFieldMask(request, "field_mask", GetTracksResponse::descriptor());
  REQUIRE(set_empty.ok());
  CHECK(set_empty->covers_all());
}

TEST_CASE(
    "FieldMask: §4.1 a path that names no field is invalid_argument with meta argument and the path") {
  twirp::Error error = ParseError("title,stats.bogus");
  CHECK(error.code() == twirp::ErrorCode::kInvalidArgument);
  CHECK(error.meta() == twirp::Error::Meta{{"argument", "field_mask"}});
  CHECK(
      error.msg() ==
      "field_mask path \"stats.bogus\" names no field: twirpcpp.test.v1.TrackStats has no field \"bogus\"");

  // JSON names are not field names: the codec converts the JSON form on the way in.
  CHECK(
      ParseError("artworkUrl").msg() ==
      "field_mask path \"artworkUrl\" names no field: twirpcpp.test.v1.Track has no field \"artworkUrl\"");
  CHECK(
      ParseError("title.length").msg() ==
      "field_mask path \"title.length\" names no field: \"title\" is a string field, not a message");
  // FieldMaskUtil's own splitting skips empty segments and would take these.
  CHECK(ParseError("stats..likes_count").msg() ==
        "field_mask path \"stats..likes_count\" names no field: empty field name");
  CHECK(ParseError(".title").msg() ==
        "field_mask path \".title\" names no field: empty field name");
  pb::FieldMask with_empty_path;
  with_empty_path.add_paths("");
  auto empty_path = twirp::FieldMask::Parse(with_empty_path, Track::descriptor(), "field_mask");
  REQUIRE_FALSE(empty_path.ok());
  CHECK(empty_path.error().msg() == "field_mask path \"\" names no field: empty field name");
  // A map is selected whole: its entries are not a message type of the schema.
  CHECK(
      ParseError("credits.value.username").msg() ==
      "field_mask path \"credits.value.username\" names no field: map field \"credits\" can only be "
      "selected whole");
  CHECK(MaskOf("credits").Includes("credits"));

  // The request helper names the request's mask field, whatever it is called.
  GetTracksRequest request;
  request.mutable_field_mask()->add_paths("tracks.stats.bogus");
  auto from_request =
      twirp::internal::RequestFieldMask(request, "field_mask", GetTracksResponse::descriptor());
  REQUIRE_FALSE(from_request.ok());
  CHECK(from_request.error().meta("argument") == "field_mask");
  CHECK(
      from_request.error().msg() ==
      "field_mask path \"tracks.stats.bogus\" names no field: twirpcpp.test.v1.TrackStats has no field "
      "\"bogus\"");
}

TEST_CASE("FieldMask: a path deeper than protobuf's recursion limit is refused, not walked") {
  // google.protobuf.Value nests through ListValue's repeated values without end.
  pb::FieldMask shallow = Paths("list_value.values.list_value.values.null_value");
  CHECK(twirp::FieldMask::Parse(shallow, pb::Value::descriptor(), "m").ok());

  std::string deep = "null_value";
  for (int i = 0; i < 60; ++i) deep.insert(0, "list_value.values.");  // 121 fields
  pb::FieldMask mask;
  mask.add_paths(deep);
  auto too_deep = twirp::FieldMask::Parse(mask, pb::Value::descriptor(), "m");
  REQUIRE_FALSE(too_deep.ok());
  CHECK(too_deep.error().msg().ends_with("names no field: deeper than 100 fields"));
}

TEST_CASE("FieldMask: Parse canonicalizes (sorted, covered paths dropped)") {
  twirp::FieldMask mask = MaskOf("title,stats.likes_count,artist.username,stats,title");
  CHECK(mask.ToString() == "artist.username,stats,title");
  CHECK(FieldMaskUtil::ToString(mask.proto()) == "artist.username,stats,title");
  CHECK(mask == MaskOf("stats,artist.username,title"));
  CHECK(twirp::FieldMask::All().ToString() == "*");
}

TEST_CASE("FieldMask: Union and Intersect, with an empty mask meaning all") {
  twirp::FieldMask card = MaskOf("title,artwork_url,artist.username");
  twirp::FieldMask stats = MaskOf("stats.likes_count,artist");

  CHECK(card.Union(stats).ToString() == "artist,artwork_url,stats.likes_count,title");
  CHECK(card.Intersect(stats).ToString() == "artist.username");
  CHECK(card.Union(twirp::FieldMask::All()).covers_all());
  CHECK(twirp::FieldMask::All().Intersect(card) == card);
  CHECK(card.Intersect(twirp::FieldMask::All()) == card);

  // Disjoint masks intersect to nothing, which must not turn into "everything".
  twirp::FieldMask nothing = MaskOf("title").Intersect(MaskOf("genre"));
  CHECK_FALSE(nothing.covers_all());
  CHECK(nothing.selects_nothing());
  CHECK_FALSE(nothing.Includes("title"));
  CHECK(nothing.ToString().empty());
  CHECK(nothing.Union(card) == card);
  Track track = FullTrack(1);
  nothing.Trim(track);
  CHECK(track.ByteSizeLong() == 0);
}

TEST_CASE(
    "FieldMask: Includes is true for the path, its ancestors and its descendants, not siblings") {
  twirp::FieldMask mask = MaskOf("stats.likes_count,artist");
  CHECK(mask.Includes("stats.likes_count"));  // the path
  CHECK(mask.Includes("stats"));              // an ancestor: the handler must fetch stats
  CHECK(mask.Includes("artist.username"));    // a descendant of a selected path
  CHECK(mask.Includes("artist"));
  CHECK_FALSE(mask.Includes("stats.plays_count"));  // a sibling
  CHECK_FALSE(mask.Includes("viewer"));
  CHECK_FALSE(mask.Includes("stat"));  // a name prefix is not a path prefix
  CHECK_FALSE(mask.Includes("stats.likes"));
  CHECK_FALSE(mask.Includes("artists"));
  CHECK(twirp::FieldMask::All().Includes("viewer.liked"));
}

TEST_CASE("FieldMask: Trim keeps the selected fields of nested messages and clears the rest") {
  Track track = FullTrack(1);
  MaskOf("title,artist.username,stats.likes_count,transcodings").Trim(track);

  Track want;
  want.set_title("Windowlicker");
  want.mutable_artist()->set_username("aphex-twin");
  want.mutable_stats()->set_likes_count(1200);
  *want.mutable_transcodings() = FullTrack(1).transcodings();
  CHECK(track.DebugString() == want.DebugString());

  // A selected sub-message that is unset stays unset.
  Track bare;
  bare.set_title("x");
  MaskOf("viewer.liked").Trim(bare);
  CHECK_FALSE(bare.has_viewer());
  CHECK(bare.title().empty());
}

TEST_CASE("FieldMask: FieldMaskUtil alone refuses a path through a repeated field") {
  // Why Parse walks paths itself and Trim descends into repeated fields on its own:
  // protobuf 3.21 says no to "tracks.title", and its TrimMessage aborts on it.
  CHECK_FALSE(FieldMaskUtil::IsValidPath<GetTracksResponse>("tracks.title"));
  CHECK(FieldMaskUtil::IsValidPath<GetTracksResponse>("tracks"));
}

TEST_CASE("FieldMask: a path through a repeated message field applies to every element") {
  GetTracksResponse response;
  *response.add_tracks() = FullTrack(1);
  *response.add_tracks() = FullTrack(2);
  response.mutable_tracks(1)->clear_artist();

  twirp::FieldMask card = MaskOf(
      "tracks.title,tracks.artwork_url,tracks.artist.username,"
      "tracks.transcodings.url",
      GetTracksResponse::descriptor());
  CHECK(card.Includes("tracks"));
  CHECK(card.Includes("tracks.artist"));
  CHECK_FALSE(card.Includes("tracks.stats"));
  card.Trim(response);

  REQUIRE(response.tracks_size() == 2);
  for (const Track& track : response.tracks()) {
    CHECK(track.id() == 0);
    CHECK(track.title() == "Windowlicker");
    CHECK(track.artwork_url() == "https://i1.sndcdn.com/artworks-1.jpg");
    CHECK_FALSE(track.has_stats());
    CHECK(track.territories_size() == 0);
    CHECK(track.credits_size() == 0);
    // Repeated inside repeated: each transcoding keeps its url only.
    REQUIRE(track.transcodings_size() == 2);
    CHECK(track.transcodings(1).url() == "https://cf-media.sndcdn.com/1.opus");
    CHECK(track.transcodings(1).preset().empty());
  }
  CHECK(response.tracks(0).artist().username() == "aphex-twin");
  CHECK(response.tracks(0).artist().display_name().empty());
  CHECK_FALSE(response.tracks(1).has_artist());  // not created by trimming

  // The whole repeated field, beside a path into it, keeps every element whole.
  GetTracksResponse whole;
  *whole.add_tracks() = FullTrack(3);
  MaskOf("tracks,tracks.title", GetTracksResponse::descriptor()).Trim(whole);
  CHECK(whole.tracks(0).SerializeAsString() == FullTrack(3).SerializeAsString());
}

TEST_CASE("FieldMask: the method option names the request field the generated server reads") {
  const pb::MethodDescriptor* method = twirpcpp::test::v1::GetTracksRequest::descriptor()
                                           ->file()
                                           ->FindServiceByName("TrackService")
                                           ->FindMethodByName("GetTracks");
  REQUIRE(method != nullptr);
  REQUIRE(method->options().HasExtension(twirpcpp::field_mask));
  const std::string& field = method->options().GetExtension(twirpcpp::field_mask).request_field();
  CHECK(field == "field_mask");

  GetTracksRequest request;
  request.mutable_field_mask()->add_paths("tracks.title");
  request.mutable_field_mask()->add_paths("tracks.artist.username");
  auto mask = twirp::internal::RequestFieldMask(request, field, method->output_type());
  REQUIRE(mask.ok());
  CHECK(mask->ToString() == "tracks.artist.username,tracks.title");

  // An option naming something that is not a FieldMask is a code mismatch: internal.
  for (const char* wrong : {"ids", "no_such_field"}) {
    auto bad = twirp::internal::RequestFieldMask(request, wrong, method->output_type());
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code() == twirp::ErrorCode::kInternal);
  }
}

TEST_CASE(
    "FieldMask: §3.1 §3.8 JSON carries a FieldMask as one string of lowerCamel paths, both ways") {
  GetTracksRequest request;
  request.add_ids(42);
  request.mutable_field_mask()->add_paths("tracks.artwork_url");
  request.mutable_field_mask()->add_paths("tracks.stats.likes_count");

  // Written as the server and Go clients write JSON: proto names for fields,
  // yet the mask's paths are lowerCamel, as the proto3 JSON mapping says.
  pb::util::JsonPrintOptions print;
  print.preserve_proto_field_names = true;
  std::string json;
  REQUIRE(pb::util::MessageToJsonString(request, &json, print).ok());
  CHECK(json == R"({"ids":["42"],"field_mask":"tracks.artworkUrl,tracks.stats.likesCount"})");

  // Read back under either key, into proto names that Parse accepts.
  for (const char* body : {R"({"field_mask":"tracks.artworkUrl,tracks.stats.likesCount"})",
                           R"({"fieldMask":"tracks.artworkUrl,tracks.stats.likesCount"})"}) {
    GetTracksRequest parsed;
    REQUIRE(pb::util::JsonStringToMessage(body, &parsed).ok());
    CHECK(FieldMaskUtil::ToString(parsed.field_mask()) ==
          "tracks.artwork_url,tracks.stats.likes_count");
    auto mask =
        twirp::internal::RequestFieldMask(parsed, "field_mask", GetTracksResponse::descriptor());
    REQUIRE(mask.ok());
    CHECK(mask->Includes("tracks.stats"));
  }

  // An empty string is the empty mask: everything.
  GetTracksRequest empty;
  REQUIRE(pb::util::JsonStringToMessage(R"({"fieldMask":""})", &empty).ok());
  CHECK(empty.has_field_mask());
  auto all =
      twirp::internal::RequestFieldMask(empty, "field_mask", GetTracksResponse::descriptor());
  REQUIRE(all.ok());
  CHECK(all->covers_all());

  // protobuf C++ also takes proto names inside the string (Go's protojson refuses
  // a path with "_"): more lenient than Go, and it reads to the same path.
  GetTracksRequest snake;
  REQUIRE(pb::util::JsonStringToMessage(R"({"fieldMask":"tracks.artwork_url"})", &snake).ok());
  CHECK(FieldMaskUtil::ToString(snake.field_mask()) == "tracks.artwork_url");
}

TEST_CASE("FieldPath: Child joins with '.', and the root's child is the bare name") {
  const twirp::FieldPath root;
  CHECK(root.Child("tracks").path == "tracks");
  CHECK(root.Child("tracks").Child("artist").Child("username").path == "tracks.artist.username");
  CHECK(twirp::FieldPath{"stats"} == root.Child("stats"));
}

TEST_CASE("MakeFieldMask: the paths in the given order, which Parse accepts and canonicalizes") {
  const pb::FieldMask mask =
      twirp::MakeFieldMask({{"tracks.title"}, {"tracks.artist.username"}, {"tracks.artist"}});
  REQUIRE(mask.paths_size() == 3);
  CHECK(mask.paths(0) == "tracks.title");
  CHECK(mask.paths(1) == "tracks.artist.username");
  CHECK(mask.paths(2) == "tracks.artist");

  auto parsed = twirp::FieldMask::Parse(mask, GetTracksResponse::descriptor(), "field_mask");
  REQUIRE(parsed.ok());
  CHECK(parsed->ToString() == "tracks.artist,tracks.title");

  const std::vector<twirp::FieldPath> paths = {{"tracks.id"}, {"tracks.stats"}};
  const pb::FieldMask from_vector = twirp::MakeFieldMask(paths);
  REQUIRE(from_vector.paths_size() == 2);
  CHECK(from_vector.paths(1) == "tracks.stats");
  CHECK(twirp::MakeFieldMask({}).paths_size() == 0);
}
