// Content types, and message (de)serialization in protobuf and JSON. The wire
// format's choices (wire-protocol.md §2 and §3) are made here and nowhere else.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <google/protobuf/message.h>

#include "twirpcpp/result.h"

namespace twirp {

enum class Encoding { kProtobuf, kJson };

// The Content-Type value a response or request carries: exactly
// "application/protobuf" or "application/json".
std::string_view ContentType(Encoding encoding);

// The encoding a request's Content-Type selects: the part before the first ';',
// trimmed and lower-cased, must be one of the two above (§2.1). nullopt for
// anything else, including an empty header.
std::optional<Encoding> EncodingFromContentType(std::string_view header);

// How JSON is written. The defaults are Go v8's server defaults: proto field
// names and every unpopulated field written (§3.1-3.3).
struct JsonWriteOptions {
  bool use_proto_names = true;   // false: lowerCamel json_name (WithServerJSONCamelCaseNames)
  bool emit_unpopulated = true;  // false: skip defaults (WithServerJSONSkipDefaults)
};

// Go clients' request JSON: proto names, defaults omitted (§3.6).
inline constexpr JsonWriteOptions kClientJsonWriteOptions{true, false};

// Serializes `message`. Fails (internal) only if the message cannot be encoded.
Result<std::string> Encode(const google::protobuf::Message& message, Encoding encoding,
                           const JsonWriteOptions& json = {});

// Parses a request or response body into `message` (cleared first).
//  - protobuf: the whole body; empty is the all-default message; unknown fields kept.
//  - JSON: the first JSON value only, which must be an object; trailing bytes are
//    ignored; unknown fields skipped; both field name forms accepted (§2.7-2.8, §3.7-3.11).
// On failure returns the parser's reason; the caller decides the Twirp error.
Result<void> Decode(std::string_view body, Encoding encoding, google::protobuf::Message& message);

}  // namespace twirp
