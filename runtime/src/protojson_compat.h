// Where protobuf 3.21's C++ JSON mapping (json_util) differs from Go's protojson,
// which is what Twirp peers speak (twirp-wire.md §3). json_util does the
// conversion; these functions only correct its output and pre-check its input.
// Private to the runtime.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <google/protobuf/message.h>

#include "twirpcpp/codec.h"
#include "twirpcpp/result.h"

namespace twirp::internal {

// True if json_util's output for `message` differs from protojson's beyond
// whitespace and object member order: an unset singular message field or
// proto2 scalar (protojson writes null with EmitUnpopulated), or a map with
// more than one entry (protojson sorts map keys; json_util keeps hash order).
bool NeedsGoJsonFix(const google::protobuf::Message& message, const JsonWriteOptions& options);

// Rewrites json_util's output `cpp_json` for `message` as protojson writes it:
// fields in declaration order, nulls for unset message fields and proto2
// scalars under emit_unpopulated, unset oneof members and proto3 optional fields
// left out, map keys sorted. Recurses into set messages, lists and map values.
Result<std::string> FixToGoJson(const google::protobuf::Message& message, std::string_view cpp_json,
                                const JsonWriteOptions& options);

// Checks the first JSON value of `body` against the rules protojson (behind
// encoding/json's Decoder) enforces and json_util does not: strict JSON syntax,
// a field given twice (under either name), a repeated map key, null inside a
// list or as a map value, a bool written as a string, a scalar where a list is
// expected. On success returns the offset just past the first value.
Result<std::size_t> CheckGoJsonInput(std::string_view body, const google::protobuf::Descriptor& type);

}  // namespace twirp::internal
