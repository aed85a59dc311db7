// One server on several I/O and worker threads, hammered by pooled clients
// called from several threads at once, with hooks and interceptors on both
// sides, then shut down gracefully while calls are in flight. Its checks are
// plain counts; what it is for is the ThreadSanitizer build (scripts/test
// --tsan), which watches every thread of both sides while it runs.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/thread_pool.hpp>

#include "client_test_util.h"
#include "server_test_util.h"
#include "twirpcpp/client.h"
#include "twirpcpp/hooks.h"

namespace twirp::testing {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

// What the server's hooks and interceptor saw, from its I/O and worker threads.
struct ServerCounts {
  std::atomic<int> received{0};
  std::atomic<int> routed{0};
  std::atomic<int> intercepted{0};
  std::atomic<int> sent{0};
  std::atomic<int> sent_ok{0};
  std::atomic<int> errors{0};
};

ServerOptions HammeredOptions(ServerCounts& counts) {
  ServerOptions options = TestOptions();
  // TestOptions' 2 s limits are for the timeout tests: under TSan on a loaded
  // machine a pooled connection may sit idle that long, and the server's close
  // would race a call written to it.
  options.header_timeout = options.idle_timeout = std::chrono::seconds(60);
  options.body_timeout = options.write_timeout = std::chrono::seconds(60);
  options.io_threads = 4;
  options.worker_threads = 4;
  options.hooks.request_received = [&counts](Context&) -> Result<void> {
    ++counts.received;
    return Ok();
  };
  options.hooks.request_routed = [&counts](Context& ctx) -> Result<void> {
    ++counts.routed;
    // Response headers are per request: a hook may write them from any thread.
    (void)ctx.SetResponseHeader("X-Routed", std::string(ctx.method_name()));
    return Ok();
  };
  options.hooks.response_sent = [&counts](Context& ctx) {
    ++counts.sent;
    if (ctx.status_code() == "200") ++counts.sent_ok;
  };
  options.hooks.error = [&counts](Context&, const Error&) { ++counts.errors; };
  options.interceptors.emplace_back([&counts](Context& ctx,
                                              const google::protobuf::Message& request,
                                              google::protobuf::Message& response,
                                              const Method& next) -> Awaitable<Result<void>> {
    ++counts.intercepted;
    co_return co_await next(ctx, request, response);
  });
  return options;
}

// What one client's hooks and interceptor saw, from the calling threads.
struct ClientCounts {
  std::atomic<int> prepared{0};
  std::atomic<int> received{0};
  std::atomic<int> errors{0};
  std::atomic<int> intercepted{0};
};

ClientOptions HammeringOptions(ClientCounts& counts, Encoding encoding) {
  ClientOptions options;
  options.encoding = encoding;
  options.max_connections = 6;  // fewer than the callers: some wait for a slot
  options.hooks.request_prepared = [&counts](Context&, TransportRequest& request) -> Result<void> {
    ++counts.prepared;
    request.headers.emplace_back("X-Hammer", "1");
    return Ok();
  };
  options.hooks.response_received = [&counts](Context&) { ++counts.received; };
  options.hooks.error = [&counts](Context&, const Error&) { ++counts.errors; };
  options.interceptors.emplace_back([&counts](Context& ctx,
                                              const google::protobuf::Message& request,
                                              google::protobuf::Message& response,
                                              const Method& next) -> Awaitable<Result<void>> {
    ++counts.intercepted;
    co_return co_await next(ctx, request, response);
  });
  return options;
}

// How the calls of every caller thread ended.
struct Outcomes {
  std::atomic<int> ok{0};
  std::atomic<int> unavailable{0};
  std::atomic<int> other{0};
  std::atomic<int> wrong_answer{0};
};

// A caller thread: calls in a loop, alternating the coroutine method and the
// blocking one, until `stop` or until a call fails (the server has gone).
// No Catch macro here: Catch is not thread-safe (TSan says so).
// Coroutine callers run their calls on an io_context of their own; the others
// block on the client's executor.
void Caller(const std::shared_ptr<Client>& client, bool blocking, int id, int max_calls,
            const std::atomic<bool>& stop, Outcomes& outcomes) {
  for (int i = 0; i < max_calls && !stop.load(); ++i) {
    const std::string text = "t" + std::to_string(id) + "-" + std::to_string(i);
    const EchoRequest request = MakeEcho(text, "", /*delay_ms=*/i % 3);
    const detail::MethodNames& method = i % 2 == 0 ? kEchoMethod : kMakeHatMethod;
    CallOptions call;
    call.WithTimeout(60s);
    Result<EchoResponse> result =
        blocking
            ? detail::CallUnaryBlocking<EchoRequest, EchoResponse>(*client, method, request, call)
            : RunSync(detail::CallUnary<EchoRequest, EchoResponse>(client, method, request, call));
    if (result.ok()) {
      ++outcomes.ok;
      if (result->text() != text) ++outcomes.wrong_answer;
      continue;
    }
    if (result.error().code() == ErrorCode::kUnavailable) {
      ++outcomes.unavailable;
    } else {
      ++outcomes.other;
    }
    return;
  }
}

TEST_CASE("Four I/O threads serve pooled clients called from eight threads with hooks") {
  ServerCounts server_counts;
  TestServer server(HammeredOptions(server_counts));
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());

