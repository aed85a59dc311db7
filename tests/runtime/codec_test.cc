// Content types and message (de)serialization (wire-protocol.md §2 and §3). JSON
// output is compared parsed (§3.5), except where a rule is about presence or order.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <nlohmann/json.hpp>

#include "twirpcpp/codec.h"
#include "twirpcpp/test/v1/wire.pb.h"

namespace {

using nlohmann::json;
using twirp::Encoding;
using twirpcpp::test::v1::Everything;

json ParsedJson(const google::protobuf::Message& message,
                const twirp::JsonWriteOptions& options = {}) {
  twirp::Result<std::string> encoded = twirp::Encode(message, Encoding::kJson, options);
  REQUIRE(encoded.ok());
  INFO(*encoded);
  return json::parse(*encoded);
}

std::vector<std::string> KeysInOrder(const google::protobuf::Message& message,
                                     const twirp::JsonWriteOptions& options = {}) {
  twirp::Result<std::string> encoded = twirp::Encode(message, Encoding::kJson, options);
  REQUIRE(encoded.ok());
  std::vector<std::string> keys;
  const auto parsed = nlohmann::ordered_json::parse(*encoded);
  for (const auto& [key, value] : parsed.items()) keys.push_back(key);
  return keys;
}

Everything FullySet() {
  Everything e;
  e.set_int32_value(-7);
  e.set_int64_value(-9007199254740993);
  e.set_uint64_value(18446744073709551615ULL);
  e.set_bool_value(true);
  e.set_string_value("h\xc3\xa9 <&>");
  e.set_bytes_value(std::string("\xfb\xff\x00", 3));
  e.set_double_value(1.5);
  e.set_float_value(0.25F);
  e.set_color(twirpcpp::test::v1::COLOR_BLUE);
  e.mutable_inner()->set_label("in");
  e.mutable_inner()->set_count(3);
  e.add_numbers(1);
  e.add_numbers(2);
  e.add_inners()->set_label("x");
  (*e.mutable_counts())["b"] = 2;
  (*e.mutable_counts())["a"] = 1;
  (*e.mutable_inner_by_id())[10].set_count(10);
  (*e.mutable_inner_by_id())[-3].set_count(-3);
  e.set_choice_text("chosen");
  e.set_maybe(0);
  e.mutable_created_at()->set_seconds(1577836800);
  e.mutable_nickname()->set_value("nick");
  e.mutable_dynamic()->set_string_value("dyn");
  e.set_camel_me_json("c");
  return e;
}

// Every field that is not in a oneof populated, and maps of one entry: json_util
// writes this without filling anything in.
Everything FullyPopulated() {
  Everything e = FullySet();
  e.mutable_inners(0)->set_count(1);
  e.mutable_counts()->erase("b");
  e.mutable_inner_by_id()->erase(-3);
  (*e.mutable_inner_by_id())[10].set_label("ten");
  return e;
}

twirp::Result<void> DecodeJson(std::string_view body, Everything& e) {
  return twirp::Decode(body, Encoding::kJson, e);
}

bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

}  // namespace

// ---- §2.1-2.3 content types ----

TEST_CASE("§2.3 response content types are exactly application/json and application/protobuf") {
  CHECK(twirp::ContentType(Encoding::kJson) == "application/json");
  CHECK(twirp::ContentType(Encoding::kProtobuf) == "application/protobuf");
}

TEST_CASE("§2.1 the media type before ';' is trimmed and lower-cased before matching") {
  CHECK(twirp::EncodingFromContentType("application/json") == Encoding::kJson);
  CHECK(twirp::EncodingFromContentType("application/protobuf") == Encoding::kProtobuf);
  CHECK(twirp::EncodingFromContentType("Application/JSON; charset=utf-8") == Encoding::kJson);
  CHECK(twirp::EncodingFromContentType(" \tAPPLICATION/PROTOBUF \t;x=y;z") == Encoding::kProtobuf);
  CHECK(twirp::EncodingFromContentType("application/json;") == Encoding::kJson);
}

TEST_CASE("§2.2 anything else selects no codec") {
  for (const char* header :
       {"", " ", ";application/json", "application/x-protobuf", "application/jsonx",
        "application/json+x", "text/json", "application/ json", "application/json\n",
        "application/json, application/protobuf", "*/*"}) {
    INFO(header);
    CHECK_FALSE(twirp::EncodingFromContentType(header));
  }
}

