// The JSON type cache the server and the client hand to json_util
// (runtime/src/json_types.h): the types it hands out are the descriptor pool's,
// and JSON written or read through it is what twirp::Encode and twirp::Decode
// give without it.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/type_resolver_util.h>

#include "codec/json_types.h"
#include "codec/message_codec.h"
#include "twirpcpp/codec.h"
#include "twirpcpp/test/v1/wire.pb.h"

namespace {

namespace pb = google::protobuf;
using twirp::Encoding;
using twirp::internal::JsonTypes;
using twirpcpp::test::v1::EchoRequest;
using twirpcpp::test::v1::EchoResponse;
using twirpcpp::test::v1::Everything;

constexpr const char* kPrefix = "type.googleapis.com/";

std::unique_ptr<pb::util::TypeResolver> PoolResolver() {
  return std::unique_ptr<pb::util::TypeResolver>(pb::util::NewTypeResolverForDescriptorPool(
      "type.googleapis.com", pb::DescriptorPool::generated_pool()));
}

void CheckSameMessageType(JsonTypes& types, const std::string& url) {
  INFO(url);
  pb::Type cached;
  pb::Type from_pool;
  REQUIRE(types.ResolveMessageType(url, &cached).ok());
  REQUIRE(PoolResolver()->ResolveMessageType(url, &from_pool).ok());
  CHECK(pb::util::MessageDifferencer::Equals(cached, from_pool));
}

Everything Populated() {
  Everything e;
  e.set_int64_value(-5);
  e.set_string_value("s");
  e.set_color(twirpcpp::test::v1::COLOR_RED);
  e.mutable_inner()->set_label("in");
  e.add_inners()->set_count(2);
  (*e.mutable_counts())["b"] = 2;
  (*e.mutable_counts())["a"] = 1;
  (*e.mutable_inner_by_id())[7].set_label("seven");
  e.set_choice_text("c");
  e.mutable_created_at()->set_seconds(1);
  e.mutable_dynamic()->mutable_struct_value();
  return e;
}

}  // namespace

TEST_CASE("Prepare names the type as json_util does and is the same each time") {
  JsonTypes types;
  const std::string& url = types.Prepare(*Everything::descriptor());
  CHECK(url == std::string(kPrefix) + "twirpcpp.test.v1.Everything");
  CHECK(&types.Prepare(*Everything::descriptor()) == &url);
  CHECK(types.Prepare(*EchoRequest::descriptor()) ==
        std::string(kPrefix) + "twirpcpp.test.v1.EchoRequest");
}

TEST_CASE(
    "every type reachable from a prepared message resolves as the descriptor pool resolves it") {
  JsonTypes types;
  types.Prepare(*EchoRequest::descriptor());
  for (const char* name :
       {"twirpcpp.test.v1.EchoRequest", "twirpcpp.test.v1.Everything", "twirpcpp.test.v1.Inner",
        "twirpcpp.test.v1.Everything.CountsEntry", "twirpcpp.test.v1.Everything.InnerByIdEntry",
        "google.protobuf.Timestamp", "google.protobuf.StringValue", "google.protobuf.Value",
        "google.protobuf.Struct", "google.protobuf.ListValue"}) {
    CheckSameMessageType(types, std::string(kPrefix) + name);
  }
  for (const char* name : {"twirpcpp.test.v1.Color", "google.protobuf.NullValue"}) {
    const std::string url = std::string(kPrefix) + name;
    INFO(url);
    pb::Enum cached;
    pb::Enum from_pool;
    REQUIRE(types.ResolveEnumType(url, &cached).ok());
    REQUIRE(PoolResolver()->ResolveEnumType(url, &from_pool).ok());
    CHECK(pb::util::MessageDifferencer::Equals(cached, from_pool));
  }
}

