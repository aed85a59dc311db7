// One HTTP request as the server hands it on once it has been read, whether
// from a connection (Session) or from an in-process transport: where its
// response goes, and the dispatch to a plain HTTP handler or to Twirp.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>

#include "server/server_core.h"
#include "twirpcpp/context.h"

namespace twirp::internal {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

struct WriteOutcome {
  boost::system::error_code error;
  std::size_t body_bytes_written = 0;
};

// Where a response goes: the connection (Session), or the caller of an
// in-process transport.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  virtual Awaitable<WriteOutcome> WriteResponse(int status, std::string_view content_type,
                                                std::string body,
                                                const Context::HeaderList& headers) = 0;
  // The peer's IP address, "" when there is no socket. Asked by plain handlers
  // only, so that a Twirp request never pays for it.
  virtual std::string RemoteAddress() const { return {}; }
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

// Answers one request whose decoded path is `path`: with the plain HTTP handler
// registered for it (Server::Handle), else as a Twirp request. Never throws for
// anything a client or a handler does.
Awaitable<void> ServeRequest(ServerCore& core, ResponseSink& sink, const BeastRequest& request,
                             std::string path, std::chrono::steady_clock::time_point start,
                             boost::asio::any_io_executor executor);

}  // namespace twirp::internal
