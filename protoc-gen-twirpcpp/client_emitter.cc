#include "client_emitter.h"

#include <string>
#include <vector>

#include "printing.h"

namespace twirp::plugin {
namespace {

namespace pb = google::protobuf;

std::string AsyncResult(const MethodNames& m) {
  return "::twirp::Awaitable<::twirp::Result<" + m.response_type + ">>";
}

std::string BlockingResult(const MethodNames& m) {
  return "::twirp::Result<" + m.response_type + ">";
}

// The coroutine form owns its request, so that its awaitable may outlive the
// caller's request object; the blocking form returns before the caller's does.
std::vector<std::string> AsyncParameters(const MethodNames& m, std::string_view options_default) {
  return {m.request_type + " request",
          "::twirp::CallOptions options" + std::string(options_default)};
}

std::vector<std::string> BlockingParameters(const MethodNames& m,
                                            std::string_view options_default) {
  return {"const " + m.request_type + "& request",
          "::twirp::CallOptions options" + std::string(options_default)};
}

void EmitClientInterface(pb::io::Printer& p, const ServiceNames& service) {
  p.Print(
      "// The calls of $interface$. Code that calls the service takes this interface, so\n"
      "// that its tests can hand it a fake (or a $client$ over\n"
      "// Server::InProcessTransport()).\n"
      "class $client_interface$ {\n"
      " public:\n"
      "  virtual ~$client_interface$() = default;\n",
      "interface", service.interface_class, "client", service.client_class, "client_interface",
      service.client_interface_class);
  for (const MethodNames& m : service.methods) {
    p.Print("\n");
    PrintComments(p, LeadingComments(m.descriptor), 2);
    p.PrintRaw("  " +
               WrapCall(2, "virtual " + AsyncResult(m) + " " + m.cpp_name,
                        AsyncParameters(m, " = {}"), " = 0;") +
               "\n");
    p.PrintRaw("  " +
               WrapCall(2, "virtual " + BlockingResult(m) + " " + m.blocking_name,
                        BlockingParameters(m, " = {}"), " = 0;") +
               "\n");
  }
  p.Print("};\n");
}

}  // namespace

void EmitClientDeclarations(pb::io::Printer& p, const ServiceNames& service) {
  EmitClientInterface(p, service);
  p.Print(
      "\n"
      "// Calls $interface$ through `client`, which many generated clients may share. A\n"
      "// call's awaitable holds its request and the client: it may be stored or\n"
      "// co_spawned and awaited later.\n"
      "class $client$ final : public $client_interface$ {\n"
      " public:\n"
      "  explicit $client$(std::shared_ptr<::twirp::Client> client);\n",
      "interface", service.interface_class, "client", service.client_class, "client_interface",
      service.client_interface_class);
  if (!service.methods.empty()) p.Print("\n");
  for (const MethodNames& m : service.methods) {
    p.PrintRaw(
        "  " +
        WrapCall(2, AsyncResult(m) + " " + m.cpp_name, AsyncParameters(m, " = {}"), " override;") +
        "\n");
    p.PrintRaw("  " +
               WrapCall(2, BlockingResult(m) + " " + m.blocking_name,
                        BlockingParameters(m, " = {}"), " override;") +
               "\n");
  }
  p.Print(
      "\n"
      " private:\n"
      "  std::shared_ptr<::twirp::Client> client_;\n"
      "};\n");
}

void EmitClientDefinitions(pb::io::Printer& p, const ServiceNames& service) {
  p.Print(
      "$client$::$client$(std::shared_ptr<::twirp::Client> client)\n"
      "    : client_(std::move(client)) {}\n",
      "client", service.client_class);
  for (const MethodNames& m : service.methods) {
    const std::vector<std::string> types = {m.request_type, m.response_type};
    const std::string qualified = service.client_class + "::";
    p.Print("\n");
    p.PrintRaw(
        WrapCall(0, AsyncResult(m) + " " + qualified + m.cpp_name, AsyncParameters(m, ""), " {") +
        "\n");
    p.PrintRaw("  " +
               WrapArgs(2, TemplateCallHead(2, "return ::twirp::detail::CallUnary", types),
                        {"client_", m.names_constant, "std::move(request)", "std::move(options)"},
                        ";") +
               "\n");
    p.Print("}\n\n");
    p.PrintRaw(WrapCall(0, BlockingResult(m) + " " + qualified + m.blocking_name,
                        BlockingParameters(m, ""), " {") +
               "\n");
    p.PrintRaw("  " +
               WrapArgs(2, TemplateCallHead(2, "return ::twirp::detail::CallUnaryBlocking", types),
                        {"*client_", m.names_constant, "request", "std::move(options)"}, ";") +
               "\n");
    p.Print("}\n");
  }
}

}  // namespace twirp::plugin
