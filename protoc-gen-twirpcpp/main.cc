// protoc-gen-twirpcpp: protoc --plugin=protoc-gen-twirpcpp --twirpcpp_out=<dir> ...
//                      protoc-gen-twirpcpp --version
#include <google/protobuf/compiler/plugin.h>

#include <iostream>
#include <string_view>

#include "generator.h"
#include "twirpcpp/version.h"

int main(int argc, char* argv[]) {
  // protoc starts plugins without arguments; --version is for people and scripts.
  if (argc == 2 && std::string_view(argv[1]) == "--version") {
    std::cout << "protoc-gen-twirpcpp " << twirp::kVersionString << "\n";
    return 0;
  }
  twirp::plugin::Generator generator;
  return google::protobuf::compiler::PluginMain(argc, argv, &generator);
}
