#include "client_emitter.h"

#include <string>

#include "printing.h"

namespace twirp::plugin {
namespace {

namespace pb = google::protobuf;

std::string AsyncResult(const MethodNames& m) {
  return "::twirp::Awaitable<::twirp::Result<" + m.response_type + ">>";
}

std::string BlockingResult(const MethodNames& m) { return "::twirp::Result<" + m.response_type + ">"; }

}  // namespace

void EmitClientDeclarations(pb::io::Printer& p, const ServiceNames& service) {
  p.Print(
      "// Calls $interface$ through `client`, which many generated clients may share.\n"
      "class $client$ {\n"
      " public:\n"
      "  explicit $client$(std::shared_ptr<::twirp::Client> client);\n",
      "interface", service.interface_class, "client", service.client_class);
  for (const MethodNames& m : service.methods) {
    p.Print("\n");
    PrintComments(p, LeadingComments(m.descriptor), 2);
    const std::vector<std::string> params = {"const " + m.request_type + "& request",
                                             "::twirp::CallOptions options = {}"};
    p.PrintRaw("  " + WrapCall(2, AsyncResult(m) + " " + m.cpp_name, params, ";") + "\n");
    p.PrintRaw("  " + WrapCall(2, BlockingResult(m) + " " + m.blocking_name, params, ";") + "\n");
  }
  p.Print(
      "\n"
      " private:\n"
      "  std::shared_ptr<::twirp::Client> client_;\n"
      "};\n");
}

void EmitClientMethodTable(pb::io::Printer& p, const ServiceNames& service) {
  for (const MethodNames& m : service.methods) {
    if (&m != &service.methods.front()) p.Print("\n");
    p.Print(
        "constexpr ::twirp::detail::ClientMethod $constant${\n"
        "    .package = $interface$::kPackageName,\n"
        "    .service = \"$service$\",\n"
        "    .service_camel = $interface$::kServiceName,\n"
        "    .method = \"$method$\",\n"
        "    .method_camel = $interface$::$method_constant$,\n"
        "};\n",
        "constant", m.client_constant, "interface", service.interface_class, "service",
        service.name, "method", m.name, "method_constant", m.name_constant);
  }
}

void EmitClientDefinitions(pb::io::Printer& p, const ServiceNames& service) {
  p.Print(
      "$client$::$client$(std::shared_ptr<::twirp::Client> client)\n"
      "    : client_(std::move(client)) {}\n",
      "client", service.client_class);
  for (const MethodNames& m : service.methods) {
    const std::vector<std::string> params = {"const " + m.request_type + "& request",
                                             "::twirp::CallOptions options"};
    const std::vector<std::string> args = {"*client_", m.client_constant, "request",
                                           "std::move(options)"};
    const std::vector<std::string> types = {m.request_type, m.response_type};
    const std::string qualified = service.client_class + "::";
    p.Print("\n");
    p.PrintRaw(WrapCall(0, AsyncResult(m) + " " + qualified + m.cpp_name, params, " {") + "\n");
    p.PrintRaw("  " +
               WrapArgs(2, TemplateCallHead(2, "return ::twirp::detail::CallUnary", types), args,
                        ";") +
               "\n");
    p.Print("}\n\n");
    p.PrintRaw(WrapCall(0, BlockingResult(m) + " " + qualified + m.blocking_name, params, " {") +
               "\n");
    p.PrintRaw("  " +
               WrapArgs(2, TemplateCallHead(2, "return ::twirp::detail::CallUnaryBlocking", types),
                        args, ";") +
               "\n");
    p.Print("}\n");
  }
}

}  // namespace twirp::plugin
