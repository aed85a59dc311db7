// The method options the generator acts on: twirpcpp's (twirpcpp/options.proto)
// and google.protobuf.MethodOptions.idempotency_level.
#pragma once

#include <string>

#include <google/protobuf/descriptor.h>

namespace twirp::plugin {

// The request field named by the method's (twirpcpp.field_mask) option; "" when
// the method does not carry it.
std::string FieldMaskRequestField(const google::protobuf::MethodDescriptor* method);

// True for a method whose idempotency_level is NO_SIDE_EFFECTS or IDEMPOTENT:
// its client may send a call again when it cannot tell whether the server got it.
bool IsIdempotent(const google::protobuf::MethodDescriptor* method);

// Checks the twirpcpp options of every method of `file`: a (twirpcpp.field_mask)
// option must name a singular google.protobuf.FieldMask field of the request.
// Returns "" when they are fine, else a message for the user naming the method.
std::string CheckMethodOptions(const google::protobuf::FileDescriptor* file);

}  // namespace twirp::plugin
