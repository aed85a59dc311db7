// The client side of one service: <Service>ClientInterface, and <Service>Client,
// which implements it by handing typed requests to the runtime's twirp::Client.
#pragma once

#include <google/protobuf/io/printer.h>

#include "names.h"

namespace twirp::plugin {

// Into the header, inside the package namespace.
void EmitClientDeclarations(google::protobuf::io::Printer& printer, const ServiceNames& service);

// Into the source, inside the package namespace.
void EmitClientDefinitions(google::protobuf::io::Printer& printer, const ServiceNames& service);

}  // namespace twirp::plugin
