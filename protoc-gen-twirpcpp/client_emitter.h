// The client side of one service: <Service>Client, whose methods hand typed
// requests to the runtime's twirp::Client.
#pragma once

#include <google/protobuf/io/printer.h>

#include "names.h"

namespace twirp::plugin {

// Into the header, inside the package namespace.
void EmitClientDeclarations(google::protobuf::io::Printer& printer, const ServiceNames& service);

// Into the source, inside an anonymous namespace within the package namespace: one
// ::twirp::detail::ClientMethod per method, the names the client sends and hooks see.
void EmitClientMethodTable(google::protobuf::io::Printer& printer, const ServiceNames& service);

// Into the source, inside the package namespace.
void EmitClientDefinitions(google::protobuf::io::Printer& printer, const ServiceNames& service);

}  // namespace twirp::plugin
