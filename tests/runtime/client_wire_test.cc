// What the client puts on the wire and how it reads every kind of response
// (wire-protocol.md §6.1-6.15), against a scripted HTTP server.
#include <atomic>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "client_test_util.h"
#include "fake_http_server.h"
#include "twirpcpp/version.h"

namespace twirp::testing {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// A server answering every request with `reply`.
FakeHttpServer Answering(const Reply& reply) {
  return FakeHttpServer([reply](const RecordedRequest&) { return reply; });
}

Error CallExpectingError(FakeHttpServer& server, ClientOptions options = {}) {
  auto client = MakeClient(server.url(), std::move(options));
  auto result = Echo(client, EchoRequest());
  REQUIRE_FALSE(result.ok());
  return result.error();
}

TEST_CASE("§6.1 protobuf request: POST, exact headers in order, Content-Length, body") {
  auto server = Answering(HttpReply(200, "OK", EchoBody("pong")));
  ClientOptions options;
  options.headers = {{"X-Base", "b"}};
  auto client = MakeClient(server.url(), options);
  EchoRequest request;
  request.set_text("ping");
  request.set_delay_ms(0);
  CallOptions call;
  call.headers = {{"X-Call", "c"}};
  auto result = Echo(client, request, call);
  REQUIRE(result.ok());
  CHECK(result->text() == "pong");

  REQUIRE(server.requests().size() == 1);
  const RecordedRequest got = server.requests().at(0);
  CHECK(got.method == "POST");
  CHECK(got.body == request.SerializeAsString());
  std::string host = "127.0.0.1:" + std::to_string(server.port());
  Headers expected = {{"Host", host},
                      {"User-Agent", "twirpcpp/" TWIRPCPP_VERSION_STRING},
                      {"Content-Type", "application/protobuf"},
                      {"Accept", "application/protobuf"},
                      {"Twirp-Version", "v8.1.3"},
                      {"X-Base", "b"},
                      {"X-Call", "c"},
                      {"Content-Length", std::to_string(got.body.size())}};
  CHECK(got.headers == expected);
}

TEST_CASE("§6.1 §3.6 JSON request: application/json both ways, proto names, defaults omitted") {
  EchoResponse answer;
  answer.set_text("pong");
  auto server = Answering(
      HttpReply(200, "OK", R"({"text":"pong","unknown_field":1})", {}, "application/json"));
  ClientOptions options;
  options.encoding = Encoding::kJson;
  auto client = MakeClient(server.url(), options);
  EchoRequest request;
  request.set_text("ping");
  request.set_delay_ms(5);
  auto result = Echo(client, request);
  REQUIRE(result.ok());
  CHECK(result->text() == "pong");  // §3.7 unknown fields skipped

  const RecordedRequest got = server.requests().at(0);
  CHECK(got.Header("Content-Type") == "application/json");
  CHECK(got.Header("Accept") == "application/json");
  CHECK(got.Header("Twirp-Version") == "v8.1.3");
  CHECK(nlohmann::json::parse(got.body) ==
        nlohmann::json::parse(R"({"text":"ping","delay_ms":5})"));
}

TEST_CASE("§3.6 an all-default JSON request is {}") {
  auto server = Answering(HttpReply(200, "OK", "{}", {}, "application/json"));
  ClientOptions options;
  options.encoding = Encoding::kJson;
  auto client = MakeClient(server.url(), options);
  REQUIRE(Echo(client, EchoRequest()).ok());
  CHECK(nlohmann::json::parse(server.requests().at(0).body) == nlohmann::json::object());
}

TEST_CASE(
    "§6.2 call headers may not set Accept, Content-Type or Twirp-Version (invalid_argument)") {
  auto server = Answering(HttpReply(200, "OK", ""));
  auto client = MakeClient(server.url());
  for (const char* name : {"Accept", "Content-Type", "twirp-version"}) {
    CallOptions call;
    call.headers = {{name, "text/plain"}};
    auto result = Echo(client, EchoRequest(), call);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code() == ErrorCode::kInvalidArgument);
  }
  CallOptions injection;
  injection.headers = {{"X-Evil", "a\r\nX-Injected: 1"}};
  CHECK(Echo(client, EchoRequest(), injection).error().code() == ErrorCode::kInvalidArgument);
  CHECK(server.requests().empty());
}

