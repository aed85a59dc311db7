// ClientOptions::circuit_breaker: what opens it, failing fast while open, and the
// half-open probe, against a scripted HTTP server on 127.0.0.1 port 0.
#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

#include "client_test_util.h"
#include "fake_http_server.h"

namespace twirp::testing {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

// What the scripted upstream does with each request.
enum class Mode : int { kHang, kAnswer, kSlowAnswer, kNotFound, kUnavailable, kProxyUnavailable };

class Upstream {
 public:
  Upstream()
      : server_([this](const RecordedRequest&) {
          Reply reply;
          switch (mode_.load()) {
            case Mode::kHang:
              reply = HttpReply(200, "OK", EchoBody("late"));
              reply.delay = 10s;
              break;
            case Mode::kAnswer: reply = HttpReply(200, "OK", EchoBody("pong")); break;
            case Mode::kSlowAnswer:
              reply = HttpReply(200, "OK", EchoBody("pong"));
              reply.delay = 300ms;
              break;
            case Mode::kNotFound:
              reply = HttpReply(404, "Not Found", R"({"code":"not_found","msg":"no such"})", {},
                                "application/json");
              break;
            case Mode::kProxyUnavailable:
              reply = HttpReply(503, "Service Unavailable", "no upstream", {}, "text/plain");
              break;
            case Mode::kUnavailable:
              reply = HttpReply(503, "Service Unavailable", R"({"code":"unavailable","msg":"x"})",
                                {}, "application/json");
              break;
          }
          return reply;
        }) {}

  void Set(Mode mode) { mode_.store(mode); }
  FakeHttpServer& server() { return server_; }

 private:
  std::atomic<Mode> mode_{Mode::kHang};
  FakeHttpServer server_;
};

std::shared_ptr<Client> BreakerClient(const std::string& url, int threshold,
                                      std::chrono::milliseconds open_duration) {
  ClientOptions options;
  options.circuit_breaker =
      CircuitBreakerOptions{.failure_threshold = threshold, .open_duration = open_duration};
  return MakeClient(url, options);
}

bool IsBreakerOpen(const Result<EchoResponse>& result) {
  return !result.ok() && result.error().code() == ErrorCode::kUnavailable &&
         result.error().meta("circuit_breaker") == "open";
}

// A port on 127.0.0.1 that nobody listens on (bound, then released).
std::string UnusedUrl() {
  net::io_context io;
  net::ip::tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), 0});
  return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
}

TEST_CASE("circuit breaker: timeouts in a row open it and then calls fail at once unsent") {
  Upstream upstream;
  auto client = BreakerClient(upstream.server().url(), 3, 10s);
  for (int i = 0; i < 3; ++i) {
    auto result = Echo(client, EchoRequest(), CallOptions().WithTimeout(100ms));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code() == ErrorCode::kDeadlineExceeded);
    CHECK_FALSE(IsBreakerOpen(result));
  }
  REQUIRE(upstream.server().WaitForRequests(3, 2s));
  for (int i = 0; i < 5; ++i) {
    auto start = Clock::now();
    auto result = Echo(client, EchoRequest(), CallOptions().WithTimeout(5s));
    CHECK(Clock::now() - start < 50ms);
    CHECK(IsBreakerOpen(result));
  }
  CHECK(upstream.server().requests().size() == 3);
}

TEST_CASE("circuit breaker: refused connections open it") {
  auto client = BreakerClient(UnusedUrl(), 2, 10s);
  CHECK(Echo(client, EchoRequest()).error().code() == ErrorCode::kUnavailable);
  CHECK_FALSE(IsBreakerOpen(Echo(client, EchoRequest())));
  CHECK(IsBreakerOpen(Echo(client, EchoRequest())));
}

TEST_CASE("circuit breaker: a proxy's bare 503 counts but a Twirp unavailable does not") {
  Upstream upstream;
  upstream.Set(Mode::kProxyUnavailable);
  auto client = BreakerClient(upstream.server().url(), 2, 10s);
  CHECK_FALSE(IsBreakerOpen(Echo(client, EchoRequest())));
  CHECK_FALSE(IsBreakerOpen(Echo(client, EchoRequest())));
  CHECK(IsBreakerOpen(Echo(client, EchoRequest())));

  Upstream tier;
  tier.Set(Mode::kUnavailable);
  auto tier_client = BreakerClient(tier.server().url(), 2, 10s);
  for (int i = 0; i < 4; ++i) {
    auto result = Echo(tier_client, EchoRequest());
    CHECK(result.error().code() == ErrorCode::kUnavailable);
    CHECK_FALSE(IsBreakerOpen(result));
  }
}

