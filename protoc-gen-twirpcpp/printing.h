// Small helpers the emitters share: comments from the .proto and line wrapping.
// Emitted text carries its own indentation (two spaces per level), so that a
// wrapped line knows the column it starts at.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/printer.h>

namespace twirp::plugin {

// Generated lines stay within this many columns where the names allow.
inline constexpr std::size_t kColumnLimit = 100;

// The leading comments of an element of the .proto ("" if none).
std::string LeadingComments(const google::protobuf::ServiceDescriptor* service);
std::string LeadingComments(const google::protobuf::MethodDescriptor* method);

// Prints `comments` as "//" lines indented by `indent` spaces. Printed raw: a
// comment may contain the printer's '$'.
void PrintComments(google::protobuf::io::Printer& printer, std::string_view comments, int indent);

// `head(args...)tail` for a line starting at column `indent`: on one line if it
// fits, else the arguments on one continuation line, else one per line; the
// continuation lines indented four more. Has no trailing newline.
std::string WrapCall(int indent, std::string_view head, const std::vector<std::string>& args,
                     std::string_view tail);

// The same for a `head` that already ends in "(" and may span lines.
std::string WrapArgs(int indent, std::string_view head, const std::vector<std::string>& args,
                     std::string_view tail);

// `name<args...>(` started at column `indent`, with the template arguments one per
// line (aligned after the '<') if the whole does not fit. Has no trailing newline.
std::string TemplateCallHead(int indent, std::string_view name,
                             const std::vector<std::string>& args);

// `lhs = rhs;` for a line starting at column `indent`, broken after the '=' if it
// does not fit. Has no trailing newline.
std::string WrapAssignment(int indent, std::string_view lhs, std::string_view rhs);

}  // namespace twirp::plugin
