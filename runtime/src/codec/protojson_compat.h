// Where protobuf 3.21's C++ JSON mapping (json_util) differs from Go's protojson,
// which is what Twirp peers speak (wire-protocol.md §3). json_util does the
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

// How to have json_util write `message` as protojson does.
struct JsonOutputPlan {
  // json_util's output differs from protojson's beyond whitespace and object
  // member order, and FixToGoJson must rewrite it: an unset singular message
  // field or proto2 scalar (protojson writes null under emit_unpopulated), or a
  // map with more than one entry (protojson sorts map keys; json_util keeps
  // hash order).
  bool fix_to_go = false;
  // json_util must be asked to write unpopulated fields
  // (always_print_primitive_fields). Under emit_unpopulated that is needed
  // only when the message has a field to fill in; its writer for them
  // (DefaultValueObjectWriter) costs as much again as the rest of the
  // conversion, so a message with every field populated is written without
  // it. Its other effect, fields in declaration rather than number order, is
  // why such messages must also declare their fields in number order.
  bool print_unpopulated = false;
};
JsonOutputPlan PlanJsonOutput(const google::protobuf::Message& message,
                              const JsonWriteOptions& options);

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
Result<std::size_t> CheckGoJsonInput(std::string_view body,
                                     const google::protobuf::Descriptor& type);

}  // namespace twirp::internal
