// Server and client hooks, called at the points of a request's life that Go's
// twirp.ServerHooks and twirp.ClientHooks name, in the same order
// (wire-protocol.md §5.1-5.6, §6.16).
#pragma once

#include <functional>
#include <vector>

#include "twirpcpp/context.h"
#include "twirpcpp/error.h"
#include "twirpcpp/result.h"
#include "twirpcpp/transport.h"

namespace twirp {

struct ServerHooks {
  // After the request line and headers are read, before routing. An error ends the
  // request: it becomes the response.
  std::function<Result<void>(Context&)> request_received;
  // After the route and encoding are known, before the body is decoded. An error
  // ends the request. Not called for routing errors.
  std::function<Result<void>(Context&)> request_routed;
  // After the handler succeeded, before the response is encoded.
  std::function<void(Context&)> response_prepared;
  // After the response was written (or writing failed), for every request.
  std::function<void(Context&)> response_sent;
  // For every error, before the error response is written: it may still set
  // response headers.
  std::function<void(Context&, const Error&)> error;
};

// One ServerHooks that runs each in order; for request_received and
// request_routed it stops at the first hook that fails (Go's ChainHooks).
ServerHooks ChainHooks(std::vector<ServerHooks> hooks);

// Client hooks, as Go's twirp.ClientHooks (§6.16). Each call runs
// request_prepared, then either response_received or error. All run on the
// caller's executor, inside the interceptors.
struct ClientHooks {
  // The request is ready to send; the hook may edit it (headers, body). An error
  // aborts the call and is what the caller gets (after the error hook).
  std::function<Result<void>(Context&, TransportRequest&)> request_prepared;
  // A 200 response was decoded successfully.
  std::function<void(Context&)> response_received;
  // The call failed with this error (any failure, including request_prepared's).
  std::function<void(Context&, const Error&)> error;
};

}  // namespace twirp
