// Names the generator derives from descriptors: Go's CamelCase (wire-protocol.md §1.9),
// C++ keywords and clashes, and the route strings (§1.1, §8.2, §8.5).
#include <memory>
#include <string>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/text_format.h>
#include <catch2/catch.hpp>

#include "generator.h"
#include "names.h"

namespace {

namespace pb = google::protobuf;
using twirp::plugin::GoCamelCase;

// Builds `file_text` (a FileDescriptorProto in text format) into `pool`.
const pb::FileDescriptor* BuildFile(pb::DescriptorPool& pool, const std::string& file_text) {
  pb::FileDescriptorProto proto;
  REQUIRE(pb::TextFormat::ParseFromString(file_text, &proto));
  const pb::FileDescriptor* file = pool.BuildFile(proto);
  REQUIRE(file != nullptr);
  return file;
}

constexpr const char* kNamesFile = R"pb(
  name: "names.proto"
  package: "twirpcpp.plugin.names.v1"
  syntax: "proto3"
  message_type { name: "namespace" }
  message_type {
    name: "Outer"
    nested_type { name: "Inner" }
  }
  service {
    name: "Haberdasher_v1"
    method {
      name: "MakeHat_v1"
      input_type: ".twirpcpp.plugin.names.v1.namespace"
      output_type: ".twirpcpp.plugin.names.v1.Outer.Inner"
    }
    method {
      name: "delete"
      input_type: ".twirpcpp.plugin.names.v1.namespace"
      output_type: ".twirpcpp.plugin.names.v1.namespace"
    }
    method {
      name: "DeleteBlocking"
      input_type: ".twirpcpp.plugin.names.v1.namespace"
      output_type: ".twirpcpp.plugin.names.v1.namespace"
    }
  }
  service {
    name: "Ledger"
    method {
      name: "Ledger"
      input_type: ".twirpcpp.plugin.names.v1.namespace"
      output_type: ".twirpcpp.plugin.names.v1.namespace"
    }
  }
)pb";

}  // namespace

TEST_CASE("§1.9 CamelCase keeps an upper-case letter after a kept underscore: MakeHat_V1 stays") {
  CHECK(GoCamelCase("MakeHat_V1") == "MakeHat_V1");
}

TEST_CASE("§1.7 §1.9 CamelCase drops '_' before a lower-case letter and upper-cases it") {
  CHECK(GoCamelCase("Haberdasher_v1") == "HaberdasherV1");
  CHECK(GoCamelCase("MakeHat_v1") == "MakeHatV1");
  CHECK(GoCamelCase("make_hat") == "MakeHat");
  CHECK(GoCamelCase("a_b_c") == "ABC");
}

TEST_CASE("§1.9 CamelCase upper-cases a lower-case letter at the start and after a digit") {
  CHECK(GoCamelCase("get2fa") == "Get2Fa");
  CHECK(GoCamelCase("makeHat") == "MakeHat");
  CHECK(GoCamelCase("v1beta2api") == "V1Beta2Api");
}

TEST_CASE("§1.9 CamelCase turns a leading '_' into 'X'") {
  CHECK(GoCamelCase("_my_field_name_2") == "XMyFieldName_2");
  CHECK(GoCamelCase("_private") == "XPrivate");
  CHECK(GoCamelCase("_") == "X");
  CHECK(GoCamelCase("__x") == "XX");
}

TEST_CASE("§1.9 CamelCase keeps '_' not followed by a lower-case letter, and upper-case runs") {
  CHECK(GoCamelCase("get_2fa") == "Get_2Fa");
  CHECK(GoCamelCase("foo__bar") == "Foo_Bar");
  CHECK(GoCamelCase("trailing_") == "Trailing_");
  CHECK(GoCamelCase("HTTPServer") == "HTTPServer");
  CHECK(GoCamelCase("ABcd_efGh") == "ABcdEfGh");
  CHECK(GoCamelCase("MakeHat") == "MakeHat");
  CHECK(GoCamelCase("") == "");
}