// ---- §2.5-2.6, §2.10 protobuf ----

TEST_CASE("§2.10 an all-default message encodes to an empty protobuf body") {
  CHECK(twirp::Encode(Everything(), Encoding::kProtobuf)->empty());
  Everything zero;
  zero.set_int32_value(0);
  zero.set_string_value("");
  CHECK(twirp::Encode(zero, Encoding::kProtobuf)->empty());
}

TEST_CASE("§2.5 protobuf round trip; an empty body is the all-default message") {
  const Everything sent = FullySet();
  const twirp::Result<std::string> bytes = twirp::Encode(sent, Encoding::kProtobuf);
  REQUIRE(bytes.ok());
  Everything got;
  got.set_int32_value(99);  // Decode clears first
  REQUIRE(twirp::Decode(*bytes, Encoding::kProtobuf, got).ok());
  CHECK(Same(got, sent));
  REQUIRE(twirp::Decode("", Encoding::kProtobuf, got).ok());
  CHECK(Same(got, Everything()));
}

TEST_CASE("§2.5 unknown protobuf fields are kept") {
  const std::string bytes = *twirp::Encode(FullySet(), Encoding::kProtobuf);
  twirpcpp::test::v1::Empty empty;
  REQUIRE(twirp::Decode(bytes, Encoding::kProtobuf, empty).ok());
  CHECK(*twirp::Encode(empty, Encoding::kProtobuf) == bytes);
}

TEST_CASE("§2.6 undecodable protobuf fails, including invalid UTF-8 in a proto3 string") {
  Everything e;
  CHECK_FALSE(twirp::Decode("\x2a\x01\xff", Encoding::kProtobuf, e).ok());  // string_value = "\xff"
  CHECK(twirp::Decode("\x2a\x01\x61", Encoding::kProtobuf, e).ok());        // string_value = "a"
  CHECK_FALSE(twirp::Decode("\x2a\x05\x61", Encoding::kProtobuf, e).ok());  // truncated
  CHECK_FALSE(
      twirp::Decode("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", Encoding::kProtobuf, e).ok());
  CHECK_FALSE(twirp::Decode("garbage", Encoding::kProtobuf, e).ok());
}

// ---- §3.1-3.6 JSON output ----

TEST_CASE("§3.2 §3.3 emit-unpopulated output of an empty message, as protojson writes it") {
  const json expected = json::parse(R"({
    "int32_value": 0, "int64_value": "0", "uint64_value": "0", "bool_value": false, "string_value": "",
    "bytes_value": "", "double_value": 0, "float_value": 0, "color": "COLOR_UNSPECIFIED",
    "inner": null, "numbers": [], "inners": [], "counts": {}, "inner_by_id": {},
    "created_at": null, "nickname": null, "dynamic": null, "camel_me_json": ""})");
  CHECK(ParsedJson(Everything()) == expected);
}

TEST_CASE("§3.4 fields are written in declaration order, oneof and proto3 optional only when set") {
  CHECK(KeysInOrder(Everything()) ==
        std::vector<std::string>{"int32_value", "int64_value", "uint64_value", "bool_value",
                                 "string_value", "bytes_value", "double_value", "float_value",
                                 "color", "inner", "numbers", "inners", "counts", "inner_by_id",
                                 "created_at", "nickname", "dynamic", "camel_me_json"});
  Everything e;
  e.set_maybe(5);
  e.mutable_choice_inner();
  CHECK(KeysInOrder(e) ==
        std::vector<std::string>{"int32_value",  "int64_value", "uint64_value", "bool_value",
                                 "string_value", "bytes_value", "double_value", "float_value",
                                 "color",        "inner",       "numbers",      "inners",
                                 "counts",       "inner_by_id", "choice_inner", "maybe",
                                 "created_at",   "nickname",    "dynamic",      "camel_me_json"});
}

TEST_CASE("§3.2 §3.4 emit-unpopulated output of a fully set message") {
  const json expected = json::parse(R"({
    "int32_value": -7, "int64_value": "-9007199254740993", "uint64_value": "18446744073709551615",
    "bool_value": true, "string_value": "hé <&>", "bytes_value": "+/8A", "double_value": 1.5,
    "float_value": 0.25, "color": "COLOR_BLUE", "inner": {"label": "in", "count": 3}, "numbers": [1, 2],
    "inners": [{"label": "x", "count": 0}], "counts": {"a": 1, "b": 2},
    "inner_by_id": {"-3": {"label": "", "count": -3}, "10": {"label": "", "count": 10}},
    "choice_text": "chosen", "maybe": 0, "created_at": "2020-01-01T00:00:00Z", "nickname": "nick",
    "dynamic": "dyn", "camel_me_json": "c"})");
  CHECK(ParsedJson(FullySet()) == expected);
}