TEST_CASE("a type never prepared resolves from the pool; an unknown one fails") {
  JsonTypes types;
  CheckSameMessageType(types, std::string(kPrefix) + "twirpcpp.test.v1.EchoResponse");
  pb::Type type;
  CHECK_FALSE(types.ResolveMessageType(std::string(kPrefix) + "no.such.Type", &type).ok());
  pb::Enum enum_type;
  CHECK_FALSE(types.ResolveEnumType(std::string(kPrefix) + "no.such.Enum", &enum_type).ok());
}

TEST_CASE("JSON through the cache is what twirp::Encode and twirp::Decode give without it") {
  JsonTypes types;
  EchoResponse response;
  response.set_text("t");
  *response.mutable_payload() = Populated();
  const std::vector<const pb::Message*> messages = {&response, &response.payload(),
                                                    &response.payload().inner()};
  for (const twirp::JsonWriteOptions& options :
       {twirp::JsonWriteOptions{}, twirp::kClientJsonWriteOptions,
        twirp::JsonWriteOptions{false, true}}) {
    for (const pb::Message* message : messages) {
      const auto cached = twirp::internal::Encode(*message, Encoding::kJson, options, &types);
      const auto plain = twirp::Encode(*message, Encoding::kJson, options);
      REQUIRE(cached.ok());
      REQUIRE(plain.ok());
      CHECK(*cached == *plain);

      std::unique_ptr<pb::Message> decoded(message->New());
      REQUIRE(twirp::internal::Decode(*plain, Encoding::kJson, *decoded, &types).ok());
      CHECK(pb::util::MessageDifferencer::Equals(*decoded, *message));
    }
  }
  Everything bad;
  const auto refused =
      twirp::internal::Decode(R"({"int32_value":"x"})", Encoding::kJson, bad, &types);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code() == twirp::ErrorCode::kMalformed);
}

TEST_CASE("a message of another descriptor pool is converted from its own pool, not the cache's") {
  pb::FileDescriptorProto file;
  file.set_name("dynamic/thing.proto");
  file.set_package("dynamic");
  file.set_syntax("proto3");
  pb::DescriptorProto& thing = *file.add_message_type();
  thing.set_name("Thing");
  for (auto [name, number, type] : {std::tuple{"name", 1, pb::FieldDescriptorProto::TYPE_STRING},
                                    std::tuple{"n", 2, pb::FieldDescriptorProto::TYPE_INT32}}) {
    pb::FieldDescriptorProto& field = *thing.add_field();
    field.set_name(name);
    field.set_number(number);
    field.set_type(type);
    field.set_label(pb::FieldDescriptorProto::LABEL_OPTIONAL);
    field.set_json_name(name);
  }
  pb::DescriptorPool pool;
  const pb::FileDescriptor* built = pool.BuildFile(file);
  REQUIRE(built != nullptr);
  pb::DynamicMessageFactory factory(&pool);
  std::unique_ptr<pb::Message> message(factory.GetPrototype(built->message_type(0))->New());

  JsonTypes types;
  REQUIRE(twirp::internal::Decode(R"({"name":"x","n":3})", Encoding::kJson, *message, &types).ok());
  const auto encoded = twirp::internal::Encode(*message, Encoding::kJson, {}, &types);
  REQUIRE(encoded.ok());
  CHECK(*encoded == R"({"name":"x","n":3})");
}

TEST_CASE("threads preparing and resolving at once all see complete types") {
  JsonTypes types;
  const std::vector<const pb::Descriptor*> roots = {
      EchoRequest::descriptor(), EchoResponse::descriptor(),
      twirpcpp::test::v1::Empty::descriptor(), twirpcpp::test::v1::Reordered::descriptor()};
  const EchoResponse expected_response = [] {
    EchoResponse r;
    r.set_text("x");
    *r.mutable_payload() = Populated();
    return r;
  }();
  const std::string expected = *twirp::Encode(expected_response, Encoding::kJson);
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        types.Prepare(*roots[(t + i) % roots.size()]);
        const auto encoded =
            twirp::internal::Encode(expected_response, Encoding::kJson, {}, &types);
        if (!encoded.ok() || *encoded != expected) ++mismatches[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(mismatches == std::vector<int>(4, 0));
}
