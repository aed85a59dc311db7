// protoc-gen-twirpcpp: protoc --plugin=protoc-gen-twirpcpp --twirpcpp_out=<dir> ...
#include <google/protobuf/compiler/plugin.h>

#include "generator.h"

int main(int argc, char* argv[]) {
  twirp::plugin::Generator generator;
  return google::protobuf::compiler::PluginMain(argc, argv, &generator);
}