TEST_CASE(
    "§3.2 §3.4 a fully populated message is written as json_util writes it filling in, in declaration order") {
  // The shortcut of PlanJsonOutput: nothing to fill in, so json_util's
  // filling-in writer is not used. The reference is that writer's output; it
  // moves oneof members and well-known types to the end, protojson does not.
  google::protobuf::util::JsonPrintOptions fill_in;
  fill_in.preserve_proto_field_names = true;
  fill_in.always_print_primitive_fields = true;
  const Everything plain = FullyPopulated();
  Everything with_oneof_message = FullyPopulated();
  with_oneof_message.mutable_choice_inner()->set_label("inside");
  with_oneof_message.mutable_choice_inner()->set_count(1);
  twirpcpp::test::v1::EchoResponse nested;
  nested.set_text("t");
  *nested.mutable_payload() = FullyPopulated();
  for (const google::protobuf::Message* message :
       std::initializer_list<const google::protobuf::Message*>{&plain, &with_oneof_message,
                                                               &nested}) {
    std::string reference;
    REQUIRE(google::protobuf::util::MessageToJsonString(*message, &reference, fill_in).ok());
    CHECK(ParsedJson(*message) == json::parse(reference));
  }
  CHECK(KeysInOrder(with_oneof_message) ==
        std::vector<std::string>{"int32_value",  "int64_value", "uint64_value", "bool_value",
                                 "string_value", "bytes_value", "double_value", "float_value",
                                 "color",        "inner",       "numbers",      "inners",
                                 "counts",       "inner_by_id", "choice_inner", "maybe",
                                 "created_at",   "nickname",    "dynamic",      "camel_me_json"});
}

TEST_CASE("§3.2 a set oneof message with unpopulated fields has them written") {
  Everything e = FullyPopulated();
  e.mutable_choice_inner();
  CHECK(ParsedJson(e)["choice_inner"] == json::parse(R"({"label":"","count":0})"));
  e.mutable_choice_inner()->set_label("l");
  CHECK(ParsedJson(e)["choice_inner"] == json::parse(R"({"label":"l","count":0})"));
}

TEST_CASE("§3.4 fields declared out of number order are written in declaration order") {
  twirpcpp::test::v1::Reordered both;
  both.set_second("2");
  both.set_first("1");
  CHECK(KeysInOrder(both) == std::vector<std::string>{"second", "first"});
  CHECK(KeysInOrder(twirpcpp::test::v1::Reordered()) ==
        std::vector<std::string>{"second", "first"});
}

TEST_CASE("§3.2 unset message fields are null inside set messages, lists and map values") {
  twirpcpp::test::v1::EchoResponse response;
  response.mutable_payload()->mutable_choice_inner();
  const json got = ParsedJson(response);
  CHECK(got["text"] == "");
  CHECK(got["payload"]["inner"].is_null());
  CHECK(got["payload"]["created_at"].is_null());
  CHECK(got["payload"]["choice_inner"] == json::parse(R"({"label":"","count":0})"));
  CHECK_FALSE(got["payload"].contains("maybe"));
  CHECK(twirpcpp::test::v1::EchoResponse().GetDescriptor()->field_count() == 2);
  CHECK(ParsedJson(twirpcpp::test::v1::EchoResponse()) ==
        json::parse(R"({"text":"","payload":null})"));
}

TEST_CASE("§3.4 map keys are written sorted: strings byte-wise, integers numerically") {
  Everything e;
  for (const char* key : {"b", "a", "c", "aa", "B"}) (*e.mutable_counts())[key] = 1;
  for (long long id : {10, -3, 5, 2, -20}) (*e.mutable_inner_by_id())[id];
  for (const twirp::JsonWriteOptions& options :
       {twirp::JsonWriteOptions{}, twirp::kClientJsonWriteOptions}) {
    const std::string out = *twirp::Encode(e, Encoding::kJson, options);
    INFO(out);
    const auto parsed = nlohmann::ordered_json::parse(out);
    std::vector<std::string> counts;
    std::vector<std::string> ids;
    for (const auto& [key, value] : parsed["counts"].items()) counts.push_back(key);
    for (const auto& [key, value] : parsed["inner_by_id"].items()) ids.push_back(key);
    CHECK(counts == std::vector<std::string>{"B", "a", "aa", "b", "c"});
    CHECK(ids == std::vector<std::string>{"-20", "-3", "2", "5", "10"});
  }
}

