// Shared pieces of the server tests: the Echo service of wire.proto with routes
// built by hand exactly as generated code builds them, and a server on
// 127.0.0.1:0 that shuts down with the test.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "raw_http_client.h"
#include "twirpcpp/detail/unary_route.h"
#include "twirpcpp/server.h"
#include "twirpcpp/test/v1/wire.pb.h"

namespace twirp::testing {

using ::twirpcpp::test::v1::EchoRequest;
using ::twirpcpp::test::v1::EchoResponse;

inline constexpr std::string_view kEchoPath = "/twirp/twirpcpp.test.v1.Echo/Echo";
inline constexpr std::string_view kMakeHatPath = "/twirp/twirpcpp.test.v1.Echo/MakeHatV1";

// What every Echo handler does: sets "X-Echo: <text>", fails with
// fail_with_code (msg = text) when set, throws for text "throw", echoes
// otherwise.
inline Result<EchoResponse> EchoResult(Context& ctx, const EchoRequest& request) {
  if (!request.text().empty()) (void)ctx.SetResponseHeader("X-Echo", request.text());
  if (request.text() == "throw") throw std::runtime_error("boom");
  if (!request.fail_with_code().empty()) {
    const auto code = ParseCode(request.fail_with_code());
    return Error(code.value_or(ErrorCode::kUnknown), request.text());
  }
  EchoResponse response;
  response.set_text(request.text());
  if (request.has_payload()) *response.mutable_payload() = request.payload();
  return response;
}

// Coroutine handler: waits delay_ms on a timer, so it never blocks the loop.
inline Awaitable<Result<EchoResponse>> EchoAsync(Context& ctx, const EchoRequest& request) {
  if (request.delay_ms() > 0) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    timer.expires_after(std::chrono::milliseconds(request.delay_ms()));
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
  co_return EchoResult(ctx, request);
}

// Blocking handler: sleeps delay_ms on its worker thread.
inline Result<EchoResponse> EchoBlocking(Context& ctx, const EchoRequest& request) {
  if (request.delay_ms() > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(request.delay_ms()));
  return EchoResult(ctx, request);
}

inline constexpr detail::MethodNames kEchoNames{"twirpcpp.test.v1", "Echo", "Echo", "Echo", "Echo"};
inline constexpr detail::MethodNames kNothingNames{"twirpcpp.test.v1", "Echo", "Echo", "Nothing",
                                                   "Nothing"};
inline constexpr detail::MethodNames kMakeHatNames{"twirpcpp.test.v1", "Echo", "Echo",
                                                   "Make_hat_v1", "MakeHatV1"};

// Echo and Nothing are coroutine methods; Make_hat_v1 (CamelCase MakeHatV1) is
// the same echo served as a blocking method on the worker pool. Built as
// generated code builds them.
inline detail::ServiceRoutes EchoRoutes() {
  using ::twirpcpp::test::v1::Empty;
  return {
      .package = "twirpcpp.test.v1",
      .name = "Echo",
      .camel_name = "Echo",
      .methods =
          {
              detail::UnaryRoute<EchoRequest, EchoResponse>(kEchoNames, &EchoAsync),
              detail::UnaryRoute<Empty, Empty>(
                  kNothingNames,
                  [](Context&, const Empty&) -> Awaitable<Result<Empty>> { co_return Empty(); }),
              detail::UnaryRoute<EchoRequest, EchoResponse>(kMakeHatNames, &EchoBlocking),
          },
  };
}

// Short limits so that timeout tests stay fast.
inline ServerOptions TestOptions() {
  ServerOptions options;
  options.header_timeout = std::chrono::milliseconds(2000);
  options.body_timeout = std::chrono::milliseconds(2000);
  options.write_timeout = std::chrono::milliseconds(2000);
  options.idle_timeout = std::chrono::milliseconds(2000);
  options.worker_threads = 2;
  return options;
}

class TestServer {
 public:
  explicit TestServer(ServerOptions options = TestOptions()) : server_(std::move(options)) {
    detail::AddService(server_, EchoRoutes());
    if (auto ec = server_.Listen("127.0.0.1", 0)) throw std::runtime_error(ec.message());
    server_.Start();
  }
  ~TestServer() { server_.Shutdown(std::chrono::milliseconds(0)); }

  Server& server() { return server_; }
  std::uint16_t port() const { return server_.port(); }

  std::optional<HttpResponse> Post(std::string_view target, std::string_view content_type,
                                   std::string_view body,
                                   std::vector<std::string> headers = {}) const {
    return RoundTrip(port(), PostRequest(target, content_type, body, std::move(headers)));
  }
  std::optional<HttpResponse> PostEcho(const EchoRequest& request,
                                       std::string_view target = kEchoPath) const {
    return Post(target, "application/protobuf", request.SerializeAsString());
  }

 private:
  Server server_;
};

inline EchoRequest MakeEcho(std::string text, std::string fail_with_code = "", int delay_ms = 0) {
  EchoRequest request;
  request.set_text(std::move(text));
  request.set_fail_with_code(std::move(fail_with_code));
  request.set_delay_ms(delay_ms);
  return request;
}

// Events recorded from server threads, read by the test thread.
class Recorder {
 public:
  void Add(std::string event) {
    {
      std::lock_guard lock(mutex_);
      events_.push_back(std::move(event));
    }
    cv_.notify_all();
  }
  // Waits until `event` has been recorded; false after `timeout`.
  bool WaitFor(const std::string& event,
               std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout,
                        [&] { return std::ranges::find(events_, event) != events_.end(); });
  }
  std::vector<std::string> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> events_;
};

}  // namespace twirp::testing
