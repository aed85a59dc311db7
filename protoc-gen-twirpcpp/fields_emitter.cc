#include "fields_emitter.h"

#include <set>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.pb.h>

#include "names.h"
#include "printing.h"

namespace twirp::plugin {
namespace {

namespace pb = google::protobuf;

// A field whose paths go on below it. Maps are selected whole (twirp::FieldMask
// refuses paths into them) and well-known types are values to their users: both
// are leaves.
const pb::Descriptor* NodeType(const pb::FieldDescriptor* field) {
  if (field->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE || field->is_map()) return nullptr;
  const pb::Descriptor* type = field->message_type();
  if (type->file()->name().rfind("google/protobuf/", 0) == 0) return nullptr;
  return type;
}

// Every message of `file` that gets a Paths class, parents before their nested
// messages, in declaration order.
void CollectMessages(const pb::Descriptor* message, std::vector<const pb::Descriptor*>& out) {
  if (message->options().map_entry()) return;
  out.push_back(message);
  for (int i = 0; i < message->nested_type_count(); ++i)
    CollectMessages(message->nested_type(i), out);
}

std::vector<const pb::Descriptor*> Messages(const pb::FileDescriptor* file) {
  std::vector<const pb::Descriptor*> messages;
  for (int i = 0; i < file->message_type_count(); ++i)
    CollectMessages(file->message_type(i), messages);
  return messages;
}

// True if a message of `file` has a message field of a type from `file`.
bool HasNodeInFile(const pb::FileDescriptor* file,
                   const std::vector<const pb::Descriptor*>& messages) {
  for (const pb::Descriptor* message : messages) {
    for (int i = 0; i < message->field_count(); ++i) {
      const pb::Descriptor* type = NodeType(message->field(i));
      if (type != nullptr && type->file() == file) return true;
    }
  }
  return false;
}

// The Paths class of `type` as written inside `file`'s namespace: unqualified for
// the same namespace, fully qualified otherwise.
std::string PathsTypeIn(const pb::FileDescriptor* file, const pb::Descriptor* type) {
  if (type->file()->package() == file->package()) return PathsClassName(type);
  return QualifiedPathsClassName(type);
}

void EmitIncludes(pb::io::Printer& p, const pb::FileDescriptor* file,
                  const std::vector<const pb::Descriptor*>& messages) {
  p.Print(
      "#include <string>\n"
      "#include <utility>\n"
      "\n"
      "#include \"twirpcpp/field_mask.h\"\n");
  // The Paths classes of message types from other files.
  std::set<std::string> others;
  for (const pb::Descriptor* message : messages) {
    for (int i = 0; i < message->field_count(); ++i) {
      const pb::Descriptor* type = NodeType(message->field(i));
      if (type != nullptr && type->file() != file) {
        others.insert(FileStem(type->file()->name()) + ".fields.h");
      }
    }
  }
  if (others.empty()) return;
  p.Print("\n");
  for (const std::string& header : others) p.Print("#include \"$header$\"\n", "header", header);
}

void EmitClass(pb::io::Printer& p, const pb::FileDescriptor* file, const pb::Descriptor* message) {
  const std::string name = PathsClassName(message);
  const std::vector<std::string> accessors = PathsAccessorNames(message);
  const std::string member = PathsMemberName(message);
  p.Print(
      "// Paths into $message$.\n"
      "class $class$ {\n"
      " public:\n"
      "  $class$() = default;\n"
      "  explicit $class$(std::string path) : $member${std::move(path)} {}\n",
      "message", message->full_name(), "class", name, "member", member);
  if (message->field_count() > 0) p.Print("\n");
  for (int i = 0; i < message->field_count(); ++i) {
    const pb::Descriptor* type = NodeType(message->field(i));
    const std::string result = type == nullptr ? "::twirp::FieldPath" : PathsTypeIn(file, type);
    p.Print("  $result$ $accessor$() const;\n", "result", result, "accessor", accessors[i]);
  }
  p.Print(
      "\n"
      "  operator ::twirp::FieldPath() const { return $member$; }  // NOLINT: implicit by design\n"
      "\n"
      " private:\n"
      "  ::twirp::FieldPath $member$;\n"
      "};\n",
      "member", member);
}

// One accessor of the class `paths_class`, on one line if it fits.
void EmitAccessorDefinition(pb::io::Printer& p, const pb::FileDescriptor* file,
                            const std::string& paths_class, const std::string& member,
                            const std::string& accessor, const pb::FieldDescriptor* field) {
  const pb::Descriptor* type = NodeType(field);
  const std::string child = member + ".Child(\"" + field->name() + "\")";
  const std::string result = type == nullptr ? "::twirp::FieldPath" : PathsTypeIn(file, type);
  const std::string head = "inline " + result + " " + paths_class + "::" + accessor + "() const";
  const std::string body =
      "return " + (type == nullptr ? child : result + "(" + child + ".path)") + ";";
  const std::string one_line = head + " { " + body + " }";
  if (one_line.size() <= kColumnLimit) {
    p.PrintRaw(one_line + "\n");
  } else {
    p.PrintRaw(head + " {\n  " + body + "\n}\n");
  }
}

// The accessors are defined after every class, so that a message may contain
// itself, directly or through others: each returns its node by value.
void EmitAccessorDefinitions(pb::io::Printer& p, const pb::FileDescriptor* file,
                             const pb::Descriptor* message) {
  const std::string paths_class = PathsClassName(message);
  const std::vector<std::string> accessors = PathsAccessorNames(message);
  const std::string member = PathsMemberName(message);
  for (int i = 0; i < message->field_count(); ++i) {
    EmitAccessorDefinition(p, file, paths_class, member, accessors[i], message->field(i));
  }
}

}  // namespace

void EmitFieldsHeader(pb::io::Printer& p, const pb::FileDescriptor* file) {
  const std::vector<const pb::Descriptor*> messages = Messages(file);
  p.Print(
      "// Code generated by protoc-gen-twirpcpp. DO NOT EDIT.\n"
      "// source: $source$\n"
      "//\n"
      "// Field-mask paths: <Message>Paths() is the root of a <Message>, and each of its\n"
      "// accessors names a field. A leaf is a twirp::FieldPath; a message field is a\n"
      "// node that converts to one (\"artist\") and goes on below (\"artist.username\").\n"
      "// A misspelt or removed field does not compile. twirp::MakeFieldMask\n"
      "// (twirpcpp/field_mask.h) makes a request's mask of them.\n"
      "#pragma once\n"
      "\n",
      "source", file->name());
  EmitIncludes(p, file, messages);
  if (messages.empty()) return;

  const std::string ns = CppNamespace(file);
  p.Print("\n");
  if (!ns.empty()) p.Print("namespace $ns$ {\n\n", "ns", ns);
  // Nodes of this file's messages are returned before their classes are defined.
  const bool forward = HasNodeInFile(file, messages);
  if (forward) {
    for (const pb::Descriptor* message : messages) {
      p.Print("class $class$;\n", "class", PathsClassName(message));
    }
    p.Print("\n");
  }
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (i != 0) p.Print("\n");
    EmitClass(p, file, messages[i]);
  }
  bool first = true;
  for (const pb::Descriptor* message : messages) {
    if (message->field_count() == 0) continue;
    p.Print("\n");
    if (first && forward) p.Print("// Defined after every class: a message may contain itself.\n");
    first = false;
    EmitAccessorDefinitions(p, file, message);
  }
  if (!ns.empty()) p.Print("\n}  // namespace $ns$\n", "ns", ns);
}

}  // namespace twirp::plugin
