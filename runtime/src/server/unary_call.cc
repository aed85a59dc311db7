#include "server/unary_call.h"

#include <exception>
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>

#include "codec/message_codec.h"
#include "common/panic.h"
#include "twirpcpp/codec.h"

namespace twirp::internal {
namespace http = boost::beast::http;

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

}  // namespace

std::optional<std::string_view> FieldsView::Get(std::string_view name) const {
  const auto it = fields_.find(name);
  if (it == fields_.end()) return std::nullopt;
  return it->value();
}

void FieldsView::ForEach(
    const std::function<void(std::string_view, std::string_view)>& fn) const {
  for (const auto& field : fields_) fn(field.name_string(), field.value());
}

RequestCall::RequestCall(ServerCore& core, ResponseSink& sink, const BeastRequest& request,
                         std::string_view path, std::chrono::steady_clock::time_point start,
                         boost::asio::any_io_executor executor)
    : core_(core),
      sink_(sink),
      request_(request),
      path_(path),
      start_(start),
      headers_(request),
      metrics_(core.metrics.unrouted()) {
  ctx_.set_request_headers(&headers_);
  ctx_.set_executor(std::move(executor));
  if (core_.options.request_deadline) ctx_.set_deadline(start + *core_.options.request_deadline);
}

Awaitable<void> RequestCall::Run() {
  const ServerHooks& hooks = core_.options.hooks;
  // Go sets the names before RequestReceived; with several services on one
  // server they are known only when the path names a registered one (§5.9).
  if (const RoutedService* service = core_.router.FindService(path_)) {
    ctx_.set_names(service->package, service->camel_name);
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
  ctx_.set_method_name(route.method->camel_name);
  encoding_ = route.encoding;
  if (auto routed = RunGateHook(hooks.request_routed, ctx_); !routed.ok()) {
    co_await WriteError(std::move(routed).error());
    co_return;
  }

  std::optional<Error> failure;
  try {
    co_await route.method->serve(*this);
  } catch (...) {
    failure = PanicError();
  }
  if (responded_) co_return;
  if (!failure) failure = std::move(decode_error_);
  if (!failure) failure = InternalError("the method returned without sending a response");
  co_await WriteError(std::move(*failure));
}

bool RequestCall::DecodeRequest(google::protobuf::Message& request) {
  Result<void> decoded = internal::Decode(request_.body(), encoding_, request, &core_.json_types);
  if (decoded.ok()) return true;
  // §2.6, §2.8: a fixed msg and no meta; the parser's reason only as the cause.
  decode_error_ = MalformedError(encoding_ == Encoding::kJson
                                     ? "the json request could not be decoded"
                                     : "the protobuf request could not be decoded")
                      .WithCause(decoded.error().msg());
  return false;
}

Awaitable<void> RequestCall::Invoke(const google::protobuf::Message& request,
                                    google::protobuf::Message& response, Method method) {
  if (responded_) co_return;
  Result<void> result;
  std::optional<Error> panic;
  try {
    if (core_.interceptor) {
      result = co_await core_.interceptor(ctx_, request, response, method);
    } else {
      result = co_await method(ctx_, request, response);
    }
  } catch (...) {
    // Deliberately not re-raised (Go re-panics): nothing a handler does may
    // take the server down (§4.10).
    panic = PanicError();
  }
  if (panic) {
    co_await WriteError(std::move(*panic));
  } else if (!result.ok()) {
    co_await WriteError(std::move(result).error());
  } else {
    co_await WriteSuccess(response);
  }
}

Awaitable<void> RequestCall::RunBlocking(std::function<void()> fn) {
  std::exception_ptr failure;
  co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void()>(
      [this, &fn, &failure](auto handler) {
        boost::asio::post(*core_.workers, [&fn, &failure, handler = std::move(handler)]() mutable {
          try {
            fn();
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
}

Awaitable<void> RequestCall::WriteError(Error error) {
  responded_ = true;
  const int status = HttpStatus(error.code());
  ctx_.set_status_code(status);
  RunNotifyHook(core_.options.hooks.error, ctx_, error);
  // Counted before the write, so that a client that has its response also sees
  // it in the metrics; a failed error write is not reported again (Go ignores
  // it too: the connection is gone and the Error hook has seen this request).
  Record(error.code());
  co_await sink_.WriteResponse(status, ContentType(Encoding::kJson), error.ToJson(),
                               ctx_.response_headers());
  RunNotifyHook(core_.options.hooks.response_sent, ctx_);
}

Awaitable<void> RequestCall::WriteSuccess(const google::protobuf::Message& response) {
  responded_ = true;
  const ServerHooks& hooks = core_.options.hooks;
  RunNotifyHook(hooks.response_prepared, ctx_);
  Result<std::string> body = internal::Encode(response, encoding_, core_.options.json, &core_.json_types);
  if (!body.ok()) {
    const std::string what = encoding_ == Encoding::kJson ? "json" : "proto";
    co_await WriteError(InternalError("failed to marshal " + what + " response: " + body.error().msg())
                            .WithCause(body.error().msg()));
    co_return;
  }
  ctx_.set_status_code(200);
  Record(std::nullopt);
  const std::size_t size = body->size();
  const WriteOutcome outcome = co_await sink_.WriteResponse(
      200, ContentType(encoding_), std::move(body).value(), ctx_.response_headers());
  if (outcome.error) {
    Error error = UnknownError("failed to write response, " +
                               std::to_string(outcome.body_bytes_written) + " of " +
                               std::to_string(size) + " bytes written: " + outcome.error.message());
    RunNotifyHook(hooks.error, ctx_, error);
  }
  RunNotifyHook(hooks.response_sent, ctx_);
}

void RequestCall::Record(std::optional<ErrorCode> code) {
  core_.metrics.Record(*metrics_, code, std::chrono::steady_clock::now() - start_);
}

}  // namespace twirp::internal
