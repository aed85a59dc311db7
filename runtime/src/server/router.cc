#include "server/router.h"

#include <stdexcept>

#include "codec/go_text.h"
#include "common/ascii.h"

namespace twirp::internal {
namespace {

// Go's parseTwirpPath: last part = method, the one before = "<pkg>.<Service>",
// the rest re-joined with '/' = prefix. Fewer than two parts give three empties.
struct PathParts {
  std::string_view prefix;
  std::string_view service;
  std::string_view method;
};

PathParts SplitTwirpPath(std::string_view path) {
  const auto last = path.rfind('/');
  if (last == std::string_view::npos) return {};
  PathParts parts;
  parts.method = path.substr(last + 1);
  const std::string_view rest = path.substr(0, last);
  const auto before = rest.rfind('/');
  if (before == std::string_view::npos) {
    parts.service = rest;
  } else {
    parts.service = rest.substr(before + 1);
    parts.prefix = rest.substr(0, before);
  }
  return parts;
}

Error BadRoute(std::string msg, std::string_view http_method, std::string_view path) {
  std::string route;
  route.reserve(http_method.size() + 1 + path.size());
  route.append(http_method).append(" ").append(path);
  return BadRouteError(std::move(msg)).WithMeta("twirp_invalid_route", std::move(route));
}

std::string NoHandler(std::string_view path) { return "no handler for path " + GoQuote(path); }

}  // namespace

void Router::Add(detail::ServiceRoutes routes) {
  auto service = std::make_unique<RoutedService>();
  service->package = routes.package;
  service->name = routes.name;
  service->camel_name = routes.camel_name.empty() ? routes.name : routes.camel_name;
  const std::string qualifier = service->package.empty() ? "" : service->package + ".";
  service->full_name = qualifier + service->camel_name;
  for (auto& route : routes.methods) {
    auto method = std::make_unique<RoutedMethod>();
    method->name = route.names->method;
    method->camel_name =
        route.names->method_camel.empty() ? route.names->method : route.names->method_camel;
    method->route = std::move(route);
    service->by_name.emplace(method->name, method.get());
    service->by_name.emplace(method->camel_name, method.get());
    service->methods.push_back(std::move(method));
  }
  for (const std::string& key : {qualifier + service->name, qualifier + service->camel_name}) {
    auto it = by_name_.find(key);
    if (it != by_name_.end() && it->second != service.get()) {
      throw std::logic_error("twirp: service " + key + " is registered twice");
    }
  }
  by_name_.emplace(qualifier + service->name, service.get());
  by_name_.emplace(qualifier + service->camel_name, service.get());
  services_.push_back(std::move(service));
}

std::optional<std::string> Router::DecodePath(std::string_view target) {
  if (const auto query = target.find('?'); query != std::string_view::npos) {
    target = target.substr(0, query);
  }
  if (StartsWithIgnoreCase(target, "http://") || StartsWithIgnoreCase(target, "https://")) {
    target.remove_prefix(target.find("://") + 3);
    const auto slash = target.find('/');
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  if (target.empty() || target.front() != '/') return std::nullopt;
  // The common case: nothing to decode, one copy instead of one append per byte.
  if (target.find('%') == std::string_view::npos) return std::string(target);
  std::string path;
  path.reserve(target.size());
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i] != '%') {
      path += target[i];
      continue;
    }
    if (i + 2 >= target.size()) return std::nullopt;
    const int hi = HexDigitValue(target[i + 1]);
    const int lo = HexDigitValue(target[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    path += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return path;
}

const RoutedService* Router::FindService(std::string_view path) const {
  const auto it = by_name_.find(SplitTwirpPath(path).service);
  return it == by_name_.end() ? nullptr : it->second;
}

RouteResult Router::Route(std::string_view http_method, std::string_view path,
                          std::string_view content_type) const {
  RouteResult result;
  if (http_method != "POST") {
    result.error =
        BadRoute("unsupported method " + GoQuote(http_method) + " (only POST is allowed)",
                 http_method, path);
    return result;
  }
  const PathParts parts = SplitTwirpPath(path);
  const auto service = by_name_.find(parts.service);
  if (service == by_name_.end()) {
    result.error = BadRoute(NoHandler(path), http_method, path);
    return result;
  }
  result.service = service->second;
  if (parts.prefix != prefix_) {
    result.error = BadRoute("invalid path prefix " + GoQuote(parts.prefix) + ", expected " +
                                GoQuote(prefix_) + ", on path " + GoQuote(path),
                            http_method, path);
    return result;
  }
  const auto method = result.service->by_name.find(parts.method);
  if (method == result.service->by_name.end()) {
    result.error = BadRoute(NoHandler(path), http_method, path);
    return result;
  }
  result.method = method->second;
  const auto encoding = EncodingFromContentType(content_type);
  if (!encoding) {
    result.error = BadRoute("unexpected Content-Type: " + GoQuote(content_type), http_method, path);
    return result;
  }
  result.encoding = *encoding;
  return result;
}

}  // namespace twirp::internal
