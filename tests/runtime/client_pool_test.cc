// The client's connection pool, transport failures, deadlines, cancellation,
// hooks, interceptors and the blocking form, against a scripted HTTP server.
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
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

Reply Pong() { return HttpReply(200, "OK", EchoBody("pong")); }

TEST_CASE("pool: sequential calls reuse one keep-alive connection") {
  FakeHttpServer server([](const RecordedRequest&) { return Pong(); });
  auto client = MakeClient(server.url());
  for (int i = 0; i < 5; ++i) REQUIRE(Echo(client, EchoRequest()).ok());
  CHECK(server.connections_accepted() == 1);
  CHECK(server.requests().back().index_on_connection == 4);
}

TEST_CASE("pool: 64 concurrent calls with max_connections 4 never open more than 4") {
  FakeHttpServer server([](const RecordedRequest&) {
    Reply reply = Pong();
    reply.delay = 10ms;  // keep connections busy so that callers must queue
    return reply;
  });
  ClientOptions options;
  options.max_connections = 4;
  auto client = MakeClient(server.url(), options);

  net::io_context io;
  std::atomic<int> ok{0};
  EchoRequest request;
  for (int i = 0; i < 64; ++i) {
    net::co_spawn(
        io,
        [&]() -> Awaitable<void> {
          CallOptions call;
          call.WithTimeout(20s);
          auto result = co_await detail::CallUnary<EchoRequest, EchoResponse>(client, kEchoMethod,
                                                                              request, call);
          if (result.ok()) ++ok;
        },
        net::detached);
  }
  io.run();
  CHECK(ok == 64);
  CHECK(server.requests().size() == 64);
  CHECK(server.connections_accepted() <= 4);
  CHECK(server.max_open_connections() <= 4);
}

TEST_CASE("pool: Connection: close from the server is honoured (no reuse)") {
  FakeHttpServer server([](const RecordedRequest&) {
    // The server would keep serving the connection; the client must not use it.
    return HttpReply(200, "OK", EchoBody("x"), {"Connection: close"});
  });
  auto client = MakeClient(server.url());
  REQUIRE(Echo(client, EchoRequest()).ok());
  REQUIRE(Echo(client, EchoRequest()).ok());
  CHECK(server.connections_accepted() == 2);
}

TEST_CASE("pool: a connection the server closed while idle is detected and replaced") {
  FakeHttpServer server([](const RecordedRequest&) {
    Reply reply = Pong();
    reply.then = Reply::Then::kClose;  // no Connection: close, like an idle timeout
    return reply;
  });
  auto client = MakeClient(server.url());
  REQUIRE(Echo(client, EchoRequest()).ok());
  REQUIRE(server.WaitForClosed(1, 5s));
  // Past the pool's 1 ms of trusting a just-released connection: within it a
  // close goes unseen and the written request fails (the top of client.h).
  std::this_thread::sleep_for(10ms);
  REQUIRE(Echo(client, EchoRequest()).ok());
  CHECK(server.connections_accepted() == 2);
  CHECK(server.requests().size() == 2);
}

// A server that runs the handler for the second request of each keep-alive
// connection and then drops the connection without answering: the request
// reached it, so sending it again would run it twice.
Reply AnswerFirstDropSecond(const RecordedRequest& request) {
  if (request.index_on_connection == 0) return Pong();
  Reply reply;  // read (and count) the request, answer nothing, close
  reply.then = Reply::Then::kClose;
  return reply;
}

// How many requests the server received more than once, by their text.
int DuplicateDeliveries(const FakeHttpServer& server) {
  std::map<std::string, int> seen;
  for (const RecordedRequest& request : server.requests()) {
    EchoRequest decoded;
    if (decoded.ParseFromString(request.body)) ++seen[decoded.text()];
  }
  int duplicates = 0;
  for (const auto& [text, count] : seen) duplicates += count - 1;
  return duplicates;
}

