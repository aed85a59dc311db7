// What generated client code calls. Users never include this.
#pragma once

#include <memory>
#include <utility>

#include "twirpcpp/awaitable.h"
#include "twirpcpp/client.h"
#include "twirpcpp/detail/method_names.h"
#include "twirpcpp/result.h"

namespace twirp::detail {

// The Client members that only generated code (and the runtime's tests) use.
class ClientAccess {
 public:
  static Awaitable<Result<void>> Call(Client& client, const MethodNames& method,
                                      const google::protobuf::Message& request,
                                      google::protobuf::Message& response, CallOptions options) {
    return client.Call(method, request, response, std::move(options));
  }
  static Result<void> CallBlocking(Client& client, const MethodNames& method,
                                   const google::protobuf::Message& request,
                                   google::protobuf::Message& response, CallOptions options) {
    return client.CallBlocking(method, request, response, std::move(options));
  }
  static std::string Path(const Client& client, const MethodNames& method) {
    return client.Path(method);
  }
};

// One unary call, awaitable on any executor. The awaitable owns the request and
// a reference to the client, so it may be stored, or co_spawned for fan-out,
// and awaited after the caller's request object and generated client are gone.
// `method` is a constant of the generated code.
template <class Req, class Resp>
Awaitable<Result<Resp>> CallUnary(std::shared_ptr<Client> client, const MethodNames& method,
                                  Req request, CallOptions options) {
  Resp response;
  Result<void> result =
      co_await ClientAccess::Call(*client, method, request, response, std::move(options));
  if (!result.ok()) co_return std::move(result).error();
  co_return std::move(response);
}

// The same call, blocking the calling thread. Never call it from a thread that
// runs the client's executor (see Client::CallBlocking).
template <class Req, class Resp>
Result<Resp> CallUnaryBlocking(Client& client, const MethodNames& method, const Req& request,
                               // NOLINTNEXTLINE(performance-unnecessary-value-param): moved on
                               CallOptions options) {
  Resp response;
  Result<void> result =
      ClientAccess::CallBlocking(client, method, request, response, std::move(options));
  if (!result.ok()) return std::move(result).error();
  return response;
}

}  // namespace twirp::detail
