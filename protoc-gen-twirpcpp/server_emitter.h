// The server side of one service: the handler interfaces (coroutine and blocking)
// and the Register<Service>() functions that hand typed routes to the runtime.
#pragma once

#include <google/protobuf/io/printer.h>

#include "names.h"

namespace twirp::plugin {

// Into the header, inside the package namespace. With `unimplemented_defaults`
// the handlers are not pure virtual: each defaults to an unimplemented error.
void EmitServerDeclarations(google::protobuf::io::Printer& printer, const ServiceNames& service,
                            bool unimplemented_defaults);

// Into the source, inside an anonymous namespace in the package namespace: the
// routes template both Register overloads instantiate.
void EmitServerRoutes(google::protobuf::io::Printer& printer, const ServiceNames& service);

// Into the source, inside the package namespace: the Register functions, and
// the handlers' defaults with `unimplemented_defaults`.
void EmitServerDefinitions(google::protobuf::io::Printer& printer, const ServiceNames& service,
                           bool unimplemented_defaults);

}  // namespace twirp::plugin
