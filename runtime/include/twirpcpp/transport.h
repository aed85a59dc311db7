// How a client's requests reach a server: the Transport interface, and the HTTP
// exchange it carries. The default is a pool of HTTP/1.1 keep-alive connections
// (ClientOptions); Server::InProcessTransport() reaches a server in the same
// process without a socket; tests and special deployments may supply their own.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "twirpcpp/awaitable.h"
#include "twirpcpp/context.h"
#include "twirpcpp/result.h"

namespace twirp {

// One HTTP exchange as a Transport sees it.
struct TransportRequest {
  std::string method = "POST";
  std::string target;  // origin-form: "/twirp/pkg.Svc/Method"
  // In order, Host first. Content-Length is the transport's (from body).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<Clock::time_point> deadline;
  // The method is idempotent in its proto (idempotency_level NO_SIDE_EFFECTS or
  // IDEMPOTENT): a transport may send it again after a failure that leaves
  // unknown whether the server received it. Otherwise a request is resent only
  // when it provably never reached the server (the top of twirpcpp/client.h).
  bool idempotent = false;

  // First value of a header, matched case-insensitively.
  std::optional<std::string_view> Header(std::string_view name) const;
};

struct TransportResponse {
  int status = 0;
  std::string reason;  // the reason phrase as received
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string_view> Header(std::string_view name) const;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends `request` and returns the complete response whatever its status, or
  // a transport failure (unavailable, deadline_exceeded, canceled, internal: see
  // the top of twirpcpp/client.h). Awaitable on any executor; honours the caller's
  // cancellation slot and request.deadline.
  virtual Awaitable<Result<TransportResponse>> RoundTrip(TransportRequest request) = 0;
};

}  // namespace twirp
