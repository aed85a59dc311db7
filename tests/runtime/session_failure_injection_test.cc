// The server's per-connection Session (runtime/src/server/session.h) over
// Beast's test::stream, failing its N-th read or write for every N until an
// iteration succeeds, as Beast's own tests use test::fail_count. Every failing
// iteration must end cleanly: the session closed and destroyed, no handler run
// twice, nothing answered after a failed write; the one that succeeds answers
// every request.
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/_experimental/test/fail_count.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <catch2/catch.hpp>

#include "server/server_core.h"
#include "server/session_impl.h"
#include "test_stream_ops.h"
#include "twirpcpp/detail/unary_route.h"
#include "twirpcpp/test/v1/wire.pb.h"

namespace twirp::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using internal::ServerCore;
using ::twirpcpp::test::v1::EchoRequest;
using ::twirpcpp::test::v1::EchoResponse;
using TestSession = internal::BasicSession<beast::test::stream>;

// Every N below this must have found the iteration that succeeds: the longest
// scenario (two requests read 7 bytes at a time) takes a few hundred operations.
constexpr std::size_t kMaxN = 2000;

constexpr detail::MethodNames kEchoNames{"twirpcpp.test.v1", "Echo", "Echo", "Echo", "Echo"};
constexpr detail::MethodNames kMakeHatNames{"twirpcpp.test.v1", "Echo", "Echo", "Make_hat_v1",
                                            "MakeHatV1"};

// How often each request text reached a handler, from the session's thread and
// the worker pool's.
class RunCounter {
 public:
  void Ran(const std::string& text) {
    std::lock_guard lock(mutex_);
    ++runs_[text];
  }
  std::map<std::string, int> Take() {
    std::lock_guard lock(mutex_);
    return std::exchange(runs_, {});
  }

 private:
  std::mutex mutex_;
  std::map<std::string, int> runs_;
};

EchoResponse Answer(const EchoRequest& request) {
  EchoResponse response;
  response.set_text("echo:" + request.text());
  return response;
}

// A server's shared core with Echo (a coroutine handler) and MakeHatV1 (a
// blocking one, on the worker pool) counting their runs, as Server::AddService
// and Server::Start leave it; no listener, no threads of its own.
struct Core {
  explicit Core(RunCounter& counter) : core(ServerOptions()) {
    detail::ServiceRoutes routes{
        .package = "twirpcpp.test.v1",
        .name = "Echo",
        .camel_name = "Echo",
        .methods =
            {
                detail::UnaryRoute<EchoRequest, EchoResponse>(
                    kEchoNames,
                    [&counter](Context&,
                               const EchoRequest& request) -> Awaitable<Result<EchoResponse>> {
                      counter.Ran(request.text());
                      co_return Answer(request);
                    }),
                detail::UnaryRoute<EchoRequest, EchoResponse>(
                    kMakeHatNames,
                    [&counter](Context&, const EchoRequest& request) -> Result<EchoResponse> {
                      counter.Ran(request.text());
                      return Answer(request);
                    }),
            },
    };
    for (const auto& method : routes.methods) {
      core.json_types.Prepare(*method.request_type);
      core.json_types.Prepare(*method.response_type);
    }
    core.router.Add(std::move(routes));
    for (const auto& service : core.router.services()) {
      for (const auto& method : service->methods) {
        method->metrics = core.metrics.Add(service->full_name, method->camel_name);
      }
    }
    core.workers = &workers;
    core.serving = true;
  }
  ~Core() { workers.join(); }
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  ServerCore core;
  asio::thread_pool workers{1};
};

std::string Post(std::string_view path, std::string_view content_type, std::string_view body,
                 std::string_view extra_headers = "") {
  std::string request = "POST ";
  request.append(path).append(" HTTP/1.1\r\nHost: test\r\nContent-Type: ");
  request.append(content_type).append("\r\nContent-Length: ").append(std::to_string(body.size()));
  request.append("\r\n").append(extra_headers).append("\r\n").append(body);
  return request;
}

std::string ProtobufEcho(const std::string& text, std::string_view path,
                         std::string_view extra_headers = "") {
  EchoRequest request;
  request.set_text(text);
  return Post(path, "application/protobuf", request.SerializeAsString(), extra_headers);
}

