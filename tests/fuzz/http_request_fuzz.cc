// Raw bytes of one HTTP request, parsed as a connection's Session parses them
// (runtime/src/server/session_impl.h: Beast's request_parser with the server's
// header and body limits, eager on the buffered bytes), then answered through
// ServeRequest, the path a connection and the in-process transport share.
// Must hold: a request the parser accepts always gets exactly one response with
// a valid status; a Twirp error is valid Twirp error JSON.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include "fuzz_support.h"
#include "server/serve_request.h"
#include "server/server_core.h"

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using twirp::internal::ServerCore;

// A server's shared core with the routes registered and its methods' metrics
// created, as Server::AddService and Server::Start leave it; no threads.
ServerCore& Core() {
  static ServerCore* core = [] {
    twirp::ServerOptions options;
    options.metrics.enabled = true;  // a plain handler beside the Twirp routes
    auto* c = new ServerCore(std::move(options));
    const auto add = [c](twirp::detail::ServiceRoutes routes) {
      for (const auto& method : routes.methods) {
        c->json_types.Prepare(*method.request_type);
        c->json_types.Prepare(*method.response_type);
      }
      c->router.Add(std::move(routes));
    };
    add(twirp::fuzz::EchoRoutes());
    add(twirp::fuzz::TrackRoutes());
    for (const auto& service : c->router.services()) {
      for (const auto& method : service->methods) {
        method->metrics = c->metrics.Add(service->full_name, method->camel_name);
      }
    }
    c->serving = true;
    return c;
  }();
  return *core;
}

class CapturingSink final : public twirp::internal::ResponseSink {
 public:
  twirp::Awaitable<twirp::internal::WriteOutcome> WriteResponse(
      int status, std::string_view content_type, std::string body,
      const twirp::Context::HeaderList&) override {
    ++writes;
    this->status = status;
    this->content_type = content_type;
    this->body = std::move(body);
    co_return twirp::internal::WriteOutcome{};
  }

  int writes = 0;
  int status = 0;
  std::string content_type;
  std::string body;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ServerCore& core = Core();
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
      core.options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  parser.body_limit(core.options.max_body_bytes);
  parser.eager(true);

  boost::beast::error_code ec;
  asio::const_buffer input(data, size);
  while (input.size() > 0 && !parser.is_done()) {
    const std::size_t used = parser.put(input, ec);
    input += used;
    if (ec || used == 0) break;
  }
  // Incomplete (the session would wait for more) or malformed (it answers with
  // a transport error that does not depend on the routes).
  if (!parser.is_done()) return 0;

  const twirp::internal::BeastRequest& request = parser.get();
  const auto path = twirp::internal::Router::DecodePath(request.target());
  if (!path) return 0;

  asio::io_context io;
  CapturingSink sink;
  asio::co_spawn(io,
                 twirp::internal::ServeRequest(core, sink, request, *path,
                                               std::chrono::steady_clock::now(), io.get_executor()),
                 asio::detached);
  io.run();
  FUZZ_CHECK(sink.writes == 1);
  FUZZ_CHECK(twirp::fuzz::ValidStatus(sink.status));
  const bool plain = path->starts_with("/metrics");
  if (!plain && sink.status != 200) twirp::fuzz::CheckTwirpErrorJson(sink.body);
  return 0;
}
