// The names of one RPC as generated code hands them to the runtime, for routes,
// URLs and the Context, and what the client needs of its proto options. Users
// never include this.
#pragma once

#include <string_view>

namespace twirp::detail {

struct MethodNames {
  std::string_view package;        // "" when the file has no package
  std::string_view service;        // the literal proto name, "Haberdasher_v1"
  std::string_view service_camel;  // Go's CamelCase of it, "HaberdasherV1" (wire-protocol.md §1.9)
  std::string_view method;         // the literal proto name, "MakeHat_v1"
  std::string_view method_camel;   // Go's CamelCase of it, "MakeHatV1"
  // idempotency_level NO_SIDE_EFFECTS or IDEMPOTENT in the proto: the client may
  // send the call again when it cannot tell whether the server received it.
  bool idempotent = false;
};

}  // namespace twirp::detail