TEST_CASE("pool: a request written on a pooled connection is never sent again (unavailable)") {
  FakeHttpServer server(AnswerFirstDropSecond);
  auto client = MakeClient(server.url());
  constexpr int kCalls = 20;
  int unavailable = 0;
  for (int i = 0; i < kCalls; ++i) {
    EchoRequest request;
    request.set_text("call " + std::to_string(i));
    auto result = Echo(client, request, CallOptions().WithTimeout(5s));
    if (!result.ok()) {
      CHECK(result.error().code() == ErrorCode::kUnavailable);
      CHECK_FALSE(result.error().meta("cause").empty());
      ++unavailable;
    }
  }
  WARN("duplicate deliveries in " << kCalls << " calls: " << DuplicateDeliveries(server));
  CHECK(DuplicateDeliveries(server) == 0);
  CHECK(server.requests().size() == kCalls);
  // Every second call met the drop on its connection's second request.
  CHECK(unavailable == kCalls / 2);
}

TEST_CASE("pool: an idempotent method is sent again on a fresh connection after a drop") {
  FakeHttpServer server(AnswerFirstDropSecond);
  auto client = MakeClient(server.url());
  REQUIRE(EchoIdempotent(client, EchoRequest()).ok());
  EchoRequest request;
  request.set_text("again");
  auto second = EchoIdempotent(client, request);
  REQUIRE(second.ok());
  CHECK(second->text() == "pong");
  // Received twice, the second time as the first request of a new connection.
  REQUIRE(server.requests().size() == 3);
  CHECK(server.requests()[1].connection == 0);
  CHECK(server.requests()[2].connection == 1);
  CHECK(DuplicateDeliveries(server) == 1);
}

TEST_CASE(
    "pool: no retry after the request reached the server on a fresh connection (unavailable)") {
  FakeHttpServer server([](const RecordedRequest&) {
    Reply reply;  // read the request, answer nothing, close
    reply.then = Reply::Then::kClose;
    return reply;
  });
  auto client = MakeClient(server.url());
  auto result = Echo(client, EchoRequest());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code() == ErrorCode::kUnavailable);
  CHECK_FALSE(result.error().meta("cause").empty());
  CHECK(server.requests().size() == 1);
  CHECK(server.connections_accepted() == 1);
}

TEST_CASE("pool: idle connections are closed after idle_timeout") {
  FakeHttpServer server([](const RecordedRequest&) { return Pong(); });
  ClientOptions options;
  options.idle_timeout = 100ms;
  auto client = MakeClient(server.url(), options);
  REQUIRE(Echo(client, EchoRequest()).ok());
  CHECK(server.WaitForClosed(1, 5s));
  REQUIRE(Echo(client, EchoRequest()).ok());
  CHECK(server.connections_accepted() == 2);
}

TEST_CASE(
    "(deliberate difference from §6.13) a refused connection is unavailable with meta cause") {
  std::uint16_t port;
  {
    net::io_context io;
    net::ip::tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), 0});
    port = acceptor.local_endpoint().port();
  }  // closed: nothing listens there now
  auto client = MakeClient("http://127.0.0.1:" + std::to_string(port));
  auto result = Echo(client, EchoRequest());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code() == ErrorCode::kUnavailable);
  CHECK_THAT(result.error().msg(), Catch::StartsWith("failed to do request: "));
  CHECK_FALSE(result.error().meta("cause").empty());
}

TEST_CASE("(deliberate difference from §6.13) a DNS failure is unavailable") {
  auto client = MakeClient("http://nonexistent.invalid:80");
  auto result = Echo(client, EchoRequest(), CallOptions().WithTimeout(10s));
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code() == ErrorCode::kUnavailable);
  CHECK_FALSE(result.error().meta("cause").empty());
}

TEST_CASE(
    "(deliberate difference from §6.14) a passed deadline is deadline_exceeded, in time, not retried") {
  FakeHttpServer server([](const RecordedRequest&) {
    Reply reply = Pong();
    reply.delay = 10s;
    return reply;
  });
  auto client = MakeClient(server.url());
  auto start = Clock::now();
  auto result = Echo(client, EchoRequest(), CallOptions().WithTimeout(200ms));
  auto elapsed = Clock::now() - start;
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code() == ErrorCode::kDeadlineExceeded);
  CHECK(elapsed >= 190ms);
  CHECK(elapsed < 3s);
  CHECK(server.requests().size() == 1);
}