TEST_CASE("§8.6 names differing only in style map to one CamelCase name") {
  CHECK(GoCamelCase("myMethod") == "MyMethod");
  CHECK(GoCamelCase("my_method") == "MyMethod");
  CHECK(GoCamelCase("MyMethod") == "MyMethod");
}

TEST_CASE("C++ keywords get protoc's trailing underscore, other names are kept") {
  using twirp::plugin::CppSafeName;
  using twirp::plugin::IsCppKeyword;
  CHECK(IsCppKeyword("delete"));
  CHECK(IsCppKeyword("co_await"));
  CHECK(IsCppKeyword("requires"));
  CHECK(IsCppKeyword("NULL"));
  CHECK_FALSE(IsCppKeyword("Delete"));
  CHECK_FALSE(IsCppKeyword(""));
  CHECK(CppSafeName("delete") == "delete_");
  CHECK(CppSafeName("namespace") == "namespace_");
  CHECK(CppSafeName("Delete") == "Delete");
  CHECK(CppSafeName("MakeHat") == "MakeHat");
}

TEST_CASE("§8.1 output files are named by the proto path without .proto or .protodevel") {
  using twirp::plugin::FileStem;
  CHECK(FileStem("twitch/twirp/example/haberdasher.proto") == "twitch/twirp/example/haberdasher");
  CHECK(FileStem("old.protodevel") == "old");
  CHECK(FileStem("no_extension") == "no_extension");
}

TEST_CASE("§1.7 §1.9 §8.2 a service's generated names and routes use Go's CamelCase") {
  pb::DescriptorPool pool;
  const pb::FileDescriptor* file = BuildFile(pool, kNamesFile);
  const twirp::plugin::ServiceNames s = twirp::plugin::NameService(file->service(0));
  CHECK(s.name == "Haberdasher_v1");
  CHECK(s.camel_name == "HaberdasherV1");
  CHECK(s.package == "twirpcpp.plugin.names.v1");
  CHECK(s.path_prefix == "/twirp/twirpcpp.plugin.names.v1.HaberdasherV1/");
  CHECK(s.interface_class == "HaberdasherV1");
  CHECK(s.blocking_class == "HaberdasherV1Blocking");
  CHECK(s.client_class == "HaberdasherV1Client");
  CHECK(s.register_function == "RegisterHaberdasherV1");
  REQUIRE(s.methods.size() == 3);

  const auto& make_hat = s.methods[0];
  CHECK(make_hat.name == "MakeHat_v1");
  CHECK(make_hat.camel_name == "MakeHatV1");
  CHECK(make_hat.cpp_name == "MakeHatV1");
  CHECK(make_hat.blocking_name == "MakeHatV1Blocking");
  CHECK(make_hat.name_constant == "kMakeHatV1MethodName");
  CHECK(make_hat.names_constant == "kHaberdasherV1MakeHatV1Method");
  // Message classes as protoc names them: keywords renamed, nesting joined by '_'.
  CHECK(make_hat.request_type == "::twirpcpp::plugin::names::v1::namespace_");
  CHECK(make_hat.response_type == "::twirpcpp::plugin::names::v1::Outer_Inner");
}

TEST_CASE("§1.9 a method named by a C++ keyword is CamelCased, so never a keyword in C++") {
  pb::DescriptorPool pool;
  const twirp::plugin::ServiceNames s =
      twirp::plugin::NameService(BuildFile(pool, kNamesFile)->service(0));
  CHECK(s.methods[1].name == "delete");
  CHECK(s.methods[1].camel_name == "Delete");
  CHECK(s.methods[1].cpp_name == "Delete");
}

TEST_CASE("a client blocking form that clashes with another method gets an underscore") {
  pb::DescriptorPool pool;
  const twirp::plugin::ServiceNames s =
      twirp::plugin::NameService(BuildFile(pool, kNamesFile)->service(0));
  CHECK(s.methods[1].blocking_name == "DeleteBlocking_");  // "DeleteBlocking" is a method
  CHECK(s.methods[2].cpp_name == "DeleteBlocking");
  CHECK(s.methods[2].blocking_name == "DeleteBlockingBlocking");
}