constexpr std::string_view kEchoPath = "/twirp/twirpcpp.test.v1.Echo/Echo";
constexpr std::string_view kMakeHatPath = "/twirp/twirpcpp.test.v1.Echo/MakeHatV1";

struct Response {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

// The complete responses in what the session wrote, in order; a response cut
// off is left out. A 100 Continue before them is skipped.
std::vector<Response> ParseResponses(std::string written) {
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  if (written.starts_with(kContinue)) written.erase(0, kContinue.size());
  std::vector<Response> responses;
  std::string_view rest = written;
  while (!rest.empty()) {
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    beast::error_code ec;
    std::size_t used = 0;
    while (!parser.is_done() && used < rest.size()) {
      const std::size_t n = parser.put(asio::buffer(rest.data() + used, rest.size() - used), ec);
      used += n;
      if (ec == http::error::need_more) return responses;
      if (ec || n == 0) break;
    }
    if (!parser.is_done()) return responses;
    auto message = parser.release();
    responses.push_back(Response{message.result_int(),
                                 std::string(message[http::field::content_type]),
                                 std::move(message.body())});
    rest.remove_prefix(used);
  }
  return responses;
}

// One request of a scenario: its bytes, the text its handler sees (empty when
// no handler may run), and what its complete response must be.
struct Exchange {
  std::string bytes;
  std::string text;
  std::function<void(const Response&)> check;
};

void ChecksProtobufEcho(const Response& response, const std::string& text) {
  CHECK(response.status == 200);
  CHECK(response.content_type == "application/protobuf");
  EchoResponse decoded;
  REQUIRE(decoded.ParseFromString(response.body));
  CHECK(decoded.text() == "echo:" + text);
}

Exchange ProtobufExchange(const std::string& text, std::string_view path = kEchoPath,
                          std::string_view extra_headers = "") {
  return {ProtobufEcho(text, path, extra_headers), text,
          [text](const Response& response) { ChecksProtobufEcho(response, text); }};
}

Exchange JsonExchange(const std::string& text) {
  return {Post(kEchoPath, "application/json", R"({"text":")" + text + R"("})"), text,
          [text](const Response& response) {
            CHECK(response.status == 200);
            CHECK(response.content_type == "application/json");
            CHECK(response.body == R"({"text":"echo:)" + text + R"(","payload":null})");
          }};
}

struct StreamLimits {
  std::size_t read_size = 0;  // 0: no limit
  std::size_t write_size = 0;
};

struct Iteration {
  std::string written;  // what the session wrote to its peer
  std::map<std::string, int> runs;
  bool session_ended = false;
  bool unregistered = false;
};

// Runs a session over a test::stream whose N-th operation fails, with `input`
// already sent by the peer, which then half-closes (the session reads EOF after
// the input).
Iteration RunSession(asio::io_context& ioc, Core& core, RunCounter& counter,
                     const std::string& input, std::size_t n, StreamLimits limits) {
  ioc.restart();
  beast::test::fail_count fc(n);
  beast::test::stream peer(ioc);
  Iteration out;
  {
    beast::test::stream stream(ioc, fc);
    stream.connect(peer);
    if (limits.read_size > 0) stream.read_size(limits.read_size);
    if (limits.write_size > 0) stream.write_size(limits.write_size);
    stream.append(input);
    stream.close_remote();
    auto session = std::make_shared<TestSession>(core.core, std::move(stream));
    std::weak_ptr<TestSession> weak = session;
    session->Start();
    session.reset();
    // A blocking handler answers from the worker pool: keep running until the
    // session is gone, bounded.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!weak.expired() && std::chrono::steady_clock::now() < give_up) {
      ioc.run_for(std::chrono::milliseconds(50));
      ioc.restart();
    }
    out.session_ended = weak.expired();
  }
  {
    std::lock_guard lock(core.core.sessions_mutex);
    out.unregistered = core.core.sessions.empty();
  }
  out.written = peer.str();
  out.runs = counter.Take();
  return out;
}

// For n = 0, 1, 2, ... until an iteration succeeds. Returns how many
// iterations failed, and whether one of them ran a handler whose response
// could not be written.
struct LoopResult {
  std::size_t failures = 0;
  bool saw_failed_response_write = false;
};

