// protoc-gen-twirpcpp's CodeGenerator: for each .proto, writes <stem>.fields.h (typed
// field-mask paths) next to protoc's <stem>.pb.h; for each one with services, also
// <stem>.twirp.h and <stem>.twirp.cc (wire-protocol.md §8.1).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <google/protobuf/compiler/code_generator.h>

namespace twirp::plugin {

// The plugin's parameters (--twirpcpp_out=<key>=<value>,...:<dir>). Unknown ones
// are refused rather than ignored, so that a typo is not silent.
struct Parameters {
  // unimplemented_defaults[=true|false]: handlers are not pure virtual but
  // answer unimplemented until overridden, so that a method added to the proto
  // does not break the build of existing services. Off by default: as in Go, a
  // new method is then a compile error until it is implemented.
  bool unimplemented_defaults = false;
};

// Parses "key=value,key2,..." into `parameters`. On an unknown key or a bad value
// returns false with a message in `error`.
bool ParseParameters(std::string_view text, Parameters& parameters, std::string& error);

class Generator final : public google::protobuf::compiler::CodeGenerator {
 public:
  bool Generate(const google::protobuf::FileDescriptor* file, const std::string& parameter,
                google::protobuf::compiler::GeneratorContext* context,
                std::string* error) const override;

  // proto3 `optional` changes nothing in what we generate (§8.4), but protoc
  // refuses such files to plugins that do not declare it.
  std::uint64_t GetSupportedFeatures() const override { return FEATURE_PROTO3_OPTIONAL; }
};

}  // namespace twirp::plugin
