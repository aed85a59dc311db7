// What generated server code calls. Users never include this.
#pragma once

#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include <google/protobuf/message.h>

#include "twirpcpp/awaitable.h"
#include "twirpcpp/context.h"
#include "twirpcpp/interceptor.h"
#include "twirpcpp/result.h"

namespace twirp::detail {

class ServerCall;

// One RPC of a service, as the router sees it.
struct MethodRoute {
  std::string_view name;        // the literal proto name, "MakeHat_v1"
  std::string_view camel_name;  // Go's CamelCase of it, "MakeHatV1" (wire-protocol.md §1.7, §1.9)
  std::function<Awaitable<void>(ServerCall&)> serve;
};

struct ServiceRoutes {
  std::string_view package;     // "" when the file has no package
  std::string_view name;        // literal proto name
  std::string_view camel_name;  // Go's CamelCase of it
  std::vector<MethodRoute> methods;
};

// One request after routing. The runtime owns it; generated code only decodes,
// invokes and returns.
class ServerCall {
 public:
  virtual ~ServerCall() = default;
  virtual Context& context() = 0;
  // Decodes the body into `request`. On failure the error response is sent
  // (malformed) and false returned: the caller just returns.
  virtual bool DecodeRequest(google::protobuf::Message& request) = 0;
  // Runs the interceptors and `method`, then encodes and sends the response or
  // the error, calling the hooks in Go's order.
  virtual Awaitable<void> Invoke(const google::protobuf::Message& request,
                                 google::protobuf::Message& response, Method method) = 0;
  // Runs `fn` on the worker pool and resumes on the request's executor.
  virtual Awaitable<void> RunBlocking(std::function<void()> fn) = 0;
};

// Adapts a typed handler to twirp::Method: checks the message types (an
// interceptor may pass on another message), calls it, moves its result into the
// response.
template <class Req, class Resp, class Handler>
Method TypedMethod(Handler handler) {
  return [handler = std::move(handler)](Context& ctx, const google::protobuf::Message& request,
                                        google::protobuf::Message& response)
             -> Awaitable<Result<void>> {
    if (request.GetDescriptor() != Req::descriptor()) {
      co_return InternalError("failed type assertion req.(*" + std::string(Req::descriptor()->name()) +
                              ") when calling interceptor");
    }
    if (response.GetDescriptor() != Resp::descriptor()) {
      co_return InternalError("failed type assertion resp.(*" + std::string(Resp::descriptor()->name()) +
                              ") when calling interceptor");
    }
    Result<Resp> result = co_await handler(ctx, static_cast<const Req&>(request));
    if (!result.ok()) co_return std::move(result).error();
    static_cast<Resp&>(response) = std::move(result).value();
    co_return Ok();
  };
}

// The body of every generated method route for a coroutine handler:
// handler(Context&, const Req&) -> Awaitable<Result<Resp>>.
template <class Req, class Resp, class Handler>
Awaitable<void> ServeUnary(ServerCall& call, Handler handler) {
  Req request;
  if (!call.DecodeRequest(request)) co_return;
  Resp response;
  co_await call.Invoke(request, response, TypedMethod<Req, Resp>(std::move(handler)));
}

// The same for a blocking handler: handler(Context&, const Req&) -> Result<Resp>,
// run on the worker pool.
template <class Req, class Resp, class Handler>
Awaitable<void> ServeUnaryBlocking(ServerCall& call, Handler handler) {
  ServerCall* c = &call;
  auto on_worker = [c, handler = std::move(handler)](Context& ctx, const Req& request)
      -> Awaitable<Result<Resp>> {
    Result<Resp> result;
    co_await c->RunBlocking([&] { result = handler(ctx, request); });
    co_return result;
  };
  co_await ServeUnary<Req, Resp>(call, std::move(on_worker));
}

// What a generated route calls: ServeUnaryBlocking for the Blocking interface,
// ServeUnary for the coroutine one, so that one routes template serves both.
template <bool kBlocking, class Req, class Resp, class Handler>
Awaitable<void> Serve(ServerCall& call, Handler handler) {
  if constexpr (kBlocking) {
    return ServeUnaryBlocking<Req, Resp>(call, std::move(handler));
  } else {
    return ServeUnary<Req, Resp>(call, std::move(handler));
  }
}

}  // namespace twirp::detail