TEST_CASE("default_timeout bounds calls without a deadline; an expired deadline sends nothing") {
  FakeHttpServer server([](const RecordedRequest&) {
    Reply reply = Pong();
    reply.delay = 10s;
    return reply;
  });
  ClientOptions options;
  options.default_timeout = 100ms;
  auto client = MakeClient(server.url(), options);
  CHECK(Echo(client, EchoRequest()).error().code() == ErrorCode::kDeadlineExceeded);

  auto other = MakeClient(server.url());
  CallOptions past;
  past.deadline = Clock::now() - 1ms;
  CHECK(Echo(other, EchoRequest(), past).error().code() == ErrorCode::kDeadlineExceeded);
  CHECK(server.requests().size() == 1);
}

TEST_CASE("waiting for a free connection counts against the deadline") {
  FakeHttpServer server([](const RecordedRequest&) {
    Reply reply = Pong();
    reply.delay = 1s;
    return reply;
  });
  ClientOptions options;
  options.max_connections = 1;
  auto client = MakeClient(server.url(), options);
  net::io_context io;
  EchoRequest request;
  std::optional<Result<EchoResponse>> slow;
  std::optional<Result<EchoResponse>> queued;
  net::co_spawn(
      io,
      [&]() -> Awaitable<void> {
        slow =
            co_await detail::CallUnary<EchoRequest, EchoResponse>(client, kEchoMethod, request, {});
      },
      net::detached);
  net::co_spawn(
      io,
      [&]() -> Awaitable<void> {
        queued = co_await detail::CallUnary<EchoRequest, EchoResponse>(
            client, kEchoMethod, request, CallOptions().WithTimeout(100ms));
      },
      net::detached);
  io.run();
  REQUIRE(slow);
  REQUIRE(queued);
  CHECK(slow->ok());
  REQUIRE_FALSE(queued->ok());
  CHECK(queued->error().code() == ErrorCode::kDeadlineExceeded);
}

TEST_CASE("(deliberate difference from §6.13) cancellation through the Asio slot is canceled") {
  FakeHttpServer server([](const RecordedRequest&) {
    Reply reply = Pong();
    reply.delay = 10s;
    return reply;
  });
  auto client = MakeClient(server.url());
  net::io_context io;
  net::cancellation_signal signal;
  EchoRequest request;
  std::optional<Result<EchoResponse>> result;
  auto start = Clock::now();
  net::co_spawn(
      io,
      [&]() -> Awaitable<void> {
        result =
            co_await detail::CallUnary<EchoRequest, EchoResponse>(client, kEchoMethod, request, {});
      },
      net::bind_cancellation_slot(signal.slot(), net::detached));
  net::co_spawn(
      io,
      [&]() -> Awaitable<void> {
        // Cancel once the request is at the server.
        net::steady_timer timer(co_await net::this_coro::executor);
        while (server.requests().empty() && Clock::now() - start < 5s) {
          timer.expires_after(5ms);
          co_await timer.async_wait(net::use_awaitable);
        }
        signal.emit(net::cancellation_type::terminal);
      },
      net::detached);
  io.run();
  REQUIRE(result);
  REQUIRE_FALSE(result->ok());
  CHECK(result->error().code() == ErrorCode::kCanceled);
  CHECK(Clock::now() - start < 5s);
  // The client stays usable.
  FakeHttpServer quick([](const RecordedRequest&) { return Pong(); });
  CHECK(Echo(MakeClient(quick.url()), EchoRequest()).ok());
}

