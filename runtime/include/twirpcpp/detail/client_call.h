// What generated client code calls. Users never include this.
#pragma once

#include <string_view>

#include "twirpcpp/client.h"

namespace twirp::detail {

// Names of one RPC, for the URL and for hooks.
struct ClientMethod {
  std::string_view package;             // "" when the file has no package
  std::string_view service;             // literal proto name
  std::string_view service_camel;       // Go CamelCase
  std::string_view method;              // literal proto name
  std::string_view method_camel;        // Go CamelCase
};

// CONTRACT (filled in by the client work):
// template <class Req, class Resp>
// Awaitable<Result<Resp>> CallUnary(Client& client, const ClientMethod& method,
//                                   const Req& request, CallOptions options);
// template <class Req, class Resp>
// Result<Resp> CallUnaryBlocking(Client& client, const ClientMethod& method,
//                                const Req& request, CallOptions options);

}  // namespace twirp::detail
