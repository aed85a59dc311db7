// What generated server code calls for methods with the (twirpcpp.field_mask)
// option (twirpcpp/options.proto). Users never include this.
//
// The generated method, inside the twirp::Method it hands to ServerCall::Invoke
// (so that a bad mask is answered like any handler error, hooks included):
//
//   Result<FieldMask> mask = RequestFieldMask(request, "field_mask", Resp::descriptor());
//   if (!mask.ok()) co_return std::move(mask).error();
//   Result<Resp> result = co_await handler(ctx, request, *mask);
//   ... move the result into the response ...
//   mask->Trim(response);
#pragma once

#include <string_view>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "twirpcpp/field_mask.h"
#include "twirpcpp/result.h"

namespace twirp::detail {

// Reads the google.protobuf.FieldMask field `field_name` of `request` and
// validates it against `response_type`: FieldMask::All() when the field is unset
// or empty, invalid_argument (meta argument=<field_name>) for a path that names no
// field of the response. A `field_name` that is not a FieldMask field of the
// request is internal: the generator checks this, so it means mismatched code.
Result<FieldMask> RequestFieldMask(const google::protobuf::Message& request,
                                   std::string_view field_name,
                                   const google::protobuf::Descriptor* response_type);

}  // namespace twirp::detail
