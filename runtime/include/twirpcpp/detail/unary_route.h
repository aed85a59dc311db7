// What generated server code calls: one typed route per method. The runtime owns
// the unary path (decode, hooks, interceptors, field mask, handler, encode; see
// runtime/src/server/unary_call.cc); a route only tells it a method's names, its
// message types and how to call its handler. Users never include this.
//
// A generated Register<Service>() is, per method, one line:
//
//   UnaryRoute<Size, Hat>(kHaberdasherMakeHat, service, &Service::MakeHat)
//
// and a per-method feature is a field of UnaryOptions, not another template.
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "twirpcpp/awaitable.h"
#include "twirpcpp/context.h"
#include "twirpcpp/detail/method_names.h"
#include "twirpcpp/error.h"
#include "twirpcpp/field_mask.h"
#include "twirpcpp/result.h"
#include "twirpcpp/server.h"  // detail::AddService

namespace twirp::detail {

// What the proto says about a method beyond its types.
struct UnaryOptions {
  // The request's google.protobuf.FieldMask field named by (twirpcpp.field_mask):
  // the runtime validates the mask against the response type before the handler
  // runs and trims the response to it afterwards (docs/field-masks.md). Empty
  // for a method without the option; it must outlive the route (the generator
  // passes a literal).
  std::string_view field_mask;
};

// One call's request and response, allocated together for the length of the call.
class UnaryMessages {
 public:
  virtual ~UnaryMessages() = default;
  virtual google::protobuf::Message& request() = 0;
  virtual google::protobuf::Message& response() = 0;
};

// Calls a handler with a request of the method's input type (the runtime has
// checked it) and moves its answer into `response`. `mask` is the request's
// validated field mask, FieldMask::All() for a method without one.
using UnaryInvoker = std::function<Awaitable<Result<void>>(
    Context& ctx, const google::protobuf::Message& request, google::protobuf::Message& response,
    const FieldMask& mask)>;
using BlockingUnaryInvoker =
    std::function<Result<void>(Context& ctx, const google::protobuf::Message& request,
                               google::protobuf::Message& response, const FieldMask& mask)>;

// One method as the router and the unary path see it.
struct MethodRoute {
  const MethodNames* names = nullptr;
  UnaryOptions options;
  const google::protobuf::Descriptor* request_type = nullptr;
  const google::protobuf::Descriptor* response_type = nullptr;
  std::unique_ptr<UnaryMessages> (*new_messages)() = nullptr;
  // Exactly one is set: a coroutine handler runs on the request's executor, a
  // blocking one on the server's worker pool.
  UnaryInvoker invoke;
  BlockingUnaryInvoker invoke_blocking;
};

struct ServiceRoutes {
  std::string_view package;     // "" when the file has no package
  std::string_view name;        // the literal proto name
  std::string_view camel_name;  // Go's CamelCase of it
  std::vector<MethodRoute> methods;
};

template <class Req, class Resp>
class TypedUnaryMessages final : public UnaryMessages {
 public:
  google::protobuf::Message& request() override { return request_; }
  google::protobuf::Message& response() override { return response_; }

 private:
  Req request_;
  Resp response_;
};

template <class Req, class Resp>
std::unique_ptr<UnaryMessages> NewUnaryMessages() {
  return std::make_unique<TypedUnaryMessages<Req, Resp>>();
}

// Routes `handler`, a callable taking (Context&, const Req&), or (Context&,
// const Req&, const FieldMask&) for a method with options.field_mask, and
// returning Awaitable<Result<Resp>> (a coroutine handler) or Result<Resp> (a
// blocking one).
template <class Req, class Resp, class Handler>
MethodRoute UnaryRoute(const MethodNames& names, Handler handler, UnaryOptions options = {}) {
  constexpr bool kTakesMask = std::is_invocable_v<Handler&, Context&, const Req&, const FieldMask&>;
  static_assert(
      kTakesMask || std::is_invocable_v<Handler&, Context&, const Req&>,
      "a handler takes (Context&, const Req&) or (Context&, const Req&, const FieldMask&)");
  auto call = [handler = std::move(handler)](Context& ctx, const google::protobuf::Message& request,
                                             const FieldMask& mask) {
    const Req& typed = static_cast<const Req&>(request);
    if constexpr (kTakesMask) {
      return handler(ctx, typed, mask);
    } else {
      (void)mask;
      return handler(ctx, typed);
    }
  };
  using Returned =
      decltype(call(std::declval<Context&>(), std::declval<const google::protobuf::Message&>(),
                    std::declval<const FieldMask&>()));

  MethodRoute route;
  route.names = &names;
  route.options = options;
  route.request_type = Req::descriptor();
  route.response_type = Resp::descriptor();
  route.new_messages = &NewUnaryMessages<Req, Resp>;
  if constexpr (std::is_same_v<Returned, Awaitable<Result<Resp>>>) {
    route.invoke = [call = std::move(call)](Context& ctx, const google::protobuf::Message& request,
                                            google::protobuf::Message& response,
                                            const FieldMask& mask) -> Awaitable<Result<void>> {
      Result<Resp> result = co_await call(ctx, request, mask);
      if (!result.ok()) co_return std::move(result).error();
      static_cast<Resp&>(response) = std::move(result).value();
      co_return Ok();
    };
  } else {
    static_assert(std::is_same_v<Returned, Result<Resp>>,
                  "a handler returns Awaitable<Result<Resp>> or Result<Resp>");
    route.invoke_blocking = [call = std::move(call)](Context& ctx,
                                                     const google::protobuf::Message& request,
                                                     google::protobuf::Message& response,
                                                     const FieldMask& mask) -> Result<void> {
      Result<Resp> result = call(ctx, request, mask);
      if (!result.ok()) return std::move(result).error();
      static_cast<Resp&>(response) = std::move(result).value();
      return Ok();
    };
  }
  return route;
}

// The same for a method of a service object: `method` is &Service::Method.
template <class Req, class Resp, class Service, class Method>
MethodRoute UnaryRoute(const MethodNames& names, std::shared_ptr<Service> service, Method method,
                       UnaryOptions options = {}) {
  return UnaryRoute<Req, Resp>(names, std::bind_front(method, std::move(service)), options);
}

// The answer of a handler the service does not override, when the plugin
// generates defaults (unimplemented_defaults): unimplemented, naming the method.
Error UnimplementedMethod(const MethodNames& method);

}  // namespace twirp::detail
