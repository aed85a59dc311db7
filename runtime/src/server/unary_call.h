// One routed request: the ServerCall that generated code drives, and the part of
// request handling that follows Go's generated ServeHTTP (hooks, routing,
// decoding, interceptors, response) once the HTTP request has been read.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>

#include "server/server_core.h"
#include "twirpcpp/context.h"
#include "twirpcpp/detail/server_call.h"

namespace twirp::internal {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

struct WriteOutcome {
  boost::system::error_code error;
  std::size_t body_bytes_written = 0;
};

// Where responses go: the connection. Implemented by Session.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  virtual Awaitable<WriteOutcome> WriteResponse(int status, std::string_view content_type,
                                                std::string body,
                                                const Context::HeaderList& headers) = 0;
};

// detail::RequestHeaders over the parsed request's fields.
class FieldsView final : public detail::RequestHeaders {
 public:
  explicit FieldsView(const boost::beast::http::fields& fields) : fields_(fields) {}
  std::optional<std::string_view> Get(std::string_view name) const override;
  void ForEach(const std::function<void(std::string_view, std::string_view)>& fn) const override;

 private:
  const boost::beast::http::fields& fields_;
};

class RequestCall final : public detail::ServerCall {
 public:
  RequestCall(ServerCore& core, ResponseSink& sink, const BeastRequest& request,
              std::string_view path, std::chrono::steady_clock::time_point start,
              boost::asio::any_io_executor executor);

  // Handles the request from RequestReceived to ResponseSent. Never throws for
  // anything a client or a handler does.
  Awaitable<void> Run();

  Context& context() override { return ctx_; }
  bool DecodeRequest(google::protobuf::Message& request) override;
  Awaitable<void> Invoke(const google::protobuf::Message& request,
                         google::protobuf::Message& response, Method method) override;
  Awaitable<void> RunBlocking(std::function<void()> fn) override;

 private:
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
  bool responded_ = false;
  std::optional<Error> decode_error_;
};

}  // namespace twirp::internal
