#include "options.h"

#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/field_mask.pb.h>

#include "twirpcpp/options.pb.h"

namespace twirp::plugin {
namespace {

namespace pb = google::protobuf;

std::string CheckFieldMaskOption(const pb::MethodDescriptor* method) {
  if (!method->options().HasExtension(::twirpcpp::field_mask)) return "";
  const std::string& name = method->options().GetExtension(::twirpcpp::field_mask).request_field();
  const pb::Descriptor* request = method->input_type();
  const std::string where =
      "method " + method->full_name() + ": (twirpcpp.field_mask).request_field";
  if (name.empty()) return where + " is empty; name the request's google.protobuf.FieldMask field";
  const pb::FieldDescriptor* field = request->FindFieldByName(name);
  if (field == nullptr) {
    return where + " names \"" + name + "\", which is not a field of " + request->full_name();
  }
  if (field->is_repeated() || field->type() != pb::FieldDescriptor::TYPE_MESSAGE ||
      field->message_type()->full_name() != pb::FieldMask::descriptor()->full_name()) {
    return where + " names \"" + name + "\", which is not a google.protobuf.FieldMask field of " +
           request->full_name();
  }
  return "";
}

}  // namespace

std::string FieldMaskRequestField(const pb::MethodDescriptor* method) {
  if (!method->options().HasExtension(::twirpcpp::field_mask)) return "";
  return method->options().GetExtension(::twirpcpp::field_mask).request_field();
}

bool IsIdempotent(const pb::MethodDescriptor* method) {
  return method->options().idempotency_level() != pb::MethodOptions::IDEMPOTENCY_UNKNOWN;
}

std::string CheckMethodOptions(const pb::FileDescriptor* file) {
  for (int i = 0; i < file->service_count(); ++i) {
    const pb::ServiceDescriptor* service = file->service(i);
    for (int j = 0; j < service->method_count(); ++j) {
      if (std::string error = CheckFieldMaskOption(service->method(j)); !error.empty())
        return error;
    }
  }
  return "";
}

}  // namespace twirp::plugin
