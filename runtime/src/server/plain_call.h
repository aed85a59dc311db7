// Serving one request with a plain HTTP handler (Server::Handle): the
// counterpart of UnaryCall for requests that are not Twirp's.
#pragma once

#include <chrono>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "server/serve_request.h"
#include "server/server_core.h"
#include "twirpcpp/http.h"

namespace twirp::internal {

// Runs `handler` for one request and writes its response (or a 500 if it
// throws). Never throws for anything a client or the handler does.
Awaitable<void> ServeHttpHandler(ServerCore& core, ResponseSink& sink, const BeastRequest& request,
                                 std::string path, const HttpHandler& handler,
                                 std::chrono::steady_clock::time_point start,
                                 boost::asio::any_io_executor executor);

}  // namespace twirp::internal
