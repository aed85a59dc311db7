#include "codec/message_codec.h"

#include <limits>

#include <google/protobuf/util/json_util.h>

#include "codec/protojson_compat.h"

namespace twirp::internal {
namespace {

namespace pb = google::protobuf;

// `types` when it holds `message`'s types, else null (the uncached way).
JsonTypes* TypesFor(const pb::Message& message, JsonTypes* types) {
  return types != nullptr && message.GetDescriptor()->file()->pool() == types->pool() ? types
                                                                                      : nullptr;
}

Result<std::string> EncodeJson(const pb::Message& message, const JsonWriteOptions& json,
                               JsonTypes* types) {
  const JsonOutputPlan plan = PlanJsonOutput(message, json);
  pb::util::JsonPrintOptions options;
  options.preserve_proto_field_names = json.use_proto_names;
  options.always_print_primitive_fields = plan.print_unpopulated;
  std::string out;
  const auto status = types == nullptr ? pb::util::MessageToJsonString(message, &out, options)
                                       : pb::util::BinaryToJsonString(
                                             types, types->Prepare(*message.GetDescriptor()),
                                             message.SerializeAsString(), &out, options);
  if (!status.ok()) return InternalError(std::string(status.message()));
  if (!plan.fix_to_go) return out;
  return FixToGoJson(message, out, json);
}

Result<void> DecodeJson(std::string_view body, pb::Message& message, JsonTypes* types) {
  // §2.7-2.8: one JSON value, which must be an object. Go decodes the first
  // value and ignores what follows; we refuse anything but whitespace after it
  // (docs/differences.md, Server). The checker already found the value's end.
  Result<std::size_t> end = CheckGoJsonInput(body, *message.GetDescriptor());
  if (!end.ok()) return std::move(end).error();
  if (body.find_first_not_of(" \t\r\n", *end) != std::string_view::npos) {
    return MalformedError("unexpected bytes after the JSON value");
  }
  pb::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // §3.7
  const pb::StringPiece json(body.data(), *end);
  if (types == nullptr) {
    const auto status = pb::util::JsonStringToMessage(json, &message, options);
    if (!status.ok()) return MalformedError(std::string(status.message()));
    return {};
  }
  // What JsonStringToMessage does, with the cached type.
  std::string binary;
  const auto status = pb::util::JsonToBinaryString(types, types->Prepare(*message.GetDescriptor()),
                                                   json, &binary, options);
  if (!status.ok()) return MalformedError(std::string(status.message()));
  if (!message.ParseFromString(binary)) {
    return MalformedError("JSON transcoder produced invalid protobuf output.");
  }
  return {};
}

}  // namespace

Result<std::string> Encode(const pb::Message& message, Encoding encoding,
                           const JsonWriteOptions& json, JsonTypes* types) {
  if (encoding == Encoding::kJson) return EncodeJson(message, json, TypesFor(message, types));
  std::string out;
  // Empty for an all-default message (§2.10). Fails only for missing proto2
  // required fields, as proto.Marshal does.
  if (!message.SerializeToString(&out)) {
    return InternalError("missing required fields: " + message.InitializationErrorString());
  }
  return out;
}

Result<void> Decode(std::string_view body, Encoding encoding, pb::Message& message,
                    JsonTypes* types) {
  message.Clear();
  if (encoding == Encoding::kJson) return DecodeJson(body, message, TypesFor(message, types));
  // Unknown fields are kept; invalid UTF-8 in a proto3 string fails the parse
  // (§2.5-2.6). ParseFromArray also requires proto2 required fields, like proto.Unmarshal.
  if (body.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      !message.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return MalformedError("invalid protobuf message");
  }
  return {};
}

}  // namespace twirp::internal
