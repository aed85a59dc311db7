#include "server_emitter.h"

#include <map>
#include <string>
#include <vector>

#include "printing.h"

namespace twirp::plugin {
namespace {

namespace pb = google::protobuf;
using Vars = std::map<std::string, std::string>;

Vars ServiceVars(const ServiceNames& service) {
  return {
      {"package", service.package},
      {"name", service.name},
      {"camel_name", service.camel_name},
      {"path_prefix", service.path_prefix},
      {"interface", service.interface_class},
      {"blocking", service.blocking_class},
      {"register", service.register_function},
  };
}

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

// A handler's parameters: a method with the (twirpcpp.field_mask) option also
// gets the request's mask, validated against the response type.
std::vector<std::string> HandlerParameters(const MethodNames& m) {
  std::vector<std::string> parameters = {"::twirp::Context& ctx",
                                         "const " + m.request_type + "& request"};
  if (!m.mask_field.empty()) parameters.emplace_back("const ::twirp::FieldMask& mask");
  return parameters;
}

void EmitNameConstants(pb::io::Printer& p, const ServiceNames& service) {
  auto constant = [&p](const std::string& name, const std::string& value) {
    p.PrintRaw("  " + WrapAssignment(2, "static constexpr std::string_view " + name, Quote(value)) +
               "\n");
  };
  constant("kPackageName", service.package);
  p.Print("  // Go's CamelCase of the proto names; routes accept these and the literal names.\n");
  constant("kServiceName", service.camel_name);
  constant("kPathPrefix", service.path_prefix);
  for (const MethodNames& m : service.methods) constant(m.name_constant, m.camel_name);
}

// A handler's declaration in one of the two interfaces: pure virtual, or with
// a default that answers unimplemented when the plugin was asked for one.
void EmitHandlerDeclaration(pb::io::Printer& p, const MethodNames& m, const std::string& result,
                            bool unimplemented_defaults) {
  p.Print("\n");
  PrintComments(p, LeadingComments(m.descriptor), 2);
  p.PrintRaw("  " +
             WrapCall(2, "virtual " + result + " " + m.cpp_name, HandlerParameters(m),
                      unimplemented_defaults ? ";" : " = 0;") +
             "\n");
}

void EmitInterface(pb::io::Printer& p, const ServiceNames& service, bool unimplemented_defaults) {
  const Vars vars = ServiceVars(service);
  PrintComments(p, LeadingComments(service.descriptor), 0);
  p.Print(vars,
          "class $interface$ {\n"
          " public:\n");
  EmitNameConstants(p, service);
  p.Print(vars,
          "\n"
          "  virtual ~$interface$() = default;\n");
  for (const MethodNames& m : service.methods) {
    EmitHandlerDeclaration(p, m, "::twirp::Awaitable<::twirp::Result<" + m.response_type + ">>",
                           unimplemented_defaults);
  }
  p.Print("};\n");
}

void EmitBlockingInterface(pb::io::Printer& p, const ServiceNames& service,
                           bool unimplemented_defaults) {
  p.Print(ServiceVars(service),
          "// $interface$ with blocking handlers, which the server runs on its worker pool.\n"
          "class $blocking$ {\n"
          " public:\n"
          "  virtual ~$blocking$() = default;\n");
  for (const MethodNames& m : service.methods) {
    EmitHandlerDeclaration(p, m, "::twirp::Result<" + m.response_type + ">",
                           unimplemented_defaults);
  }
  p.Print("};\n");
}

void EmitRegisterDeclarations(pb::io::Printer& p, const ServiceNames& service) {
  p.Print(ServiceVars(service),
          "// Routes the methods of $interface$ on `server`, by their literal and CamelCase\n"
          "// names as Go does. Call before server.Start().\n");
  for (const std::string& interface : {service.interface_class, service.blocking_class}) {
    p.PrintRaw(WrapCall(0, "void " + service.register_function,
                        {"::twirp::Server& server", "std::shared_ptr<" + interface + "> service"},
                        ";") +
               "\n");
  }
}

// One method's route: its names, types and handler, and the options from the
// proto. The runtime picks the coroutine or blocking path from the handler.
std::string MethodRoute(const MethodNames& m) {
  std::vector<std::string> args = {m.names_constant, "service", "&Service::" + m.cpp_name};
  if (!m.mask_field.empty()) args.push_back("{.field_mask = " + Quote(m.mask_field) + "}");
  return WrapArgs(
      10, TemplateCallHead(10, "::twirp::detail::UnaryRoute", {m.request_type, m.response_type}),
      args, ",");
}

// The routes for either interface, written once.
void EmitRoutes(pb::io::Printer& p, const ServiceNames& service) {
  // A service without methods has no route to hand `service` to.
  const std::string parameter = service.methods.empty() ? "/*service*/" : "service";
  p.Print(ServiceVars(service),
          "// The routes of $interface$, for either of its interfaces.\n"
          "template <class Service>\n");
  p.PrintRaw(WrapCall(0, "::twirp::detail::ServiceRoutes " + service.routes_function,
                      {"std::shared_ptr<Service> " + parameter}, " {") +
             "\n");
  p.Print(ServiceVars(service),
          "  return {\n"
          "      .package = $interface$::kPackageName,\n"
          "      .name = \"$name$\",\n"
          "      .camel_name = $interface$::kServiceName,\n");
  if (service.methods.empty()) {
    p.Print("      .methods = {},\n");
  } else {
    p.Print("      .methods = {\n");
    for (const MethodNames& m : service.methods) p.PrintRaw("          " + MethodRoute(m) + "\n");
    p.Print("      },\n");
  }
  p.Print(
      "  };\n"
      "}\n");
}

void EmitRegister(pb::io::Printer& p, const ServiceNames& service, bool blocking) {
  const std::string& interface = blocking ? service.blocking_class : service.interface_class;
  p.PrintRaw(WrapCall(0, "void " + service.register_function,
                      {"::twirp::Server& server", "std::shared_ptr<" + interface + "> service"},
                      " {") +
             "\n");
  p.Print({{"routes", service.routes_function}},
          "  ::twirp::detail::AddService(server, $routes$(std::move(service)));\n"
          "}\n");
}

// The unimplemented defaults of both interfaces.
void EmitUnimplementedDefaults(pb::io::Printer& p, const ServiceNames& service) {
  for (const MethodNames& m : service.methods) {
    std::vector<std::string> parameters = {"::twirp::Context& /*ctx*/",
                                           "const " + m.request_type + "& /*request*/"};
    if (!m.mask_field.empty()) parameters.emplace_back("const ::twirp::FieldMask& /*mask*/");
    p.PrintRaw(WrapCall(0,
                        "::twirp::Awaitable<::twirp::Result<" + m.response_type + ">> " +
                            service.interface_class + "::" + m.cpp_name,
                        parameters, " {") +
               "\n");
    p.Print(
        "  co_return ::twirp::detail::UnimplementedMethod($names$);\n"
        "}\n\n",
        "names", m.names_constant);
    p.PrintRaw(WrapCall(0,
                        "::twirp::Result<" + m.response_type + "> " + service.blocking_class +
                            "::" + m.cpp_name,
                        parameters, " {") +
               "\n");
    p.Print(
        "  return ::twirp::detail::UnimplementedMethod($names$);\n"
        "}\n\n",
        "names", m.names_constant);
  }
}

}  // namespace

void EmitServerDeclarations(pb::io::Printer& printer, const ServiceNames& service,
                            bool unimplemented_defaults) {
  EmitInterface(printer, service, unimplemented_defaults);
  printer.Print("\n");
  EmitBlockingInterface(printer, service, unimplemented_defaults);
  printer.Print("\n");
  EmitRegisterDeclarations(printer, service);
}

void EmitServerRoutes(pb::io::Printer& printer, const ServiceNames& service) {
  EmitRoutes(printer, service);
}

void EmitServerDefinitions(pb::io::Printer& printer, const ServiceNames& service,
                           bool unimplemented_defaults) {
  if (unimplemented_defaults) EmitUnimplementedDefaults(printer, service);
  EmitRegister(printer, service, /*blocking=*/false);
  printer.Print("\n");
  EmitRegister(printer, service, /*blocking=*/true);
}

}  // namespace twirp::plugin