TEST_CASE(
    "§3.4 64-bit integers as strings, unknown enum numbers as integers, NaN and Infinity as strings") {
  Everything e;
  e.set_color(static_cast<twirpcpp::test::v1::Color>(7));
  e.set_double_value(std::numeric_limits<double>::infinity());
  e.set_float_value(std::numeric_limits<float>::quiet_NaN());
  e.set_int64_value(1);
  const json got = ParsedJson(e);
  CHECK(got["color"] == 7);
  CHECK(got["double_value"] == "Infinity");
  CHECK(got["float_value"] == "NaN");
  CHECK(got["int64_value"] == "1");
}

TEST_CASE("§3.13 camel-case names write json_name") {
  Everything e;
  e.set_camel_me_json("c");
  const json got = ParsedJson(e, {.use_proto_names = false, .emit_unpopulated = true});
  CHECK(got["customJsonName"] == "c");
  CHECK(got["int32Value"] == 0);
  CHECK(got["innerById"] == json::object());
  CHECK(got["createdAt"].is_null());
}

TEST_CASE("§3.6 §3.13 skip-defaults output omits unpopulated fields; all-default is {}") {
  CHECK(*twirp::Encode(Everything(), Encoding::kJson, twirp::kClientJsonWriteOptions) == "{}");
  Everything e;
  e.set_int32_value(1);
  e.mutable_inner();
  e.set_maybe(0);
  CHECK(ParsedJson(e, twirp::kClientJsonWriteOptions) ==
        json::parse(R"({"int32_value":1,"inner":{},"maybe":0})"));
}

TEST_CASE("§3.2 proto2: unset scalars with presence are null, repeated [], oneof omitted") {
  // A proto2 message built at run time, so that no test proto is needed.
  google::protobuf::FileDescriptorProto file;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        name: "p2.proto"
        package: "p2"
        syntax: "proto2"
        message_type {
          name: "P2"
          field { name: "a" number: 1 label: LABEL_OPTIONAL type: TYPE_INT32 }
          field { name: "s" number: 2 label: LABEL_OPTIONAL type: TYPE_STRING default_value: "x" }
          field { name: "r" number: 3 label: LABEL_REPEATED type: TYPE_INT32 }
          field {
            name: "child"
            number: 4
            label: LABEL_OPTIONAL
            type: TYPE_MESSAGE
            type_name: ".p2.P2"
          }
          field { name: "c" number: 5 label: LABEL_OPTIONAL type: TYPE_INT32 oneof_index: 0 }
          oneof_decl { name: "o" }
        })pb",
      &file));
  google::protobuf::DescriptorPool pool;
  const google::protobuf::FileDescriptor* fd = pool.BuildFile(file);
  REQUIRE(fd != nullptr);
  google::protobuf::DynamicMessageFactory factory(&pool);
  std::unique_ptr<google::protobuf::Message> m(factory.GetPrototype(fd->message_type(0))->New());
  CHECK(ParsedJson(*m) == json::parse(R"({"a":null,"s":null,"r":[],"child":null})"));
  CHECK(ParsedJson(*m, twirp::kClientJsonWriteOptions) == json::object());
  m->GetReflection()->SetInt32(m.get(), fd->message_type(0)->field(0), 0);
  m->GetReflection()->MutableMessage(m.get(), fd->message_type(0)->field(3));
  CHECK(ParsedJson(*m) ==
        json::parse(R"({"a":0,"s":null,"r":[],"child":{"a":null,"s":null,"r":[],"child":null}})"));
}

