// Server hooks, called at the points of a request's life that Go's twirp.ServerHooks
// names, in the same order (wire-protocol.md §5.1-5.6).
#pragma once

#include <functional>
#include <vector>

#include "twirpcpp/context.h"
#include "twirpcpp/error.h"
#include "twirpcpp/result.h"

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

}  // namespace twirp
