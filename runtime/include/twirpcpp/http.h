// Plain HTTP handlers beside the Twirp routes of a Server, for services that
// also answer non-Twirp HTTP (a JSON API for an app, health checks, metrics),
// as Go programs mount an http.ServeMux handler beside a Twirp handler.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "twirpcpp/awaitable.h"
#include "twirpcpp/context.h"
#include "twirpcpp/error.h"

namespace twirp {

// One request as a plain handler sees it. The views point into the server's
// parsed request and stay valid until the handler's coroutine has finished.
struct HttpRequest {
  std::string_view method;  // "GET", "POST", ... as sent
  std::string_view target;  // the request target as sent: "/a/b%20c?x=1"
  std::string path;         // the target's path, percent-decoded (Go's r.URL.Path)
  std::string_view query;   // the raw query after '?', "" when there is none
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view body;
  // The peer's IP address as text ("127.0.0.1", "::1"): who is at the other end
  // of the connection, a proxy or the client itself. "" for a request that came
  // through Server::InProcessTransport().
  std::string remote_address;

  // First value of a header field, matched case-insensitively.
  std::optional<std::string_view> Header(std::string_view name) const;
  // First value of a query parameter, decoded as a form value ('+' is a space,
  // %XX a byte); nullopt when absent or not validly encoded.
  std::optional<std::string> QueryParam(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  // Further header fields. Content-Type, Content-Length and the connection's
  // framing (Connection, Transfer-Encoding) are the server's and are ignored here.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  static HttpResponse Json(int status, std::string body) {
    return HttpResponse{status, "application/json", {}, std::move(body)};
  }
  static HttpResponse Text(int status, std::string body) {
    return HttpResponse{status, "text/plain; charset=utf-8", {}, std::move(body)};
  }
  // A Twirp error as the Twirp routes send it: its HTTP status and JSON body.
  static HttpResponse FromError(const Error& error) {
    return Json(HttpStatus(error.code()), error.ToJson());
  }
};

// A plain handler. It runs on the connection's executor like a coroutine Twirp
// handler: await I/O (client calls) rather than block. `ctx` carries the
// request headers, the executor and the request deadline; its response headers
// are sent too (before HttpResponse::headers). A handler that throws is
// answered with a 500 internal error in Twirp's JSON shape; the server carries on.
using HttpHandler =
    std::function<Awaitable<HttpResponse>(Context& ctx, const HttpRequest& request)>;

}  // namespace twirp