TEST_CASE("§3.5 JSON round trip of a fully set message, under both name options") {
  for (const twirp::JsonWriteOptions& options :
       {twirp::JsonWriteOptions{}, twirp::JsonWriteOptions{false, true},
        twirp::kClientJsonWriteOptions}) {
    const twirp::Result<std::string> text = twirp::Encode(FullySet(), Encoding::kJson, options);
    REQUIRE(text.ok());
    Everything got;
    INFO(*text);
    REQUIRE(DecodeJson(*text, got).ok());
    CHECK(Same(got, FullySet()));
  }
  Everything got;
  REQUIRE(DecodeJson(*twirp::Encode(Everything(), Encoding::kJson), got).ok());
  // "dynamic": null reads back as a Value holding null (§3.9), as in protojson.
  Everything expected;
  expected.mutable_dynamic()->set_null_value({});
  CHECK(Same(got, expected));
}

// ---- §2.7-2.8 the first JSON value ----

TEST_CASE(
    "(deliberate difference from §2.7) one JSON value: whitespace may follow it and nothing else") {
  Everything e;
  REQUIRE(DecodeJson(" \r\n\t{\"string_value\":\"}{\\\"\"} \r\n\t", e).ok());
  CHECK(e.string_value() == "}{\"");
  for (const char* body :
       {R"({"int32_value":1}garbage)", R"({"int32_value":1}xyz)",
        " \r\n\t{\"string_value\":\"}{\\\"\"} {\"int32_value\":", "{}[", "{}{}", "{} x"}) {
    INFO(body);
    CHECK_FALSE(DecodeJson(body, e).ok());
  }
}

TEST_CASE("§2.8 empty, blank, null and non-object JSON bodies fail") {
  Everything e;
  for (const char* body : {"", "   \n", "null", "[]", "[{}]", "1", "\"{}\"", "true", "{",
                           R"({"int32_value":1)", "}{", "x{}"}) {
    INFO(body);
    CHECK_FALSE(DecodeJson(body, e).ok());
  }
}

TEST_CASE("§2.7 the first value must be valid JSON as encoding/json reads it") {
  Everything e;
  for (const char* body :
       {"{'int32_value':1}", R"({"int32_value":1,})", R"({"int32_value":01})",
        R"({"int32_value":1 "string_value":"a"})", R"({"x":tru})", R"({"x":[1,]})",
        "{\"string_value\":\"a\x01\"}", R"({"x":"\q"})", R"({"double_value":Infinity})"}) {
    INFO(body);
    CHECK_FALSE(DecodeJson(body, e).ok());
  }
}

// ---- §3.7-3.11 JSON input ----

TEST_CASE("§3.7 unknown keys are skipped, at any depth") {
  Everything e;
  REQUIRE(
      DecodeJson(
          R"({"nope":{"a":[1,{"b":null}],"c":"\u00e9"},"inner":{"zzz":1,"label":"l"},"int32_value":3})",
          e)
          .ok());
  CHECK(e.int32_value() == 3);
  CHECK(e.inner().label() == "l");
}

TEST_CASE("§3.8 a key is the JSON name or the proto name, exact case") {
  Everything e;
  REQUIRE(DecodeJson(
              R"({"int32Value":1,"string_value":"s","customJsonName":"c","innerById":{"1":{}}})", e)
              .ok());
  CHECK(e.int32_value() == 1);
  CHECK(e.string_value() == "s");
  CHECK(e.camel_me_json() == "c");
  CHECK(e.inner_by_id().size() == 1);
  REQUIRE(DecodeJson(R"({"camel_me_json":"p"})", e).ok());
  CHECK(e.camel_me_json() == "p");
  // Other spellings are unknown keys, skipped.
  REQUIRE(DecodeJson(R"({"Int32_value":1,"INT32VALUE":2,"camelMeJson":"x"})", e).ok());
  CHECK(Same(e, Everything()));
}

TEST_CASE("§3.8 a field given twice, under either name or as null, is an error") {
  Everything e;
  for (const char* body :
       {R"({"int32_value":1,"int32_value":2})", R"({"int32_value":1,"int32Value":2})",
        R"({"int32_value":null,"int32_value":1})", R"({"inner":{"label":"a","label":"b"}})",
        R"({"inners":[{"count":1,"count":2}]})", R"({"inner_by_id":{"1":{"count":1,"count":1}}})",
        R"({"customJsonName":"a","camel_me_json":"b"})"}) {
    INFO(body);
    CHECK_FALSE(DecodeJson(body, e).ok());
  }
  // The same key in two different objects is fine.
  CHECK(DecodeJson(R"({"inner":{"count":1},"inners":[{"count":1},{"count":2}]})", e).ok());
}

