#include "server/unary_call.h"

#include <exception>
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>

#include "codec/message_codec.h"
#include "common/context_access.h"
#include "common/message_types.h"
#include "common/panic.h"
#include "common/request_field_mask.h"
#include "common/timeout_header.h"
#include "twirpcpp/codec.h"

namespace twirp::internal {
namespace http = boost::beast::http;
using detail::ContextAccess;

namespace {

// A hook that throws is treated as a panicking handler would be: the request
// fails with internal, the server carries on (Go would crash).
Result<void> RunGateHook(const std::function<Result<void>(Context&)>& hook, Context& ctx) {
  if (!hook) return Ok();
  try {
    return hook(ctx);
  } catch (...) {
    return PanicError();
  }
}

// Notification hooks cannot change the response any more; an exception from
// one is dropped so that the remaining stages still run.
template <class Hook, class... Args>
void RunNotifyHook(const Hook& hook, Args&... args) {
  if (!hook) return;
  try {
    hook(args...);
  } catch (...) {
  }
}

const FieldMask& AllFields() {
  static const FieldMask all = FieldMask::All();
  return all;
}

}  // namespace

UnaryCall::UnaryCall(ServerCore& core, ResponseSink& sink, const BeastRequest& request,
                     std::string_view path, std::chrono::steady_clock::time_point start,
                     boost::asio::any_io_executor executor)
    : core_(core),
      sink_(sink),
      request_(request),
      path_(path),
      start_(start),
      headers_(request),
      metrics_(core.metrics.unrouted()) {
  ContextAccess::SetRequestHeaders(ctx_, &headers_);
  ContextAccess::SetExecutor(ctx_, std::move(executor));
  std::optional<Clock::time_point> deadline;
  if (core_.options.request_deadline) deadline = start + *core_.options.request_deadline;
  if (core_.options.read_timeout_header) {
    // §5.14: the caller's time left, never beyond the server's own limit; a
    // value that is not a positive count of milliseconds is ignored.
    if (auto field = request.find(kTimeoutHeader); field != request.end()) {
      const std::string_view value(field->value().data(), field->value().size());
      if (std::optional<std::chrono::milliseconds> timeout = ParseTimeoutHeader(value)) {
        if (!deadline || start + *timeout < *deadline) deadline = start + *timeout;
      }
    }
  }
  if (deadline) ContextAccess::SetDeadline(ctx_, deadline);
}

Awaitable<void> UnaryCall::Run() {
  const ServerHooks& hooks = core_.options.hooks;
  // Go sets the names before RequestReceived; with several services on one
  // server they are known only when the path names a registered one (§5.9).
  if (const RoutedService* service = core_.router.FindService(path_)) {
    ContextAccess::SetNames(ctx_, service->package, service->camel_name);
  }
  if (auto received = RunGateHook(hooks.request_received, ctx_); !received.ok()) {
    co_await WriteError(std::move(received).error());
    co_return;
  }

  RouteResult route =
      core_.router.Route(request_.method_string(), path_, request_[http::field::content_type]);
  if (route.method != nullptr) metrics_ = route.method->metrics;
  if (route.error) {
    co_await WriteError(std::move(*route.error));
    co_return;
  }
  const RoutedMethod& method = *route.method;
  ContextAccess::SetMethodName(ctx_, method.camel_name);
  encoding_ = route.encoding;
  if (auto routed = RunGateHook(hooks.request_routed, ctx_); !routed.ok()) {
    co_await WriteError(std::move(routed).error());
    co_return;
  }

  const std::unique_ptr<detail::UnaryMessages> messages = method.route.new_messages();
  if (Result<void> decoded =
          Decode(request_.body(), encoding_, messages->request(), &core_.json_types);
      !decoded.ok()) {
    // §2.6, §2.8: a fixed msg and no meta; the parser's reason only as the cause.
    co_await WriteError(MalformedError(encoding_ == Encoding::kJson
                                           ? "the json request could not be decoded"
                                           : "the protobuf request could not be decoded")
                            .WithCause(decoded.error().msg()));
    co_return;
  }

  Result<void> result;
  try {
    if (core_.interceptor) {
      const Method handler = [this, &method](Context& ctx, const google::protobuf::Message& request,
                                             google::protobuf::Message& response) {
        return CallHandler(ctx, method, request, response);
      };
      result = co_await core_.interceptor(ctx_, messages->request(), messages->response(), handler);
    } else {
      result = co_await CallHandler(ctx_, method, messages->request(), messages->response());
    }
  } catch (...) {
    // Deliberately not re-raised (Go re-panics): nothing a handler does may
    // take the server down (§4.10).
    result = PanicError();
  }
  if (!result.ok()) {
    co_await WriteError(std::move(result).error());
    co_return;
  }
  co_await WriteSuccess(messages->response());
}

Awaitable<Result<void>> UnaryCall::CallHandler(Context& ctx, const RoutedMethod& method,
                                               const google::protobuf::Message& request,
                                               google::protobuf::Message& response) {
  const detail::MethodRoute& route = method.route;
  // An interceptor may pass on messages of its own (§5.8).
  if (Result<void> typed =
          CheckMessageTypes(request, route.request_type, response, route.response_type);
      !typed.ok()) {
    co_return typed;
  }
  // The mask is read from the request the interceptors passed on; a bad one is
  // answered like any handler error, and the response is trimmed before the
  // interceptors see it (docs/field-masks.md).
  const bool masked = !route.options.field_mask.empty();
  std::optional<FieldMask> requested;
  if (masked) {
    Result<FieldMask> mask =
        RequestFieldMask(request, route.options.field_mask, route.response_type);
    if (!mask.ok()) co_return std::move(mask).error();
    requested = std::move(mask).value();
  }
  const FieldMask& mask = requested ? *requested : AllFields();

  Result<void> result;
  if (route.invoke) {
    result = co_await route.invoke(ctx, request, response, mask);
  } else {
    result = co_await RunBlocking(ctx, route.invoke_blocking, request, response, mask);
  }
  if (result.ok() && masked) mask.Trim(response);
  co_return result;
}

Awaitable<Result<void>> UnaryCall::RunBlocking(Context& ctx,
                                               const detail::BlockingUnaryInvoker& invoke,
                                               const google::protobuf::Message& request,
                                               google::protobuf::Message& response,
                                               const FieldMask& mask) {
  Result<void> result;
  std::exception_ptr failure;
  co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void()>(
      [&](auto handler) {
        boost::asio::post(*core_.workers, [&, handler = std::move(handler)]() mutable {
          try {
            result = invoke(ctx, request, response, mask);
          } catch (...) {
            failure = std::current_exception();
          }
          // Resume the request on its own executor (the connection's strand).
          auto executor = boost::asio::get_associated_executor(handler);
          boost::asio::post(executor, std::move(handler));
        });
      },
      boost::asio::use_awaitable);
  if (failure) std::rethrow_exception(failure);
  co_return result;
}

Awaitable<void> UnaryCall::WriteError(Error error) {
  const int status = HttpStatus(error.code());
  ContextAccess::SetStatusCode(ctx_, status);
  RunNotifyHook(core_.options.hooks.error, ctx_, error);
  // Counted before the write, so that a client that has its response also sees
  // it in the metrics; a failed error write is not reported again (Go ignores
  // it too: the connection is gone and the Error hook has seen this request).
  Record(error.code());
  co_await sink_.WriteResponse(status, ContentType(Encoding::kJson), error.ToJson(),
                               ctx_.response_headers());
  RunNotifyHook(core_.options.hooks.response_sent, ctx_);
}

Awaitable<void> UnaryCall::WriteSuccess(const google::protobuf::Message& response) {
  const ServerHooks& hooks = core_.options.hooks;
  RunNotifyHook(hooks.response_prepared, ctx_);
  Result<std::string> body = Encode(response, encoding_, core_.options.json, &core_.json_types);
  if (!body.ok()) {
    const std::string what = encoding_ == Encoding::kJson ? "json" : "proto";
    co_await WriteError(
        InternalError("failed to marshal " + what + " response: " + body.error().msg())
            .WithCause(body.error().msg()));
    co_return;
  }
  ContextAccess::SetStatusCode(ctx_, 200);
  Record(std::nullopt);
  const std::size_t size = body->size();
  const WriteOutcome outcome = co_await sink_.WriteResponse(
      200, ContentType(encoding_), std::move(body).value(), ctx_.response_headers());
  if (outcome.error) {
    Error error =
        UnknownError("failed to write response, " + std::to_string(outcome.body_bytes_written) +
                     " of " + std::to_string(size) + " bytes written: " + outcome.error.message());
    RunNotifyHook(hooks.error, ctx_, error);
  }
  RunNotifyHook(hooks.response_sent, ctx_);
}

void UnaryCall::Record(std::optional<ErrorCode> code) {
  core_.metrics.Record(*metrics_, code, std::chrono::steady_clock::now() - start_);
}

}  // namespace twirp::internal
