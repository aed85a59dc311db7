// The check both sides make where an interceptor hands a message to the next
// stage: it must be of the method's type, or the call fails as Go's generated
// type assertion fails (wire-protocol.md §5.7).
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "twirpcpp/result.h"

namespace twirp::internal {

// internal "failed type assertion req.(*Size) when calling interceptor" (or
// resp.) when a message is not of its expected type; Ok otherwise.
Result<void> CheckMessageTypes(const google::protobuf::Message& request,
                               const google::protobuf::Descriptor* request_type,
                               const google::protobuf::Message& response,
                               const google::protobuf::Descriptor* response_type);

}  // namespace twirp::internal