TEST_CASE("§6.4 a 200 body is decoded with the client's codec whatever its Content-Type") {
  auto server = Answering(HttpReply(200, "OK", EchoBody("pong"), {}, "text/html"));
  auto client = MakeClient(server.url());
  auto result = Echo(client, EchoRequest());
  REQUIRE(result.ok());
  CHECK(result->text() == "pong");
}

TEST_CASE("§6.15 an empty 200 body is the default message for protobuf") {
  auto server = Answering(HttpReply(200, "OK", ""));
  auto client = MakeClient(server.url());
  auto result = Echo(client, EchoRequest());
  REQUIRE(result.ok());
  CHECK(result->text().empty());
}

TEST_CASE("§6.15 an empty 200 body is an error for JSON") {
  auto server = Answering(HttpReply(200, "OK", "", {}, "application/json"));
  ClientOptions options;
  options.encoding = Encoding::kJson;
  Error error = CallExpectingError(server, options);
  CHECK(error.code() == ErrorCode::kInternal);
  CHECK_THAT(error.msg(), Catch::StartsWith("failed to unmarshal json response: "));
}

TEST_CASE("§6.15 an undecodable 200 body is internal 'failed to unmarshal ... response'") {
  SECTION("protobuf") {
    auto server = Answering(HttpReply(200, "OK", "\xff\xff\xff"));
    Error error = CallExpectingError(server);
    CHECK(error.code() == ErrorCode::kInternal);
    CHECK_THAT(error.msg(), Catch::StartsWith("failed to unmarshal proto response: "));
  }
  SECTION("json") {
    auto server = Answering(HttpReply(200, "OK", "not json", {}, "application/json"));
    ClientOptions options;
    options.encoding = Encoding::kJson;
    Error error = CallExpectingError(server, options);
    CHECK(error.code() == ErrorCode::kInternal);
    CHECK_THAT(error.msg(), Catch::StartsWith("failed to unmarshal json response: "));
  }
}

TEST_CASE("§6.3 §6.5 a redirect is not followed: internal with the intermediary meta") {
  auto server = Answering(HttpReply(302, "Found", "", {"Location: http://elsewhere/x"}, ""));
  Error error = CallExpectingError(server);
  CHECK(error.code() == ErrorCode::kInternal);
  CHECK(error.msg() ==
        "unexpected HTTP status code 302 \"Found\" received, Location=\"http://elsewhere/x\"");
  CHECK(error.meta("http_error_from_intermediary") == "true");
  CHECK(error.meta("status_code") == "302");
  CHECK(error.meta("location") == "http://elsewhere/x");
  CHECK(server.requests().size() == 1);
}

TEST_CASE("§6.8 a valid Twirp error body wins over the status: 500 with not_found is not_found") {
  auto server = Answering(HttpReply(500, "Internal Server Error",
                                    R"({"code":"not_found","msg":"no hat","meta":{"k":"v"}})", {},
                                    "application/json"));
  Error error = CallExpectingError(server);
  CHECK(error.code() == ErrorCode::kNotFound);
  CHECK(error.msg() == "no hat");
  CHECK(error.meta("k") == "v");
}

TEST_CASE("§6.7 §6.10 §6.11 a garbage 400 body is internal from an intermediary") {
  auto server = Answering(HttpReply(400, "Bad Request", "garbage", {}, "text/plain"));
  Error error = CallExpectingError(server);
  CHECK(error.code() == ErrorCode::kInternal);
  CHECK(error.msg() == "Error from intermediary with HTTP status code 400 \"Bad Request\"");
  CHECK(error.meta("http_error_from_intermediary") == "true");
  CHECK(error.meta("status_code") == "400");
  CHECK(error.meta("body") == "garbage");
}

TEST_CASE("§6.10 intermediary status mapping: 404 bad_route, 429, 503, 204, 500") {
  struct Case {
    int status;
    const char* reason;
    ErrorCode code;
  };
  for (Case c : {Case{404, "Not Found", ErrorCode::kBadRoute},
                 Case{429, "Too Many Requests", ErrorCode::kResourceExhausted},
                 Case{503, "Service Unavailable", ErrorCode::kUnavailable},
                 Case{204, "No Content", ErrorCode::kUnknown},  // §6.4 any status but 200 fails
                 Case{500, "Internal Server Error", ErrorCode::kUnknown}}) {
    CAPTURE(c.status);
    auto server = Answering(
        HttpReply(c.status, c.reason, c.status == 204 ? "" : "plain text", {}, "text/plain"));
    Error error = CallExpectingError(server);
    CHECK(error.code() == c.code);
    CHECK(error.meta("status_code") == std::to_string(c.status));
  }
}

