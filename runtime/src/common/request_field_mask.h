// Reading the field mask a request carries for a method with the
// (twirpcpp.field_mask) option (docs/field-masks.md).
#pragma once

#include <string_view>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "twirpcpp/field_mask.h"
#include "twirpcpp/result.h"

namespace twirp::internal {

// Reads the google.protobuf.FieldMask field `field_name` of `request` and
// validates it against `response_type`: FieldMask::All() when the field is unset
// or empty, invalid_argument (meta argument=<field_name>) for a path that names no
// field of the response. A `field_name` that is not a FieldMask field of the
// request is internal: the generator checks this, so it means mismatched code.
Result<FieldMask> RequestFieldMask(const google::protobuf::Message& request,
                                   std::string_view field_name,
                                   const google::protobuf::Descriptor* response_type);

}  // namespace twirp::internal
