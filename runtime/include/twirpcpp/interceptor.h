// Server interceptors: middleware around the typed handler, as Go's twirp.Interceptor.
#pragma once

#include <functional>
#include <vector>

#include <google/protobuf/message.h>

#include "twirpcpp/awaitable.h"
#include "twirpcpp/context.h"
#include "twirpcpp/result.h"

namespace twirp {

// The next stage of the chain: fills `response` for `request`. The request must
// be of the method's input type, or the call fails with internal (Go's "failed
// type assertion" error).
using Method = std::function<Awaitable<Result<void>>(
    Context& ctx, const google::protobuf::Message& request, google::protobuf::Message& response)>;

// Runs around `next`: may inspect or replace the request (call next with
// another message of the same type), edit the response, or fail without calling
// next.
using Interceptor =
    std::function<Awaitable<Result<void>>(Context& ctx, const google::protobuf::Message& request,
                                          google::protobuf::Message& response, const Method& next)>;

// ChainInterceptors(a, b, c) runs a(b(c(method))): the first is outermost; empty
// functions are skipped (§5.7).
Interceptor ChainInterceptors(std::vector<Interceptor> interceptors);

}  // namespace twirp