  // A protobuf client on its own loop, and a JSON one on three threads of its
  // own: its calls, hooks and first JSON encodings run on several at once.
  ClientCounts proto_counts;
  ClientCounts json_counts;
  auto proto_client = MakeClient(url, HammeringOptions(proto_counts, Encoding::kProtobuf));
  net::thread_pool json_loop(3);
  auto json_created =
      Client::Create(json_loop.get_executor(), url, HammeringOptions(json_counts, Encoding::kJson));
  REQUIRE(json_created.ok());
  auto json_client = *json_created;

  constexpr int kCallsPerThread = 25;
  const std::atomic<bool> stop{false};
  Outcomes outcomes;
  {
    std::vector<std::jthread> callers;
    callers.reserve(8);
    for (int id = 0; id < 8; ++id) {
      callers.emplace_back([&, id] {
        Caller(id % 2 == 0 ? proto_client : json_client, /*blocking=*/id % 4 >= 2, id,
               kCallsPerThread, stop, outcomes);
      });
    }
  }
  json_client.reset();
  json_loop.join();

  CHECK(outcomes.ok == 8 * kCallsPerThread);
  CHECK(outcomes.wrong_answer == 0);
  CHECK(outcomes.unavailable + outcomes.other == 0);
  CHECK(proto_counts.prepared == 4 * kCallsPerThread);
  CHECK(json_counts.prepared == 4 * kCallsPerThread);
  CHECK(proto_counts.received + json_counts.received == 8 * kCallsPerThread);
  CHECK(proto_counts.intercepted + json_counts.intercepted == 8 * kCallsPerThread);
  // response_sent runs after the write, so it may lag the client's answer.
  server.server().Shutdown(10s);
  CHECK(server_counts.received == 8 * kCallsPerThread);
  CHECK(server_counts.routed == 8 * kCallsPerThread);
  CHECK(server_counts.intercepted == 8 * kCallsPerThread);
  CHECK(server_counts.sent_ok == 8 * kCallsPerThread);
  CHECK(server_counts.errors == 0);
}

TEST_CASE("§5.19 graceful Shutdown on four I/O threads answers the calls in flight") {
  ServerCounts server_counts;
  TestServer server(HammeredOptions(server_counts));
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  ClientCounts counts;
  auto client = MakeClient(url, HammeringOptions(counts, Encoding::kProtobuf));

  std::atomic<bool> stop{false};
  Outcomes outcomes;
  std::vector<std::jthread> callers;
  callers.reserve(8);
  for (int id = 0; id < 8; ++id) {
    callers.emplace_back([&, id] {
      Caller(client, /*blocking=*/id % 2 == 1, id, /*max_calls=*/100000, stop, outcomes);
    });
  }
  // Shut down once calls are flowing on every connection: some are then in
  // a handler, some on the wire, some waiting for a pooled connection.
  const auto start = std::chrono::steady_clock::now();
  while (outcomes.ok < 32 && std::chrono::steady_clock::now() - start < 60s) {
    std::this_thread::sleep_for(1ms);
  }
  const int in_flight = server_counts.received - server_counts.sent;
  server.server().Shutdown(10s);
  stop = true;
  for (auto& caller : callers) caller.join();

  WARN("in flight at Shutdown: " << in_flight << ", answered " << outcomes.ok << ", refused "
                                 << outcomes.unavailable);
  CHECK(outcomes.ok >= 32);
  CHECK(outcomes.wrong_answer == 0);
  CHECK(outcomes.other == 0);
  // Every request that reached the server was answered, and every answer it
  // wrote with 200 reached its caller (§5.19).
  CHECK(server_counts.sent == server_counts.received);
  CHECK(server_counts.sent_ok == outcomes.ok);
  CHECK(counts.received == outcomes.ok);
}

}  // namespace
}  // namespace twirp::testing
