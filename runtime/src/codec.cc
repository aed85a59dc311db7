#include "twirpcpp/codec.h"

#include <limits>

#include <google/protobuf/util/json_util.h>

#include "protojson_compat.h"

namespace twirp {
namespace {

constexpr std::string_view kProtobufType = "application/protobuf";
constexpr std::string_view kJsonType = "application/json";

bool IsSpaceOrTab(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpaceOrTab(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpaceOrTab(s.back())) s.remove_suffix(1);
  return s;
}

bool EqualsAsciiLowered(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

Result<std::string> EncodeJson(const google::protobuf::Message& message, const JsonWriteOptions& json) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = json.use_proto_names;
  options.always_print_primitive_fields = json.emit_unpopulated;
  std::string out;
  const auto status = google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) return InternalError(std::string(status.message()));
  // json_util's output is already right for the common case; only messages with
  // unset message fields (under emit_unpopulated) or multi-entry maps are
  // re-shaped (§3.2-3.4).
  if (!internal::NeedsGoJsonFix(message, json)) return out;
  return internal::FixToGoJson(message, out, json);
}

Result<void> DecodeJson(std::string_view body, google::protobuf::Message& message) {
  // §2.7-2.8: the first JSON value only (what encoding/json's Decoder hands to
  // protojson), which must be an object; trailing bytes are never looked at.
  Result<std::size_t> end = internal::CheckGoJsonInput(body, *message.GetDescriptor());
  if (!end.ok()) return std::move(end).error();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // §3.7
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(body.data(), *end), &message, options);
  if (!status.ok()) return MalformedError(std::string(status.message()));
  return {};
}

}  // namespace

std::string_view ContentType(Encoding encoding) {
  return encoding == Encoding::kJson ? kJsonType : kProtobufType;
}

std::optional<Encoding> EncodingFromContentType(std::string_view header) {
  const std::string_view media_type = Trim(header.substr(0, header.find(';')));
  if (EqualsAsciiLowered(media_type, kJsonType)) return Encoding::kJson;
  if (EqualsAsciiLowered(media_type, kProtobufType)) return Encoding::kProtobuf;
  return std::nullopt;
}

Result<std::string> Encode(const google::protobuf::Message& message, Encoding encoding,
                           const JsonWriteOptions& json) {
  if (encoding == Encoding::kJson) return EncodeJson(message, json);
  std::string out;
  // Empty for an all-default message (§2.10). Fails only for missing proto2
  // required fields, as proto.Marshal does.
  if (!message.SerializeToString(&out)) {
    return InternalError("missing required fields: " + message.InitializationErrorString());
  }
  return out;
}

Result<void> Decode(std::string_view body, Encoding encoding, google::protobuf::Message& message) {
  message.Clear();
  if (encoding == Encoding::kJson) return DecodeJson(body, message);
  // Unknown fields are kept; invalid UTF-8 in a proto3 string fails the parse
  // (§2.5-2.6). ParseFromArray also requires proto2 required fields, like proto.Unmarshal.
  if (body.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      !message.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return MalformedError("invalid protobuf message");
  }
  return {};
}

}  // namespace twirp
