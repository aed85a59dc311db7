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
  if (!m.mask_field.empty()) parameters.push_back("const ::twirp::FieldMask& mask");
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

void EmitInterface(pb::io::Printer& p, const ServiceNames& service) {
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
    p.Print("\n");
    PrintComments(p, LeadingComments(m.descriptor), 2);
    p.PrintRaw("  " +
               WrapCall(2,
                        "virtual ::twirp::Awaitable<::twirp::Result<" + m.response_type + ">> " +
                            m.cpp_name,
                        HandlerParameters(m), " = 0;") +
               "\n");
  }
  p.Print("};\n");
}

void EmitBlockingInterface(pb::io::Printer& p, const ServiceNames& service) {
  p.Print(ServiceVars(service),
          "// $interface$ with blocking handlers, which the server runs on its worker pool.\n"
          "class $blocking$ {\n"
          " public:\n"
          "  virtual ~$blocking$() = default;\n");
  for (const MethodNames& m : service.methods) {
    p.Print("\n");
    PrintComments(p, LeadingComments(m.descriptor), 2);
    p.PrintRaw("  " +
               WrapCall(2, "virtual ::twirp::Result<" + m.response_type + "> " + m.cpp_name,
                        HandlerParameters(m), " = 0;") +
               "\n");
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

// One entry of routes.methods: the literal and CamelCase names and the typed
// adapter from a decoded call to the handler. The runtime's Serve (or
// ServeWithMask, which validates the mask before the handler and trims the
// response after it) picks the coroutine or blocking path from kBlocking.
void EmitMethodRoute(pb::io::Printer& p, const ServiceNames& service, const MethodNames& m) {
  const Vars vars = {
      {"name", m.name},
      {"interface", service.interface_class},
      {"constant", m.name_constant},
      {"request", m.request_type},
      {"response", m.response_type},
      {"method", m.cpp_name},
      {"mask_field", m.mask_field},
  };
  p.Print(vars,
          "  routes.methods.push_back({\n"
          "      .name = \"$name$\",\n"
          "      .camel_name = $interface$::$constant$,\n"
          "      .serve =\n"
          "          [service](::twirp::detail::ServerCall& call) {\n"
          "            using Request = $request$;\n"
          "            using Response = $response$;\n");
  if (m.mask_field.empty()) {
    p.Print(vars,
            "            return ::twirp::detail::Serve<kBlocking, Request, Response>(\n"
            "                call, [service](::twirp::Context& ctx, const Request& request) {\n"
            "                  return service->$method$(ctx, request);\n"
            "                });\n");
  } else {
    p.Print(vars,
            "            return ::twirp::detail::ServeWithMask<kBlocking, Request, Response>(\n"
            "                call, \"$mask_field$\",\n"
            "                [service](::twirp::Context& ctx, const Request& request,\n"
            "                          const ::twirp::FieldMask& mask) {\n"
            "                  return service->$method$(ctx, request, mask);\n"
            "                });\n");
  }
  p.Print(
      "          },\n"
      "  });\n");
}

// The routes for either interface, written once: kBlocking runs the handlers on
// the server's worker pool.
void EmitRoutes(pb::io::Printer& p, const ServiceNames& service) {
  // A service without methods has no route to hand `service` to.
  const std::string parameter = service.methods.empty() ? "/*service*/" : "service";
  p.Print(ServiceVars(service),
          "// The routes of $interface$ for either interface; kBlocking runs the handlers\n"
          "// on the server's worker pool.\n"
          "template <bool kBlocking, class Service>\n");
  p.PrintRaw(WrapCall(0, "::twirp::detail::ServiceRoutes " + service.routes_function,
                      {"std::shared_ptr<Service> " + parameter}, " {") +
             "\n");
  p.Print(ServiceVars(service),
          "  ::twirp::detail::ServiceRoutes routes{\n"
          "      .package = $interface$::kPackageName,\n"
          "      .name = \"$name$\",\n"
          "      .camel_name = $interface$::kServiceName,\n"
          "      .methods = {},\n"
          "  };\n");
  for (const MethodNames& m : service.methods) EmitMethodRoute(p, service, m);
  p.Print(
      "  return routes;\n"
      "}\n");
}

void EmitRegister(pb::io::Printer& p, const ServiceNames& service, bool blocking) {
  const std::string& interface = blocking ? service.blocking_class : service.interface_class;
  p.PrintRaw(WrapCall(0, "void " + service.register_function,
                      {"::twirp::Server& server", "std::shared_ptr<" + interface + "> service"},
                      " {") +
             "\n");
  p.Print({{"routes", service.routes_function}, {"blocking", blocking ? "true" : "false"}},
          "  server.AddService($routes$<$blocking$>(std::move(service)));\n"
          "}\n");
}

}  // namespace

void EmitServerDeclarations(pb::io::Printer& printer, const ServiceNames& service) {
  EmitInterface(printer, service);
  printer.Print("\n");
  EmitBlockingInterface(printer, service);
  printer.Print("\n");
  EmitRegisterDeclarations(printer, service);
}

void EmitServerRoutes(pb::io::Printer& printer, const ServiceNames& service) {
  EmitRoutes(printer, service);
}

void EmitServerDefinitions(pb::io::Printer& printer, const ServiceNames& service) {
  EmitRegister(printer, service, /*blocking=*/false);
  printer.Print("\n");
  EmitRegister(printer, service, /*blocking=*/true);
}

}  // namespace twirp::plugin