LoopResult RunUntilSuccess(const std::vector<Exchange>& exchanges, StreamLimits limits) {
  // Declared first, so destroyed last: a worker thread posting a blocking
  // handler's completion may still be inside the io_context's post when the
  // session is gone; the pool is joined (Core's destructor) before it goes.
  asio::io_context ioc;
  RunCounter counter;
  Core core(counter);
  std::string input;
  for (const auto& exchange : exchanges) input += exchange.bytes;

  LoopResult result;
  for (std::size_t n = 0; n < kMaxN; ++n) {
    INFO("fail_count " << n);
    const Iteration it = RunSession(ioc, core, counter, input, n, limits);
    REQUIRE(it.session_ended);
    REQUIRE(it.unregistered);
    const std::vector<Response> responses = ParseResponses(it.written);
    REQUIRE(responses.size() <= exchanges.size());
    for (std::size_t i = 0; i < responses.size(); ++i) exchanges[i].check(responses[i]);
    for (const auto& [text, runs] : it.runs) REQUIRE(runs == 1);
    // Requests are answered in order, and a connection whose write failed
    // serves nothing more: a handler runs only once every earlier response
    // is out whole.
    bool earlier_complete = true;
    for (std::size_t i = 0; i < exchanges.size(); ++i) {
      const bool ran = it.runs.contains(exchanges[i].text);
      if (ran) REQUIRE(earlier_complete);
      if (ran && i >= responses.size()) result.saw_failed_response_write = true;
      earlier_complete = earlier_complete && i < responses.size();
    }
    if (responses.size() == exchanges.size()) {
      for (const auto& exchange : exchanges) {
        if (!exchange.text.empty()) REQUIRE(it.runs.contains(exchange.text));
      }
      return result;
    }
    ++result.failures;
  }
  FAIL("no iteration succeeded below fail_count " << kMaxN);
  return result;
}

TEST_CASE("session failure injection: one protobuf request") {
  const LoopResult result = RunUntilSuccess({ProtobufExchange("a")}, {});
  CHECK(result.failures > 0);
  CHECK(result.saw_failed_response_write);
}

TEST_CASE("session failure injection: one JSON request read and written a few bytes at a time") {
  const LoopResult result = RunUntilSuccess({JsonExchange("b")}, {.read_size = 7, .write_size = 5});
  CHECK(result.failures > 20);
  CHECK(result.saw_failed_response_write);
}

TEST_CASE("session failure injection: two requests on one keep-alive connection") {
  const LoopResult result =
      RunUntilSuccess({ProtobufExchange("first"), JsonExchange("second")}, {.read_size = 7});
  CHECK(result.saw_failed_response_write);
}

TEST_CASE("session failure injection: two pipelined requests read at once") {
  // Both requests arrive in the first read: after a failed write the second,
  // already buffered, must not be served.
  const LoopResult result = RunUntilSuccess({ProtobufExchange("one"), ProtobufExchange("two")}, {});
  CHECK(result.saw_failed_response_write);
}

TEST_CASE("session failure injection: a blocking handler on the worker pool") {
  const LoopResult result = RunUntilSuccess(
      {ProtobufExchange("hat", kMakeHatPath), ProtobufExchange("hat2", kMakeHatPath)},
      {.read_size = 11});
  CHECK(result.saw_failed_response_write);
}

TEST_CASE("session failure injection: Expect 100-continue writes the interim response first") {
  const LoopResult result = RunUntilSuccess(
      {ProtobufExchange("continue", kEchoPath, "Expect: 100-continue\r\n")}, {.read_size = 16});
  CHECK(result.saw_failed_response_write);
}

TEST_CASE(
    "§5.15 session failure injection: a malformed request is answered then lingering-closed") {
  // §5.15: Transfer-Encoding beside Content-Length is refused before any handler.
  const Exchange malformed{
      "POST /twirp/twirpcpp.test.v1.Echo/Echo HTTP/1.1\r\nHost: test\r\n"
      "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
      "", [](const Response& response) {
        CHECK(response.status == 400);
        CHECK(response.content_type == "application/json");
        CHECK(response.body.find("\"malformed\"") != std::string::npos);
      }};
  const LoopResult result = RunUntilSuccess({malformed}, {.read_size = 9});
  CHECK(result.failures > 0);
}

}  // namespace
}  // namespace twirp::testing
