// protoc driving the freshly built plugin, for what the golden files cannot show:
// refusals and their messages (wire-protocol.md §8.1, §8.3, §8.4; field-mask options).
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

namespace {

namespace fs = std::filesystem;

struct ProtocRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// A fresh, empty output directory per run.
fs::path ScratchDir(const std::string& name) {
  fs::path dir = fs::path(TWIRPCPP_TEST_SCRATCH_DIR) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

ProtocRun RunProtoc(const std::string& proto, const fs::path& out_dir,
                    const std::string& parameters = "") {
  const std::string out =
      parameters.empty() ? out_dir.string() : parameters + ":" + out_dir.string();
  const std::string command = std::string("'") + TWIRPCPP_TEST_PROTOC + "' -I'" +
                              TWIRPCPP_TEST_PROTOS_DIR + "' -I'" + TWIRPCPP_TEST_OPTIONS_PROTO_DIR +
                              "' --plugin=protoc-gen-twirpcpp='" + TWIRPCPP_TEST_PLUGIN +
                              "' --twirpcpp_out='" + out + "' '" + proto + "' 2>&1";
  ProtocRun run;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.output.append(buffer, n);
  const int status = pclose(pipe);
  REQUIRE(WIFEXITED(status));
  run.exit_code = WEXITSTATUS(status);
  return run;
}

bool IsEmptyDir(const fs::path& dir) {
  return fs::directory_iterator(dir) == fs::directory_iterator();
}

}  // namespace

TEST_CASE("§8.3 a streaming method makes protoc fail, naming the file and the method") {
  // A deliberate difference from Go, which would generate it as a unary method.
  const fs::path out = ScratchDir("streaming");
  const ProtocRun run = RunProtoc("twirpcpp/plugin/streaming/v1/streaming.proto", out);
  CHECK(run.exit_code != 0);
  CHECK_THAT(run.output,
             Catch::Contains("twirpcpp/plugin/streaming/v1/streaming.proto: method "
                             "twirpcpp.plugin.streaming.v1.Chat.Talk is streaming; Twirp supports "
                             "unary methods only"));
  CHECK(IsEmptyDir(out));  // not even the unary Hello
}

TEST_CASE("an unknown plugin parameter makes protoc fail, naming the parameter") {
  const fs::path out = ScratchDir("parameter");
  const ProtocRun run = RunProtoc("twitch/twirp/example/haberdasher.proto", out, "frobnicate=yes");
  CHECK(run.exit_code != 0);
  CHECK_THAT(run.output, Catch::Contains("unknown parameter \"frobnicate\""));
  CHECK(IsEmptyDir(out));
}

TEST_CASE("§8.1 a proto without services yields its field paths only, no Twirp files") {
  const fs::path out = ScratchDir("no_services");
  const ProtocRun run = RunProtoc("twirpcpp/plugin/common/v1/types.proto", out);
  CHECK(run.exit_code == 0);
  CHECK(run.output.empty());
  CHECK(fs::is_regular_file(out / "twirpcpp/plugin/common/v1/types.fields.h"));
  CHECK_FALSE(fs::exists(out / "twirpcpp/plugin/common/v1/types.twirp.h"));
  CHECK_FALSE(fs::exists(out / "twirpcpp/plugin/common/v1/types.twirp.cc"));
}

TEST_CASE("§8.1 a proto with services yields <path>.twirp.h, <path>.twirp.cc and <path>.fields.h") {
  const fs::path out = ScratchDir("haberdasher");
  const ProtocRun run = RunProtoc("twitch/twirp/example/haberdasher.proto", out);
  CHECK(run.exit_code == 0);
  CHECK(fs::is_regular_file(out / "twitch/twirp/example/haberdasher.twirp.h"));
  CHECK(fs::is_regular_file(out / "twitch/twirp/example/haberdasher.twirp.cc"));
  CHECK(fs::is_regular_file(out / "twitch/twirp/example/haberdasher.fields.h"));
}

TEST_CASE("a field_mask option naming no field of the request makes protoc fail, naming both") {
  const fs::path out = ScratchDir("mask_missing_field");
  const ProtocRun run = RunProtoc("twirpcpp/plugin/bad_options/v1/missing_field.proto", out);
  CHECK(run.exit_code != 0);
  CHECK_THAT(run.output,
             Catch::Contains("twirpcpp/plugin/bad_options/v1/missing_field.proto: method "
                             "twirpcpp.plugin.bad_options.v1.Shop.GetItem: "
                             "(twirpcpp.field_mask).request_field names \"read_mask\", which is "
                             "not a field of twirpcpp.plugin.bad_options.v1.GetItemRequest"));
  CHECK(IsEmptyDir(out));
}

TEST_CASE("a field_mask option naming a field that is not a FieldMask makes protoc fail") {
  const fs::path out = ScratchDir("mask_wrong_type");
  const ProtocRun run = RunProtoc("twirpcpp/plugin/bad_options/v1/wrong_type.proto", out);
  CHECK(run.exit_code != 0);
  CHECK_THAT(run.output,
             Catch::Contains("method twirpcpp.plugin.bad_options.v1.Store.ListItems: "
                             "(twirpcpp.field_mask).request_field names \"paths\", which is not a "
                             "google.protobuf.FieldMask field of "
                             "twirpcpp.plugin.bad_options.v1.ListItemsRequest"));
  CHECK(IsEmptyDir(out));
}

TEST_CASE("§8.4 a proto3 file with `optional` fields is accepted (FEATURE_PROTO3_OPTIONAL)") {
  const fs::path out = ScratchDir("optional");
  const ProtocRun run = RunProtoc("twirpcpp/plugin/optional/v1/optional.proto", out);
  CHECK(run.exit_code == 0);
  CHECK(run.output.empty());
  CHECK(fs::is_regular_file(out / "twirpcpp/plugin/optional/v1/optional.twirp.h"));
}
