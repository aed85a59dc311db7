// Twirp routing as Go v8's generated ServeHTTP does it (wire-protocol.md §1.2-1.8,
// §2.1-2.2, §4.12), for any number of services on one server.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "twirpcpp/codec.h"
#include "twirpcpp/detail/unary_route.h"
#include "twirpcpp/error.h"

namespace twirp::internal {

struct MethodMetrics;

// Hash for maps keyed by std::string that are searched with string_view, so a
// lookup allocates nothing.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

template <class V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

struct RoutedMethod {
  std::string name;        // literal proto name
  std::string camel_name;  // what Context::method_name() reports
  detail::MethodRoute route;
  MethodMetrics* metrics = nullptr;  // set when the server starts
};

struct RoutedService {
  std::string package;
  std::string name;
  std::string camel_name;
  std::string full_name;  // "<package>.<CamelName>" or "<CamelName>": the metrics label
  std::vector<std::unique_ptr<RoutedMethod>> methods;
  StringMap<const RoutedMethod*> by_name;  // literal and CamelCase
};

struct RouteResult {
  const RoutedService* service = nullptr;  // set once the service part matched
  const RoutedMethod* method = nullptr;    // set once the method part matched
  Encoding encoding = Encoding::kProtobuf;
  std::optional<Error> error;  // bad_route, in Go's check order
};

class Router {
 public:
  explicit Router(std::string prefix) : prefix_(std::move(prefix)) {}

  // Fails (std::logic_error) if a service of that name is already registered:
  // that is a programming error, found at startup.
  void Add(detail::ServiceRoutes routes);

  // The request target's path as Go's r.URL.Path: the query removed, an
  // absolute-form target reduced to its path, percent-decoded. nullopt when the
  // target is not a valid origin- or absolute-form URI.
  static std::optional<std::string> DecodePath(std::string_view target);

  // The service the path names, if any, for the context before routing (§5.9).
  const RoutedService* FindService(std::string_view path) const;

  // Routes one request. `content_type` is the raw header, "" when absent.
  RouteResult Route(std::string_view http_method, std::string_view path,
                    std::string_view content_type) const;

  const std::vector<std::unique_ptr<RoutedService>>& services() const { return services_; }

 private:
  std::string prefix_;
  std::vector<std::unique_ptr<RoutedService>> services_;
  StringMap<const RoutedService*> by_name_;  // "<pkg>.<Service>", literal and CamelCase
};

}  // namespace twirp::internal
