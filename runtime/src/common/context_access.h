// What only the runtime writes into a Context: the request's names, headers,
// deadline, status and executor. Handlers, hooks and interceptors read them
// through Context's public accessors.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/any_io_executor.hpp>

#include "twirpcpp/context.h"

namespace twirp::detail {

class ContextAccess {
 public:
  static void SetNames(Context& ctx, std::string_view package, std::string_view service) {
    ctx.package_name_ = package;
    ctx.service_name_ = service;
  }
  static void SetMethodName(Context& ctx, std::string_view method) { ctx.method_name_ = method; }
  static void SetRequestHeaders(Context& ctx, const RequestHeaders* headers) {
    ctx.request_headers_ = headers;
  }
  static void SetDeadline(Context& ctx, std::optional<Clock::time_point> deadline) {
    ctx.deadline_ = deadline;
  }
  static void SetStatusCode(Context& ctx, int status) { ctx.status_code_ = std::to_string(status); }
  static void SetExecutor(Context& ctx, boost::asio::any_io_executor executor) {
    ctx.executor_ = std::move(executor);
  }
};

}  // namespace twirp::detail
