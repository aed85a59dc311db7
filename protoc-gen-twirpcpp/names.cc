#include "names.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>

#include <google/protobuf/compiler/cpp/names.h>
#include <google/protobuf/descriptor.pb.h>

#include "options.h"

namespace twirp::plugin {
namespace {

namespace pb = google::protobuf;

bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// protoc's list (compiler/cpp/helpers.cc) plus the C++20 additions; NULL is on it
// because protoc renames it too.
constexpr std::string_view kCppKeywords[] = {
    "NULL",         "alignas",   "alignof",       "and",
    "and_eq",       "asm",       "auto",          "bitand",
    "bitor",        "bool",      "break",         "case",
    "catch",        "char",      "char8_t",       "char16_t",
    "char32_t",     "class",     "compl",         "concept",
    "const",        "consteval", "constexpr",     "constinit",
    "const_cast",   "continue",  "co_await",      "co_return",
    "co_yield",     "decltype",  "default",       "delete",
    "do",           "double",    "dynamic_cast",  "else",
    "enum",         "explicit",  "export",        "extern",
    "false",        "float",     "for",           "friend",
    "goto",         "if",        "inline",        "int",
    "long",         "mutable",   "namespace",     "new",
    "noexcept",     "not",       "not_eq",        "nullptr",
    "operator",     "or",        "or_eq",         "private",
    "protected",    "public",    "register",      "reinterpret_cast",
    "requires",     "return",    "short",         "signed",
    "sizeof",       "static",    "static_assert", "static_cast",
    "struct",       "switch",    "template",      "this",
    "thread_local", "throw",     "true",          "try",
    "typedef",      "typeid",    "typename",      "union",
    "unsigned",     "using",     "virtual",       "void",
    "volatile",     "wchar_t",   "while",         "xor",
    "xor_eq",
};

// Appends '_' to `name` until it is not in `taken`.
std::string Unique(std::string name, const std::set<std::string>& taken) {
  while (taken.contains(name)) name += '_';
  return name;
}

// The names protoc declares in the package namespace for `message`, its nested
// types and their enums.
void CollectProtocNames(const pb::Descriptor* message, std::set<std::string>& taken);

void CollectProtocNames(const pb::EnumDescriptor* e, std::set<std::string>& taken) {
  const std::string name = pb::compiler::cpp::ClassName(e);
  taken.insert(name);
  for (int i = 0; i < e->value_count(); ++i) {
    // A top-level enum's values are constants of the namespace; a nested enum's
    // are Outer_Enum_VALUE there.
    taken.insert(e->containing_type() == nullptr ? pb::compiler::cpp::EnumValueName(e->value(i))
                                                 : name + "_" + e->value(i)->name());
  }
}

void CollectProtocNames(const pb::Descriptor* message, std::set<std::string>& taken) {
  taken.insert(pb::compiler::cpp::ClassName(message));
  for (int i = 0; i < message->nested_type_count(); ++i) {
    CollectProtocNames(message->nested_type(i), taken);
  }
  for (int i = 0; i < message->enum_type_count(); ++i) {
    CollectProtocNames(message->enum_type(i), taken);
  }
}

// Map entries are protoc's implementation detail: no Paths class for them.
bool IsMapEntry(const pb::Descriptor* message) { return message->options().map_entry(); }

void NamePathsClasses(const pb::Descriptor* message, std::set<std::string>& taken,
                      std::map<const pb::Descriptor*, std::string>& names) {
  if (IsMapEntry(message)) return;
  std::string name = Unique(pb::compiler::cpp::ClassName(message) + "Paths", taken);
  taken.insert(name);
  names.emplace(message, std::move(name));
  for (int i = 0; i < message->nested_type_count(); ++i) {
    NamePathsClasses(message->nested_type(i), taken, names);
  }
}

// The Paths class of every message of `file`.
std::map<const pb::Descriptor*, std::string> PathsClassNames(const pb::FileDescriptor* file) {
  std::set<std::string> taken;
  for (int i = 0; i < file->message_type_count(); ++i)
    CollectProtocNames(file->message_type(i), taken);
  for (int i = 0; i < file->enum_type_count(); ++i) CollectProtocNames(file->enum_type(i), taken);
  for (int i = 0; i < file->extension_count(); ++i) {
    taken.insert(pb::compiler::cpp::FieldName(file->extension(i)));
  }
  for (int i = 0; i < file->service_count(); ++i) {
    const ServiceNames service = NameService(file->service(i));
    for (const std::string& name :
         {service.interface_class, service.blocking_class, service.client_interface_class,
          service.client_class, service.register_function, service.routes_function}) {
      taken.insert(name);
    }
  }
  std::map<const pb::Descriptor*, std::string> names;
  for (int i = 0; i < file->message_type_count(); ++i) {
    NamePathsClasses(file->message_type(i), taken, names);
  }
  return names;
}

}  // namespace

std::string GoCamelCase(std::string_view name) {
  // A port of twirp's internal/gen/stringutils.CamelCase (itself golang/protobuf's
  // generator.CamelCase), byte for byte: proto identifiers are ASCII.
  std::string t;
  t.reserve(name.size() + 1);
  std::size_t i = 0;
  if (!name.empty() && name[0] == '_') {
    // Needs a capital letter; the '_' is dropped.
    t += 'X';
    ++i;
  }
  // Invariant: a lower-case letter met here starts a word and is upper-cased.
  // Words are marked by '_' or an upper-case letter; digits are words of their own.
  for (; i < name.size(); ++i) {
    char c = name[i];
    if (c == '_' && i + 1 < name.size() && IsAsciiLower(name[i + 1])) continue;
    if (IsAsciiDigit(c)) {
      t += c;
      continue;
    }
    if (IsAsciiLower(c)) c = static_cast<char>(c - 'a' + 'A');
    t += c;
    // The rest of the word keeps its lower-case letters.
    while (i + 1 < name.size() && IsAsciiLower(name[i + 1])) t += name[++i];
  }
  return t;
}

bool IsCppKeyword(std::string_view name) {
  return std::find(std::begin(kCppKeywords), std::end(kCppKeywords), name) !=
         std::end(kCppKeywords);
}

std::string CppSafeName(std::string_view name) {
  std::string result(name);
  if (IsCppKeyword(name)) result += '_';
  return result;
}

std::string CppNamespace(const pb::FileDescriptor* file) {
  // protoc maps each package part to a namespace unchanged (it does not rename
  // keywords there), and so must we to name its classes.
  std::string ns;
  for (char c : file->package()) {
    if (c == '.') {
      ns += "::";
    } else {
      ns += c;
    }
  }
  return ns;
}

std::string CppTypeName(const pb::Descriptor* message) {
  return pb::compiler::cpp::QualifiedClassName(message);
}

std::string FileStem(std::string_view proto_path) {
  for (std::string_view ext : {std::string_view(".protodevel"), std::string_view(".proto")}) {
    if (proto_path.size() >= ext.size() &&
        proto_path.substr(proto_path.size() - ext.size()) == ext) {
      return std::string(proto_path.substr(0, proto_path.size() - ext.size()));
    }
  }
  return std::string(proto_path);
}

ServiceNames NameService(const pb::ServiceDescriptor* service) {
  ServiceNames names;
  names.descriptor = service;
  names.package = service->file()->package();
  names.name = service->name();
  names.camel_name = GoCamelCase(service->name());
  names.path_prefix =
      "/twirp/" + (names.package.empty() ? "" : names.package + ".") + names.camel_name + "/";
  // CamelCase starts with a capital letter, so these are never keywords.
  names.interface_class = names.camel_name;
  names.blocking_class = names.camel_name + "Blocking";
  names.client_interface_class = names.camel_name + "ClientInterface";
  names.client_class = names.camel_name + "Client";
  names.register_function = "Register" + names.camel_name;
  names.routes_function = names.camel_name + "Routes";

  // A member named like its class would be a constructor.
  const std::set<std::string> classes = {names.interface_class, names.blocking_class,
                                         names.client_interface_class, names.client_class};
  std::set<std::string> members;
  for (int i = 0; i < service->method_count(); ++i) {
    const pb::MethodDescriptor* method = service->method(i);
    MethodNames m;
    m.descriptor = method;
    m.name = method->name();
    m.camel_name = GoCamelCase(method->name());
    m.cpp_name = Unique(CppSafeName(m.camel_name), classes);
    m.name_constant = "k" + m.camel_name + "MethodName";
    m.names_constant = "k" + names.camel_name + m.camel_name + "Method";
    m.request_type = CppTypeName(method->input_type());
    m.response_type = CppTypeName(method->output_type());
    m.mask_field = FieldMaskRequestField(method);
    m.idempotent = IsIdempotent(method);
    members.insert(m.cpp_name);
    names.methods.push_back(std::move(m));
  }
  // The blocking forms share the client class with every method.
  std::set<std::string> taken = classes;
  taken.insert(members.begin(), members.end());
  for (MethodNames& m : names.methods) {
    m.blocking_name = Unique(m.cpp_name + "Blocking", taken);
    taken.insert(m.blocking_name);
  }
  return names;
}

std::string FindNameClash(const pb::FileDescriptor* file,
                          const std::vector<ServiceNames>& services) {
  // Generated name -> what it was generated for.
  std::map<std::string, std::string> file_scope;
  std::string clash;
  auto claim = [&](std::map<std::string, std::string>& scope, const std::string& name,
                   const std::string& what) {
    auto [it, inserted] = scope.emplace(name, what);
    if (!inserted && clash.empty()) {
      clash = "the generated name " + name + " of " + what + " is also the name of " + it->second;
    }
  };
  for (const ServiceNames& s : services) {
    const std::string svc = "service " + s.descriptor->full_name();
    claim(file_scope, s.interface_class, svc);
    claim(file_scope, s.blocking_class, svc);
    claim(file_scope, s.client_interface_class, svc);
    claim(file_scope, s.client_class, svc);
    claim(file_scope, s.register_function, svc);
    claim(file_scope, s.routes_function, svc);
    std::map<std::string, std::string> service_scope;
    for (const MethodNames& m : s.methods) {
      const std::string what = "method " + m.descriptor->full_name();
      // Routes match the literal or the CamelCase name (§1.7): two methods with one
      // CamelCase name could not be told apart.
      claim(service_scope, m.camel_name, what);
      claim(file_scope, m.names_constant, what);
    }
  }
  if (!clash.empty()) return clash;

  // The generated classes live in the package's namespace, beside protoc's.
  const pb::DescriptorPool* pool = file->pool();
  const std::string prefix = file->package().empty() ? "" : file->package() + ".";
  auto taken_by_protoc = [&](const auto& entry) {
    const std::string full = prefix + entry.first;
    return pool->FindMessageTypeByName(full) != nullptr ||
           pool->FindEnumTypeByName(full) != nullptr || pool->FindEnumValueByName(full) != nullptr;
  };
  const auto taken = std::find_if(file_scope.begin(), file_scope.end(), taken_by_protoc);
  if (taken == file_scope.end()) return "";
  const auto& [name, what] = *taken;
  return "the generated name " + name + " of " + what + " collides with " + prefix + name +
         " of the same package";
}

std::string PathsClassName(const pb::Descriptor* message) {
  const std::map<const pb::Descriptor*, std::string> names = PathsClassNames(message->file());
  auto it = names.find(message);
  return it == names.end() ? std::string() : it->second;
}

std::string QualifiedPathsClassName(const pb::Descriptor* message) {
  const std::string ns = CppNamespace(message->file());
  return "::" + (ns.empty() ? "" : ns + "::") + PathsClassName(message);
}

std::vector<std::string> PathsAccessorNames(const pb::Descriptor* message) {
  // Never the class's name (which has an upper-case 'P') nor its member's (which
  // gives way), so users always find protoc's names.
  std::vector<std::string> names;
  names.reserve(static_cast<std::size_t>(message->field_count()));
  for (int i = 0; i < message->field_count(); ++i) {
    names.push_back(pb::compiler::cpp::FieldName(message->field(i)));
  }
  return names;
}

std::string PathsMemberName(const pb::Descriptor* message) {
  const std::vector<std::string> accessors = PathsAccessorNames(message);
  const std::set<std::string> taken(accessors.begin(), accessors.end());
  std::string member = "path_";
  while (taken.contains(member)) member.insert(0, "own_");
  return member;
}

}  // namespace twirp::plugin