TEST_CASE("§6.16 hooks run inside interceptors: a(b(prepared, send, received))") {
  FakeHttpServer server([](const RecordedRequest&) { return Pong(); });
  std::vector<std::string> log;
  ClientOptions options;
  options.hooks.request_prepared = [&](Context& ctx, TransportRequest& request) -> Result<void> {
    log.push_back("prepared " + std::string(ctx.service_name()) + "." +
                  std::string(ctx.method_name()));
    request.headers.emplace_back("X-From-Hook", "1");
    return Ok();
  };
  options.hooks.response_received = [&](Context&) { log.emplace_back("received"); };
  options.hooks.error = [&](Context&, const Error& e) { log.push_back("error " + e.msg()); };
  auto interceptor = [&](const std::string& name) -> Interceptor {
    return [&log, name](Context& ctx, const google::protobuf::Message& req,
                        google::protobuf::Message& resp,
                        const Method& next) -> Awaitable<Result<void>> {
      log.push_back(name + " before " + std::string(ctx.package_name()));
      Result<void> result = co_await next(ctx, req, resp);
      log.push_back(name + " after");
      co_return result;
    };
  };
  options.interceptors = {interceptor("a"), nullptr, interceptor("b")};
  auto client = MakeClient(server.url(), options);
  auto result = RunSync(
      detail::CallUnary<EchoRequest, EchoResponse>(client, kMakeHatMethod, EchoRequest(), {}));
  REQUIRE(result.ok());
  CHECK(log == std::vector<std::string>{"a before twirpcpp.test.v1", "b before twirpcpp.test.v1",
                                        "prepared Echo.MakeHatV1", "received", "b after",
                                        "a after"});
  CHECK(server.requests().at(0).Header("X-From-Hook") == "1");
}

TEST_CASE("§6.16 a failing request_prepared aborts the call: error hook, nothing sent") {
  FakeHttpServer server([](const RecordedRequest&) { return Pong(); });
  std::vector<std::string> log;
  ClientOptions options;
  options.hooks.request_prepared = [&](Context&, TransportRequest&) -> Result<void> {
    log.emplace_back("prepared");
    return PermissionDeniedError("no");
  };
  options.hooks.response_received = [&](Context&) { log.emplace_back("received"); };
  options.hooks.error = [&](Context&, const Error& e) {
    log.push_back("error " + std::string(CodeString(e.code())));
  };
  auto client = MakeClient(server.url(), options);
  auto result = Echo(client, EchoRequest());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code() == ErrorCode::kPermissionDenied);
  CHECK(log == std::vector<std::string>{"prepared", "error permission_denied"});
  CHECK(server.requests().empty());
}

TEST_CASE("A header with CR or LF added by request_prepared is refused and nothing is sent") {
  FakeHttpServer server([](const RecordedRequest&) { return Pong(); });
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"X-Evil", "a\r\nX-Injected: 1"}, {"X Evil", "a"}, {"X-Evil", std::string("a\0b", 3)}}) {
    INFO(name);
    ClientOptions options;
    options.hooks.request_prepared = [name, value](Context&,
                                                   TransportRequest& request) -> Result<void> {
      request.headers.emplace_back(name, value);
      return Ok();
    };
    auto client = MakeClient(server.url(), options);
    auto result = Echo(client, EchoRequest());
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code() == ErrorCode::kInvalidArgument);
    CHECK(result.error().msg() == "invalid header field \"" + name + "\"");
  }
  CHECK(server.requests().empty());
}

TEST_CASE("§6.16 the error hook sees server errors; response_received does not run") {
  FakeHttpServer server([](const RecordedRequest&) {
    return HttpReply(404, "Not Found", R"({"code":"not_found","msg":"m"})", {}, "application/json");
  });
  std::vector<std::string> log;
  ClientOptions options;
  options.hooks.response_received = [&](Context&) { log.emplace_back("received"); };
  options.hooks.error = [&](Context&, const Error& e) {
    log.push_back("error " + std::string(CodeString(e.code())));
  };
  auto client = MakeClient(server.url(), options);
  REQUIRE_FALSE(Echo(client, EchoRequest()).ok());
  CHECK(log == std::vector<std::string>{"error not_found"});
}

