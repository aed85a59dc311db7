// JSON encoding and decoding through protobuf's json_util, with the
// corrections of protojson_compat.h and, when given, types resolved from a
// JsonTypes cache. twirp::Encode and twirp::Decode (codec.h) are these without
// a cache; the server and the client pass theirs. Private to the runtime.
#pragma once

#include <string>
#include <string_view>

#include <google/protobuf/message.h>

#include "codec/json_types.h"
#include "twirpcpp/codec.h"
#include "twirpcpp/result.h"

namespace twirp::internal {

// `types` may be null: the type is then resolved the way json_util's Message
// functions do it, on every call; so it is for a message of another pool than
// `types` holds.
Result<std::string> Encode(const google::protobuf::Message& message, Encoding encoding,
                           const JsonWriteOptions& json, JsonTypes* types);
Result<void> Decode(std::string_view body, Encoding encoding, google::protobuf::Message& message,
                    JsonTypes* types);

}  // namespace twirp::internal
