#include "twirpcpp/codec.h"

#include "codec/message_codec.h"

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
  return internal::Encode(message, encoding, json, nullptr);
}

Result<void> Decode(std::string_view body, Encoding encoding, google::protobuf::Message& message) {
  return internal::Decode(body, encoding, message, nullptr);
}

}  // namespace twirp
