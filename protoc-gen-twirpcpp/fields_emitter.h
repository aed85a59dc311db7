// NAME.fields.h: typed field-mask paths, one <Message>Paths class per message of
// the file (nested ones too), so that a mask names its fields through accessors
// the compiler checks: GetTracksResponsePaths().tracks().artist().username() is
// "tracks.artist.username".
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/printer.h>

namespace twirp::plugin {

// The whole header. Written for every input file, with or without services.
void EmitFieldsHeader(google::protobuf::io::Printer& printer,
                      const google::protobuf::FileDescriptor* file);

}  // namespace twirp::plugin