TEST_CASE("§3.8 a map key given twice is an error, also as two spellings of one number") {
  Everything e;
  CHECK_FALSE(DecodeJson(R"({"counts":{"a":1,"a":2}})", e).ok());
  CHECK_FALSE(DecodeJson(R"({"inner_by_id":{"1":{},"01":{}}})", e).ok());
  CHECK(DecodeJson(R"({"counts":{"a":1,"b":2}})", e).ok());
}

TEST_CASE("§3.8 two members of one oneof is an error, but a null member does not count") {
  Everything e;
  CHECK_FALSE(DecodeJson(R"({"choice_text":"a","choice_inner":{}})", e).ok());
  REQUIRE(DecodeJson(R"({"choice_text":null,"choice_inner":{"count":2}})", e).ok());
  CHECK(e.choice_inner().count() == 2);
}

TEST_CASE("§3.9 null means unset, except for google.protobuf.Value") {
  Everything e;
  REQUIRE(DecodeJson(
              R"({"int32_value":null,"string_value":null,"inner":null,"numbers":null,"counts":null,
                          "maybe":null,"choice_text":null,"created_at":null,"nickname":null,"color":null})",
              e)
              .ok());
  CHECK(Same(e, Everything()));
  CHECK_FALSE(e.has_maybe());
  REQUIRE(DecodeJson(R"({"dynamic":null})", e).ok());
  CHECK(e.has_dynamic());
  CHECK(e.dynamic().has_null_value());
  REQUIRE(DecodeJson(R"({"dynamic":{"a":[1,null]}})", e).ok());
  CHECK(e.dynamic().struct_value().fields().at("a").list_value().values(1).has_null_value());
}

TEST_CASE("§3.9 null inside a list or as a map value is an error") {
  Everything e;
  CHECK_FALSE(DecodeJson(R"({"numbers":[1,null]})", e).ok());
  CHECK_FALSE(DecodeJson(R"({"inners":[null]})", e).ok());
  CHECK_FALSE(DecodeJson(R"({"counts":{"a":null}})", e).ok());
  CHECK_FALSE(DecodeJson(R"({"inner_by_id":{"1":null}})", e).ok());
}

TEST_CASE("§3.10 integers as numbers or decimal strings") {
  Everything e;
  REQUIRE(
      DecodeJson(
          R"({"int32_value":"12","int64_value":-9223372036854775808,"uint64_value":"18446744073709551615"})",
          e)
          .ok());
  CHECK(e.int32_value() == 12);
  CHECK(e.int64_value() == std::numeric_limits<std::int64_t>::min());
  CHECK(e.uint64_value() == std::numeric_limits<std::uint64_t>::max());
  REQUIRE(DecodeJson(R"({"int32_value":1.0,"int64_value":1e2})", e)
              .ok());  // integral values in number form
  CHECK(e.int32_value() == 1);
  CHECK(e.int64_value() == 100);
  REQUIRE(DecodeJson(R"({"int64_value":9007199254740993})", e).ok());  // exact beyond 2^53
  CHECK(e.int64_value() == 9007199254740993);
  for (const char* body :
       {R"({"int32_value":" 12"})", R"({"int32_value":"12 "})", R"({"int32_value":1.5})",
        R"({"int32_value":2147483648})", R"({"uint64_value":"-1"})", R"({"int32_value":true})",
        R"({"int32_value":"0x10"})"}) {
    INFO(body);
    CHECK_FALSE(DecodeJson(body, e).ok());
  }
}

TEST_CASE("§3.10 floats as numbers, numeric strings, NaN and Infinity") {
  Everything e;
  REQUIRE(DecodeJson(R"({"double_value":"1.5","float_value":"-Infinity"})", e).ok());
  CHECK(e.double_value() == 1.5);
  CHECK(e.float_value() == -std::numeric_limits<float>::infinity());
  REQUIRE(DecodeJson(R"({"double_value":"NaN","float_value":"Infinity"})", e).ok());
  CHECK(std::isnan(e.double_value()));
  CHECK_FALSE(DecodeJson(R"({"double_value":"nan"})", e).ok());
  CHECK_FALSE(DecodeJson(R"({"float_value":1e39})", e).ok());  // out of float range
}