TEST_CASE("§6.9 an unknown error code is internal with the raw body in meta") {
  std::string body = R"({"code":"bogus","msg":"x"})";
  auto server = Answering(HttpReply(500, "Internal Server Error", body, {}, "application/json"));
  Error error = CallExpectingError(server);
  CHECK(error.code() == ErrorCode::kInternal);
  CHECK(error.msg() == "invalid type returned from server error response: bogus");
  CHECK(error.meta("body") == body);
}

TEST_CASE("§4.2 (deliberate difference) the spec's 'dataloss' spelling is accepted as data_loss") {
  auto server = Answering(HttpReply(500, "Internal Server Error",
                                    R"({"code":"dataloss","msg":"gone"})", {}, "application/json"));
  Error error = CallExpectingError(server);
  CHECK(error.code() == ErrorCode::kDataLoss);
  CHECK(error.msg() == "gone");
}

TEST_CASE("CallOptions::response_headers receives the response's fields, success or error") {
  SECTION("success") {
    auto server = Answering(HttpReply(200, "OK", EchoBody("x"), {"X-Trace: abc"}));
    auto client = MakeClient(server.url());
    Headers got;
    CallOptions call;
    call.response_headers = &got;
    REQUIRE(Echo(client, EchoRequest(), call).ok());
    CHECK(std::find(got.begin(), got.end(),
                    std::pair<std::string, std::string>("X-Trace", "abc")) != got.end());
  }
  SECTION("error") {
    auto server = Answering(HttpReply(404, "Not Found", R"({"code":"not_found","msg":"m"})",
                                      {"X-Trace: def"}, "application/json"));
    auto client = MakeClient(server.url());
    Headers got;
    CallOptions call;
    call.response_headers = &got;
    REQUIRE_FALSE(Echo(client, EchoRequest(), call).ok());
    CHECK(std::find(got.begin(), got.end(),
                    std::pair<std::string, std::string>("X-Trace", "def")) != got.end());
  }
}

TEST_CASE("max_response_bytes: a larger response is internal and its connection is closed") {
  auto server = Answering(HttpReply(200, "OK", std::string(4096, 'x')));
  ClientOptions options;
  options.max_response_bytes = 1024;
  Error error = CallExpectingError(server, options);
  CHECK(error.code() == ErrorCode::kInternal);
  CHECK_THAT(error.msg(), Catch::Contains("max_response_bytes"));
  CHECK(server.WaitForClosed(1, std::chrono::seconds(5)));
}

TEST_CASE("a response cut off after its first byte is internal, and is not retried") {
  std::atomic<int> n{0};
  FakeHttpServer server([&](const RecordedRequest&) {
    if (n++ == 0) return HttpReply(200, "OK", EchoBody("x"));
    Reply partial{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"};
    partial.then = Reply::Then::kClose;
    return partial;
  });
  auto client = MakeClient(server.url());
  REQUIRE(Echo(client, EchoRequest()).ok());
  auto result = Echo(client, EchoRequest());  // on the pooled connection
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code() == ErrorCode::kInternal);
  CHECK(server.requests().size() == 2);
  CHECK(server.connections_accepted() == 1);
}

}  // namespace
TEST_CASE("§5.14 a call with a deadline sends Twirp-Timeout-Ms no larger than the time left") {
  FakeHttpServer server(
      [](const RecordedRequest&) { return HttpReply(200, "OK", EchoBody("pong")); });
  auto client = MakeClient(server.url());
  const auto before = Clock::now();
  CallOptions call;
  call.deadline = before + std::chrono::milliseconds(3000);
  REQUIRE(Echo(client, EchoRequest(), call).ok());
  REQUIRE(Echo(client, EchoRequest()).ok());  // no deadline: no header
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  const std::optional<std::string> sent = requests[0].Header("Twirp-Timeout-Ms");
  REQUIRE(sent);
  const int ms = std::stoi(*sent);
  CHECK(ms > 0);
  CHECK(ms <= 3000);
  CHECK(ms > 2000);  // the call itself takes far less than a second
  CHECK_FALSE(requests[1].Header("Twirp-Timeout-Ms"));
}

}  // namespace twirp::testing
