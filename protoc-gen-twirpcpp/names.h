// C++ and Go names derived from descriptors. Everything the emitters print as an
// identifier or a route string comes from here, so that the header, the source and
// the router agree on every name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/descriptor.h>

namespace twirp::plugin {

// Go's CamelCase, as protoc-gen-twirp names services and methods (wire-protocol.md
// §1.9): a leading '_' becomes 'X'; '_' followed by a lower-case letter is dropped
// and the letter upper-cased; other '_' are kept; a lower-case letter that starts a
// word is upper-cased. "Haberdasher_v1" -> "HaberdasherV1", "get2fa" -> "Get2Fa".
std::string GoCamelCase(std::string_view name);

// True for C++20 keywords and alternative tokens, the words protoc's C++ generator
// renames.
bool IsCppKeyword(std::string_view name);

// `name` as a C++ identifier, with protoc's treatment of keywords: a trailing
// underscore ("delete" -> "delete_").
std::string CppSafeName(std::string_view name);

// The C++ namespace of a file's package, "twitch::twirp::example"; "" without a
// package. Spelled exactly as protoc's C++ output spells it.
std::string CppNamespace(const google::protobuf::FileDescriptor* file);

// The fully qualified C++ class of a message, "::twitch::twirp::example::Hat";
// nested messages and keywords as protoc names them ("::pkg::Outer_Inner").
std::string CppTypeName(const google::protobuf::Descriptor* message);

// The proto path without ".proto" or ".protodevel": the stem of every output file.
std::string FileStem(std::string_view proto_path);

// Every name generated for one RPC.
struct MethodNames {
  const google::protobuf::MethodDescriptor* descriptor = nullptr;
  std::string name;            // literal proto name, "MakeHat_v1"
  std::string camel_name;      // Go CamelCase, "MakeHatV1"
  std::string cpp_name;        // C++ member of the service and client classes
  std::string blocking_name;   // the client's blocking form, "<cpp_name>Blocking"
  std::string name_constant;   // "kMakeHatV1MethodName", a member of the service class
  std::string names_constant;  // file-local detail::MethodNames, "k<Service><Method>Method"
  std::string request_type;    // fully qualified C++ class
  std::string response_type;
  // The request's google.protobuf.FieldMask field named by the method's
  // (twirpcpp.field_mask) option; "" without the option.
  std::string mask_field;
  // idempotency_level NO_SIDE_EFFECTS or IDEMPOTENT (the client may resend it).
  bool idempotent = false;
};

// Every name generated for one service.
struct ServiceNames {
  const google::protobuf::ServiceDescriptor* descriptor = nullptr;
  std::string package;                 // proto package, "" if none
  std::string name;                    // literal proto name
  std::string camel_name;              // Go CamelCase
  std::string path_prefix;             // Go's <Svc>PathPrefix, "/twirp/<pkg>.<CamelSvc>/"
  std::string interface_class;         // "<CamelSvc>", coroutine handlers
  std::string blocking_class;          // "<CamelSvc>Blocking"
  std::string client_interface_class;  // "<CamelSvc>ClientInterface"
  std::string client_class;            // "<CamelSvc>Client", which implements it
  std::string register_function;       // "Register<CamelSvc>"
  std::string routes_function;         // "<CamelSvc>Routes", file-local in the .twirp.cc
  std::vector<MethodNames> methods;
};

// Names one service. Method names that collide with a class of the service, or a
// blocking form that collides with another method, get trailing underscores.
ServiceNames NameService(const google::protobuf::ServiceDescriptor* service);

// Checks that the names generated for `file` are unique within the file and do not
// collide with messages, enums or enum values of its package. Returns "" when they
// are fine, else a message for the user.
std::string FindNameClash(const google::protobuf::FileDescriptor* file,
                          const std::vector<ServiceNames>& services);

// The class of NAME.fields.h that names the field-mask paths of `message`,
// unqualified: protoc's class name plus "Paths" ("Outer_InnerPaths"), with
// trailing underscores where that is taken in the namespace by a message, enum,
// enum value or service class of the same file. Depends on the message's file
// only, so that every file that uses the message agrees on the name.
std::string PathsClassName(const google::protobuf::Descriptor* message);

// The same, fully qualified: "::vas::tracks::v1::TrackPaths".
std::string QualifiedPathsClassName(const google::protobuf::Descriptor* message);

// The accessors of one <Message>Paths class, in field order: protoc's C++ name of
// each field (lower case, keywords with a trailing underscore).
std::vector<std::string> PathsAccessorNames(const google::protobuf::Descriptor* message);

// The private member of a <Message>Paths class that holds its own path: "path_",
// unless a field takes that name.
std::string PathsMemberName(const google::protobuf::Descriptor* message);

}  // namespace twirp::plugin