TEST_CASE("a method named like its service class gets an underscore (it would be a constructor)") {
  pb::DescriptorPool pool;
  const twirp::plugin::ServiceNames s =
      twirp::plugin::NameService(BuildFile(pool, kNamesFile)->service(1));
  CHECK(s.methods[0].camel_name == "Ledger");  // the wire name is unchanged
  CHECK(s.methods[0].cpp_name == "Ledger_");
  CHECK(s.methods[0].blocking_name == "Ledger_Blocking");
}

TEST_CASE("§1.1 §8.5 without a package the path prefix has no package and no namespace is used") {
  pb::DescriptorPool pool;
  const pb::FileDescriptor* file = BuildFile(pool, R"pb(
    name: "no_package.proto"
    syntax: "proto3"
    message_type { name: "Phrase" }
    service {
      name: "Echo"
      method { name: "Say" input_type: ".Phrase" output_type: ".Phrase" }
    }
  )pb");
  const twirp::plugin::ServiceNames s = twirp::plugin::NameService(file->service(0));
  CHECK(s.package.empty());
  CHECK(s.path_prefix == "/twirp/Echo/");
  CHECK(twirp::plugin::CppNamespace(file).empty());
  CHECK(s.methods[0].request_type == "::Phrase");
}

TEST_CASE("a package maps to nested namespaces as protoc's C++ output has them") {
  pb::DescriptorPool pool;
  const pb::FileDescriptor* file = BuildFile(pool, kNamesFile);
  CHECK(twirp::plugin::CppNamespace(file) == "twirpcpp::plugin::names::v1");
}

TEST_CASE(
    "§1.7 §8.6 two methods with one CamelCase name are refused: routes could not tell them apart") {
  pb::DescriptorPool pool;
  const pb::FileDescriptor* file = BuildFile(pool, R"pb(
    name: "clash.proto"
    package: "p"
    syntax: "proto3"
    message_type { name: "M" }
    service {
      name: "S"
      method { name: "my_method" input_type: ".p.M" output_type: ".p.M" }
      method { name: "myMethod" input_type: ".p.M" output_type: ".p.M" }
    }
  )pb");
  const std::string clash =
      twirp::plugin::FindNameClash(file, {twirp::plugin::NameService(file->service(0))});
  CHECK_THAT(clash, Catch::Contains("MyMethod") && Catch::Contains("p.S.myMethod") &&
                        Catch::Contains("p.S.my_method"));
}

TEST_CASE("a generated class that collides with a message of the package is refused") {
  pb::DescriptorPool pool;
  const pb::FileDescriptor* file = BuildFile(pool, R"pb(
    name: "clash.proto"
    package: "p"
    syntax: "proto3"
    message_type { name: "SClient" }
    service {
      name: "S"
      method { name: "Get" input_type: ".p.SClient" output_type: ".p.SClient" }
    }
  )pb");
  const std::string clash =
      twirp::plugin::FindNameClash(file, {twirp::plugin::NameService(file->service(0))});
  CHECK_THAT(clash, Catch::Contains("SClient") && Catch::Contains("p.SClient"));
}

TEST_CASE("distinct names are no clash") {
  pb::DescriptorPool pool;
  const pb::FileDescriptor* file = BuildFile(pool, kNamesFile);
  CHECK(twirp::plugin::FindNameClash(file, {twirp::plugin::NameService(file->service(0)),
                                            twirp::plugin::NameService(file->service(1))})
            .empty());
}

TEST_CASE("plugin parameters: none given is fine, an unknown key=value is refused by name") {
  twirp::plugin::Parameters parameters;
  std::string error;
  CHECK(twirp::plugin::ParseParameters("", parameters, error));
  CHECK_FALSE(twirp::plugin::ParseParameters("field_mask=strict", parameters, error));
  CHECK_THAT(error, Catch::Contains("unknown parameter \"field_mask\""));
  CHECK_FALSE(twirp::plugin::ParseParameters("paths=source_relative,x", parameters, error));
  CHECK_THAT(error, Catch::Contains("\"paths\""));
}
