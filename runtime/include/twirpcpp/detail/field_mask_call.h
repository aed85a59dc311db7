// What generated server code calls for methods with the (twirpcpp.field_mask)
// option (twirpcpp/options.proto). Users never include this.
//
// A generated route is one call:
//
//   return ServeWithMask<kBlocking, Req, Resp>(call, "field_mask",
//       [service](Context& ctx, const Req& request, const FieldMask& mask) {...});
//
// The mask is validated inside the twirp::Method handed to ServerCall::Invoke, so
// that a bad mask is answered like any handler error (interceptors and hooks
// included), and the response is trimmed there too, before interceptors see it.
#pragma once

#include <string_view>
#include <utility>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "twirpcpp/awaitable.h"
#include "twirpcpp/context.h"
#include "twirpcpp/detail/server_call.h"
#include "twirpcpp/field_mask.h"
#include "twirpcpp/result.h"

namespace twirp::detail {

// Reads the google.protobuf.FieldMask field `field_name` of `request` and
// validates it against `response_type`: FieldMask::All() when the field is unset
// or empty, invalid_argument (meta argument=<field_name>) for a path that names no
// field of the response. A `field_name` that is not a FieldMask field of the
// request is internal: the generator checks this, so it means mismatched code.
Result<FieldMask> RequestFieldMask(const google::protobuf::Message& request,
                                   std::string_view field_name,
                                   const google::protobuf::Descriptor* response_type);

// ServeUnary for a coroutine handler that takes the request's field mask:
// handler(Context&, const Req&, const FieldMask&) -> Awaitable<Result<Resp>>.
// `mask_field` names the request's google.protobuf.FieldMask field; it must
// outlive the call (the generator passes a literal).
template <class Req, class Resp, class Handler>
Awaitable<void> ServeUnaryWithMask(ServerCall& call, std::string_view mask_field, Handler handler) {
  auto masked = [mask_field, handler = std::move(handler)](Context& ctx, const Req& request)
      -> Awaitable<Result<Resp>> {
    Result<FieldMask> mask = RequestFieldMask(request, mask_field, Resp::descriptor());
    if (!mask.ok()) co_return std::move(mask).error();
    Result<Resp> result = co_await handler(ctx, request, *mask);
    if (result.ok()) mask->Trim(*result);
    co_return result;
  };
  co_await ServeUnary<Req, Resp>(call, std::move(masked));
}

// The same for a blocking handler:
// handler(Context&, const Req&, const FieldMask&) -> Result<Resp>, run on the
// worker pool.
template <class Req, class Resp, class Handler>
Awaitable<void> ServeUnaryBlockingWithMask(ServerCall& call, std::string_view mask_field,
                                           Handler handler) {
  ServerCall* c = &call;
  auto on_worker = [c, handler = std::move(handler)](Context& ctx, const Req& request,
                                                      const FieldMask& mask)
      -> Awaitable<Result<Resp>> {
    Result<Resp> result;
    co_await c->RunBlocking([&] { result = handler(ctx, request, mask); });
    co_return result;
  };
  co_await ServeUnaryWithMask<Req, Resp>(call, mask_field, std::move(on_worker));
}

// What a generated route calls, for either interface (see detail::Serve).
template <bool kBlocking, class Req, class Resp, class Handler>
Awaitable<void> ServeWithMask(ServerCall& call, std::string_view mask_field, Handler handler) {
  if constexpr (kBlocking) {
    return ServeUnaryBlockingWithMask<Req, Resp>(call, mask_field, std::move(handler));
  } else {
    return ServeUnaryWithMask<Req, Resp>(call, mask_field, std::move(handler));
  }
}

}  // namespace twirp::detail
