#include "twirpcpp/codec.h"

#include "codec/message_codec.h"
#include "common/ascii.h"

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

}  // namespace

std::string_view ContentType(Encoding encoding) {
  return encoding == Encoding::kJson ? kJsonType : kProtobufType;
}

std::optional<Encoding> EncodingFromContentType(std::string_view header) {
  const std::string_view media_type = Trim(header.substr(0, header.find(';')));
  if (internal::EqualsIgnoreCase(media_type, kJsonType)) return Encoding::kJson;
  if (internal::EqualsIgnoreCase(media_type, kProtobufType)) return Encoding::kProtobuf;
  return std::nullopt;
}

Result<std::string> Encode(const google::protobuf::Message& message, Encoding encoding,
                           const JsonWriteOptions& json) {
  return internal::Encode(message, encoding, json, nullptr);
}

Result<void> Decode(std::string_view body, Encoding encoding, google::protobuf::Message& message) {
  return internal::Decode(body, encoding, message, nullptr);
}

}  // namespace twirp
