#include "common/message_types.h"

#include <string>

namespace twirp::internal {
namespace {

Error TypeAssertionError(std::string_view which, const google::protobuf::Descriptor* type) {
  return InternalError("failed type assertion " + std::string(which) + ".(*" + type->name() +
                       ") when calling interceptor");
}

}  // namespace

Result<void> CheckMessageTypes(const google::protobuf::Message& request,
                               const google::protobuf::Descriptor* request_type,
                               const google::protobuf::Message& response,
                               const google::protobuf::Descriptor* response_type) {
  if (request.GetDescriptor() != request_type) return TypeAssertionError("req", request_type);
  if (response.GetDescriptor() != response_type) return TypeAssertionError("resp", response_type);
  return Ok();
}

}  // namespace twirp::internal
