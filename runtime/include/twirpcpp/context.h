// The per-request context a server hands to hooks, interceptors and handlers.
#pragma once

#include <any>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <typeindex>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "twirpcpp/result.h"

namespace twirp {

namespace detail {
class ContextAccess;

// Read access to the request's header fields; the server implements it over its
// HTTP parser so that this header needs no HTTP library.
class RequestHeaders {
 public:
  virtual ~RequestHeaders() = default;
  // First value of a field, matched case-insensitively.
  virtual std::optional<std::string_view> Get(std::string_view name) const = 0;
  virtual void ForEach(
      const std::function<void(std::string_view name, std::string_view value)>& fn) const = 0;
};
}  // namespace detail

using Clock = std::chrono::steady_clock;

class Context {
 public:
  using HeaderList = std::vector<std::pair<std::string, std::string>>;

  Context() = default;
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  // Proto package ("" when the file has none), CamelCase service name and
  // CamelCase method name. The method name is empty until the request is routed
  // (wire-protocol.md §5.9).
  std::string_view package_name() const { return package_name_; }
  std::string_view service_name() const { return service_name_; }
  std::string_view method_name() const { return method_name_; }

  // The request's header fields (unlike Go, Twirp handlers here may read them).
  std::optional<std::string_view> request_header(std::string_view name) const;
  void ForEachRequestHeader(
      const std::function<void(std::string_view name, std::string_view value)>& fn) const;

  // Response headers for the success or the error response (§5.12): Set
  // replaces, Add appends. Content-Type and Content-Length belong to the
  // framework and are refused with invalid_argument.
  Result<void> SetResponseHeader(std::string name, std::string value);
  Result<void> AddResponseHeader(std::string name, std::string value);
  const HeaderList& response_headers() const { return response_headers_; }

  // When the caller stops waiting, if the server was configured with a request
  // deadline. Pass it on to downstream calls (client CallOptions take it).
  std::optional<Clock::time_point> deadline() const { return deadline_; }
  bool expired() const { return deadline_ && Clock::now() >= *deadline_; }

  // The HTTP status of the response, as text ("200", "404"), once it is known:
  // visible to the Error and ResponseSent hooks, empty before (§5.10).
  std::string_view status_code() const { return status_code_; }

  // The executor the request runs on: spawn concurrent work (several client
  // calls at once) here.
  const boost::asio::any_io_executor& executor() const { return executor_; }

  // Values set by hooks or interceptors for later stages, keyed by type
  // (an authenticated principal, a request id, ...).
  template <class T>
  void SetValue(T value) {
    values_[std::type_index(typeid(T))] = std::move(value);
  }
  template <class T>
  const T* Value() const {
    auto it = values_.find(std::type_index(typeid(T)));
    return it == values_.end() ? nullptr : std::any_cast<T>(&it->second);
  }

 private:
  // The runtime fills in the names, headers, deadline, status and executor
  // (runtime/src/common/context_access.h); handlers only read them.
  friend class detail::ContextAccess;

  std::string_view package_name_;
  std::string_view service_name_;
  std::string_view method_name_;
  const detail::RequestHeaders* request_headers_ = nullptr;
  HeaderList response_headers_;
  std::optional<Clock::time_point> deadline_;
  std::string status_code_;
  boost::asio::any_io_executor executor_;
  std::unordered_map<std::type_index, std::any> values_;
};

}  // namespace twirp