TEST_CASE("§3.10 bools only true and false") {
  Everything e;
  REQUIRE(DecodeJson(R"({"bool_value":true})", e).ok());
  CHECK(e.bool_value());
  for (const char* body : {R"({"bool_value":"true"})", R"({"bool_value":"false"})",
                           R"({"bool_value":1})", R"({"bool_value":0})"}) {
    INFO(body);
    CHECK_FALSE(DecodeJson(body, e).ok());
  }
}

TEST_CASE("§3.11 enums by name or number; an unknown name leaves the field unset (§3.12)") {
  Everything e;
  REQUIRE(DecodeJson(R"({"color":"COLOR_RED"})", e).ok());
  CHECK(e.color() == twirpcpp::test::v1::COLOR_RED);
  REQUIRE(DecodeJson(R"({"color":2})", e).ok());
  CHECK(e.color() == twirpcpp::test::v1::COLOR_BLUE);
  REQUIRE(DecodeJson(R"({"color":7})", e).ok());
  CHECK(e.color() == 7);
  REQUIRE(DecodeJson(R"({"color":"COLOR_PURPLE","int32_value":1})", e).ok());
  CHECK(e.color() == twirpcpp::test::v1::COLOR_UNSPECIFIED);
  CHECK(e.int32_value() == 1);
  REQUIRE(DecodeJson(R"({"color":"color_red"})", e).ok());  // names are case-sensitive
  CHECK(e.color() == twirpcpp::test::v1::COLOR_UNSPECIFIED);
}

TEST_CASE("§3.11 bytes as standard or URL-safe base64, padded or not") {
  Everything e;
  for (const char* body : {R"({"bytes_value":"+/8="})", R"({"bytes_value":"+/8"})",
                           R"({"bytes_value":"-_8="})", R"({"bytes_value":"-_8"})"}) {
    INFO(body);
    REQUIRE(DecodeJson(body, e).ok());
    CHECK(e.bytes_value() == "\xfb\xff");
  }
  CHECK_FALSE(DecodeJson(R"({"bytes_value":"a"})", e).ok());
  CHECK_FALSE(DecodeJson(R"({"bytes_value":"Y Q=="})", e).ok());
}

TEST_CASE("§3.10 a scalar where a list or map is expected is an error") {
  Everything e;
  CHECK_FALSE(DecodeJson(R"({"numbers":1})", e).ok());
  CHECK_FALSE(DecodeJson(R"({"inners":{}})", e).ok());
  CHECK_FALSE(DecodeJson(R"({"counts":[]})", e).ok());
  CHECK_FALSE(DecodeJson(R"({"inner":[]})", e).ok());
}

TEST_CASE("§2.8 invalid UTF-8 or a lone surrogate in a JSON string fails") {
  Everything e;
  CHECK_FALSE(DecodeJson("{\"string_value\":\"\xff\"}", e).ok());
  CHECK_FALSE(DecodeJson(R"({"string_value":"\ud800"})", e).ok());
  REQUIRE(DecodeJson(R"({"string_value":"\ud83c\udfa9 \u00e9"})", e).ok());
  CHECK(e.string_value() == "\xf0\x9f\x8e\xa9 \xc3\xa9");
}

TEST_CASE("well-known types in JSON input") {
  Everything e;
  REQUIRE(
      DecodeJson(
          R"({"created_at":"2020-01-01T00:00:00Z","nickname":"n","dynamic":{"k":[true,"s",1]}})", e)
          .ok());
  CHECK(e.created_at().seconds() == 1577836800);
  CHECK(e.nickname().value() == "n");
  CHECK(e.dynamic().struct_value().fields().at("k").list_value().values_size() == 3);
}

TEST_CASE("§3.10 wrappers and Timestamp only in their string or number form") {
  Everything e;
  CHECK_FALSE(DecodeJson(R"({"nickname":{"value":"x"}})", e).ok());
  CHECK_FALSE(DecodeJson(R"({"created_at":{}})", e).ok());
  CHECK_FALSE(DecodeJson(R"({"created_at":{"seconds":1}})", e).ok());
}

TEST_CASE("hostile JSON bodies fail without crashing") {
  Everything e;
  CHECK_FALSE(DecodeJson(std::string(100'000, '{'), e).ok());
  CHECK_FALSE(DecodeJson("{\"nope\":" + std::string(100'000, '['), e).ok());
  CHECK_FALSE(
      DecodeJson("{\"dynamic\":" + std::string(5'000, '[') + std::string(5'000, ']') + "}", e)
          .ok());
}