TEST_CASE("an interceptor may fail the call without sending it") {
  FakeHttpServer server([](const RecordedRequest&) { return Pong(); });
  ClientOptions options;
  options.interceptors = {[](Context&, const google::protobuf::Message&, google::protobuf::Message&,
                             const Method&) -> Awaitable<Result<void>> {
    co_return UnauthenticatedError("who are you");
  }};
  auto client = MakeClient(server.url(), options);
  CHECK(Echo(client, EchoRequest()).error().code() == ErrorCode::kUnauthenticated);
  CHECK(server.requests().empty());
}

// A Transport that answers from memory, recording what it was given.
class RecordingTransport : public Transport {
 public:
  Awaitable<Result<TransportResponse>> RoundTrip(TransportRequest request) override {
    requests.push_back(std::move(request));
    TransportResponse response;
    response.status = 200;
    response.reason = "OK";
    response.headers = {{"X-Fake", "1"}};
    response.body = EchoBody("from memory");
    co_return response;
  }
  std::vector<TransportRequest> requests;
};

TEST_CASE("ClientOptions::transport replaces the HTTP pool and sees the prepared request") {
  auto transport = std::make_shared<RecordingTransport>();
  ClientOptions options;
  options.transport = transport;
  options.hooks.request_prepared = [](Context&, TransportRequest& request) -> Result<void> {
    request.headers.emplace_back("X-Hook", "yes");
    return Ok();
  };
  auto client = MakeClient("http://unused.invalid:1", options);
  std::vector<std::pair<std::string, std::string>> response_headers;
  CallOptions call;
  call.response_headers = &response_headers;
  auto result = Echo(client, EchoRequest(), call);
  REQUIRE(result.ok());
  CHECK(result->text() == "from memory");
  REQUIRE(transport->requests.size() == 1);
  const TransportRequest& sent = transport->requests[0];
  CHECK(sent.method == "POST");
  CHECK(sent.target == "/twirp/twirpcpp.test.v1.Echo/Echo");
  CHECK(sent.Header("host") == "unused.invalid:1");
  CHECK(sent.Header("X-Hook") == "yes");
  CHECK(response_headers.size() == 1);
}

TEST_CASE("CallUnaryBlocking waits for the call on the client's own executor") {
  FakeHttpServer server([](const RecordedRequest&) { return Pong(); });
  auto client = MakeClient(server.url());
  EchoRequest request;
  auto result =
      detail::CallUnaryBlocking<EchoRequest, EchoResponse>(*client, kEchoMethod, request, {});
  REQUIRE(result.ok());
  CHECK(result->text() == "pong");
  FakeHttpServer failing([](const RecordedRequest&) {
    return HttpReply(503, "Service Unavailable", "busy", {}, "text/plain");
  });
  auto other = MakeClient(failing.url());
  auto error =
      detail::CallUnaryBlocking<EchoRequest, EchoResponse>(*other, kEchoMethod, request, {});
  REQUIRE_FALSE(error.ok());
  CHECK(error.error().code() == ErrorCode::kUnavailable);
}

TEST_CASE(
    "a client created on a given executor runs there and serves coroutine and blocking calls") {
  FakeHttpServer server([](const RecordedRequest&) { return Pong(); });
  net::io_context io;
  auto work = net::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  {
    auto created = Client::Create(io.get_executor(), server.url());
    REQUIRE(created.ok());
    std::shared_ptr<Client> client = *created;
    EchoRequest request;
    auto blocking =
        detail::CallUnaryBlocking<EchoRequest, EchoResponse>(*client, kEchoMethod, request, {});
    CHECK(blocking.ok());
    auto awaited = net::co_spawn(
        io, detail::CallUnary<EchoRequest, EchoResponse>(client, kEchoMethod, request, {}),
        net::use_future);
    REQUIRE(awaited.wait_for(10s) == std::future_status::ready);
    CHECK(awaited.get().ok());
    CHECK(server.connections_accepted() == 1);
  }
  work.reset();
  io.stop();
  runner.join();
}

}  // namespace
}  // namespace twirp::testing
