// The unary path of one Twirp request, after the HTTP request has been read:
// hooks, routing, decoding, interceptors, the field mask, the handler, the
// response, in the order of Go's generated ServeHTTP (wire-protocol.md §5).
// Generated code takes no part in it; it only supplies the routes
// (twirpcpp/detail/unary_route.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>

#include "server/serve_request.h"
#include "server/server_core.h"
#include "twirpcpp/context.h"
#include "twirpcpp/field_mask.h"

namespace twirp::internal {

class UnaryCall {
 public:
  UnaryCall(ServerCore& core, ResponseSink& sink, const BeastRequest& request,
            std::string_view path, std::chrono::steady_clock::time_point start,
            boost::asio::any_io_executor executor);

  // Handles the request from RequestReceived to ResponseSent.
  Awaitable<void> Run();

 private:
  // The innermost stage, below the interceptors: type check, field mask,
  // handler (on the worker pool if it blocks), trimming.
  Awaitable<Result<void>> CallHandler(Context& ctx, const RoutedMethod& method,
                                      const google::protobuf::Message& request,
                                      google::protobuf::Message& response);
  Awaitable<Result<void>> RunBlocking(Context& ctx, const detail::BlockingUnaryInvoker& invoke,
                                      const google::protobuf::Message& request,
                                      google::protobuf::Message& response, const FieldMask& mask);
  // Go's writeError: status, Error hook, JSON body, write, ResponseSent.
  Awaitable<void> WriteError(Error error);
  Awaitable<void> WriteSuccess(const google::protobuf::Message& response);
  void Record(std::optional<ErrorCode> code);

  ServerCore& core_;
  ResponseSink& sink_;
  const BeastRequest& request_;
  std::string_view path_;
  std::chrono::steady_clock::time_point start_;
  FieldsView headers_;
  Context ctx_;
  MethodMetrics* metrics_;
  Encoding encoding_ = Encoding::kProtobuf;
};

}  // namespace twirp::internal