TEST_CASE("circuit breaker: server errors such as not_found and successes never open it") {
  Upstream upstream;
  upstream.Set(Mode::kNotFound);
  auto client = BreakerClient(upstream.server().url(), 2, 10s);
  for (int i = 0; i < 5; ++i) {
    CHECK(Echo(client, EchoRequest()).error().code() == ErrorCode::kNotFound);
  }
  // Failures must be in a row: a success in between starts the count again.
  upstream.Set(Mode::kProxyUnavailable);
  CHECK_FALSE(IsBreakerOpen(Echo(client, EchoRequest())));
  upstream.Set(Mode::kAnswer);
  CHECK(Echo(client, EchoRequest()).ok());
  upstream.Set(Mode::kProxyUnavailable);
  CHECK_FALSE(IsBreakerOpen(Echo(client, EchoRequest())));
  CHECK_FALSE(IsBreakerOpen(Echo(client, EchoRequest())));  // the second in a row opens it
  CHECK(IsBreakerOpen(Echo(client, EchoRequest())));
  CHECK(upstream.server().requests().size() == 9);
}

TEST_CASE("circuit breaker: a client-side invalid_argument sends nothing and does not count") {
  Upstream upstream;
  upstream.Set(Mode::kAnswer);
  auto client = BreakerClient(upstream.server().url(), 1, 10s);
  CallOptions bad;
  bad.headers.emplace_back("Content-Type", "text/plain");
  for (int i = 0; i < 3; ++i) {
    CHECK(Echo(client, EchoRequest(), bad).error().code() == ErrorCode::kInvalidArgument);
  }
  CHECK(Echo(client, EchoRequest()).ok());
}

TEST_CASE("circuit breaker: half-open lets one probe through and its success closes it") {
  Upstream upstream;
  auto client = BreakerClient(upstream.server().url(), 1, 200ms);
  CHECK(Echo(client, EchoRequest(), CallOptions().WithTimeout(50ms)).error().code() ==
        ErrorCode::kDeadlineExceeded);
  CHECK(IsBreakerOpen(Echo(client, EchoRequest())));
  upstream.Set(Mode::kSlowAnswer);
  std::this_thread::sleep_for(250ms);

  // Two calls at once: the first is the probe and waits for the slow answer; the
  // second fails at once, since only one probe may be out.
  net::io_context io;
  EchoRequest request;
  std::optional<Result<EchoResponse>> probe;
  std::optional<Result<EchoResponse>> other;
  std::optional<Clock::duration> other_took;
  net::co_spawn(
      io,
      [&]() -> Awaitable<void> {
        probe = co_await detail::CallUnary<EchoRequest, EchoResponse>(
            client, kEchoMethod, request, CallOptions().WithTimeout(5s));
      },
      net::detached);
  net::co_spawn(
      io,
      [&]() -> Awaitable<void> {
        // Start once the probe is at the server.
        net::steady_timer timer(co_await net::this_coro::executor);
        auto start = Clock::now();
        while (upstream.server().requests().size() < 2 && Clock::now() - start < 2s) {
          timer.expires_after(5ms);
          co_await timer.async_wait(net::use_awaitable);
        }
        auto began = Clock::now();
        other = co_await detail::CallUnary<EchoRequest, EchoResponse>(
            client, kEchoMethod, request, CallOptions().WithTimeout(5s));
        other_took = Clock::now() - began;
      },
      net::detached);
  io.run();
  REQUIRE(probe);
  REQUIRE(other);
  CHECK(probe->ok());
  CHECK(IsBreakerOpen(*other));
  CHECK(*other_took < 50ms);
  CHECK(upstream.server().requests().size() == 2);

  // Closed again: calls go through.
  upstream.Set(Mode::kAnswer);
  CHECK(Echo(client, EchoRequest()).ok());
  CHECK(Echo(client, EchoRequest()).ok());
}

TEST_CASE("circuit breaker: a failed probe opens it for another period") {
  Upstream upstream;
  auto client = BreakerClient(upstream.server().url(), 1, 200ms);
  CHECK_FALSE(IsBreakerOpen(Echo(client, EchoRequest(), CallOptions().WithTimeout(50ms))));
  std::this_thread::sleep_for(250ms);
  auto probe = Echo(client, EchoRequest(), CallOptions().WithTimeout(50ms));
  CHECK(probe.error().code() == ErrorCode::kDeadlineExceeded);
  CHECK(IsBreakerOpen(Echo(client, EchoRequest())));
  CHECK(upstream.server().requests().size() == 2);
  upstream.Set(Mode::kAnswer);
  std::this_thread::sleep_for(250ms);
  CHECK(Echo(client, EchoRequest()).ok());
}

}  // namespace
}  // namespace twirp::testing
