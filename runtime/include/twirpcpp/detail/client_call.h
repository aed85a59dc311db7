// What generated client code calls. Users never include this.
#pragma once

#include <string_view>
#include <utility>

#include "twirpcpp/awaitable.h"
#include "twirpcpp/client.h"
#include "twirpcpp/result.h"

namespace twirp::detail {

// Names of one RPC, for the URL and for hooks.
struct ClientMethod {
  std::string_view package;             // "" when the file has no package
  std::string_view service;             // literal proto name
  std::string_view service_camel;       // Go CamelCase
  std::string_view method;              // literal proto name
  std::string_view method_camel;        // Go CamelCase
};

// One unary call, awaitable on any executor. `method` and `request` must stay
// alive until the call completes (generated code awaits it at once).
template <class Req, class Resp>
Awaitable<Result<Resp>> CallUnary(Client& client, const ClientMethod& method,
                                  const Req& request, CallOptions options) {
  Resp response;
  Result<void> result = co_await client.Call(method, request, response, std::move(options));
  if (!result.ok()) co_return std::move(result).error();
  co_return std::move(response);
}

// The same call, blocking the calling thread. Never call it from a thread that
// runs the client's executor (see Client::CallBlocking).
template <class Req, class Resp>
Result<Resp> CallUnaryBlocking(Client& client, const ClientMethod& method,
                               const Req& request, CallOptions options) {
  Resp response;
  Result<void> result = client.CallBlocking(method, request, response, std::move(options));
  if (!result.ok()) return std::move(result).error();
  return std::move(response);
}

}  // namespace twirp::detail
