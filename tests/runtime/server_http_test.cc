// The server's HTTP/1.1 behaviour: limits, timeouts, keep-alive, pipelining,
// metrics. The limits and timeouts are twirpcpp's own (Go has none, §2.9).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "server_test_util.h"

namespace twirp::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kProto = "application/protobuf";

std::string EchoRequestBytes(std::string text, int delay_ms = 0) {
  return PostRequest(kEchoPath, kProto,
                     MakeEcho(std::move(text), "", delay_ms).SerializeAsString());
}

std::string TextOf(const HttpResponse& response) {
  EchoResponse message;
  REQUIRE(message.ParseFromString(response.body));
  return message.text();
}

// An Echo request whose body comes as one chunk, under `coding` (§5.15).
std::string ChunkedEchoRequest(std::string_view coding, std::string text) {
  const std::string body = MakeEcho(std::move(text)).SerializeAsString();
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  std::string request(
      "POST /twirp/twirpcpp.test.v1.Echo/Echo HTTP/1.1\r\nHost: x\r\n"
      "Content-Type: application/protobuf\r\nTransfer-Encoding: ");
  request.append(coding).append("\r\n\r\n").append(size).append("\r\n");
  request.append(body).append("\r\n0\r\n\r\n");
  return request;
}

void CheckServerHealthy(std::uint16_t port) {
  auto response = RoundTrip(port, EchoRequestBytes("still here"));
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(TextOf(*response) == "still here");
}

}  // namespace

TEST_CASE(
    "(deliberate difference from §2.9) a body over max_body_bytes announced by Content-Length is malformed before it is read") {
  ServerOptions options = TestOptions();
  options.max_body_bytes = 1024;
  TestServer server(options);
  RawConnection connection(server.port());
  // Headers only: the server must answer without waiting for the 5000 bytes.
  REQUIRE(
      connection.Send("POST /twirp/twirpcpp.test.v1.Echo/Echo HTTP/1.1\r\nHost: x\r\n"
                      "Content-Type: application/protobuf\r\nContent-Length: 5000\r\n\r\n"));
  auto response = connection.ReadResponse();
  REQUIRE(response);
  CHECK(response->status == 400);
  CHECK(response->Header("Content-Type") == "application/json");
  CHECK(response->Header("Connection") == "close");
  CHECK(response->body ==
        R"({"code":"malformed","msg":"request body exceeds the limit of 1024 bytes"})");
  CHECK(connection.WaitForClose(milliseconds(3000)));
  CheckServerHealthy(server.port());
}

TEST_CASE(
    "(deliberate difference from §2.9) a chunked body growing past max_body_bytes is malformed and the connection closed") {
  ServerOptions options = TestOptions();
  options.max_body_bytes = 1024;
  TestServer server(options);
  RawConnection connection(server.port());
  const std::string chunk(600, 'a');
  REQUIRE(
      connection.Send("POST /twirp/twirpcpp.test.v1.Echo/Echo HTTP/1.1\r\nHost: x\r\n"
                      "Content-Type: application/protobuf\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "258\r\n" +
                      chunk + "\r\n258\r\n" + chunk + "\r\n"));
  auto response = connection.ReadResponse();
  REQUIRE(response);
  CHECK(response->status == 400);
  CHECK(response->body ==
        R"({"code":"malformed","msg":"request body exceeds the limit of 1024 bytes"})");
  CHECK(connection.WaitForClose(milliseconds(3000)));
  CheckServerHealthy(server.port());
}

TEST_CASE(
    "§5.15 a Transfer-Encoding other than chunked alone is malformed and closes the connection") {
  TestServer server;
  // Each body is a whole second request: a server that misframes the first
  // one answers it too.
  const std::string smuggled = EchoRequestBytes("smuggled");
  const std::string length = "Content-Length: " + std::to_string(smuggled.size()) + "\r\n";
  for (const std::string& framing :
       {std::string("Transfer-Encoding: chunked, gzip\r\n"),
        std::string("Transfer-Encoding: gzip\r\n"), "Transfer-Encoding: xchunked\r\n" + length,
        "Transfer-Encoding: chunked\r\n" + length, length + "Transfer-Encoding: chunked\r\n",
        std::string("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n")}) {
    INFO(framing);
    RawConnection connection(server.port());
    std::string request(
        "POST /twirp/twirpcpp.test.v1.Echo/Echo HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/protobuf\r\n");
    request.append(framing).append("\r\n").append(smuggled);
    REQUIRE(connection.Send(request));
    auto response = connection.ReadResponse();
    REQUIRE(response);
    CHECK(response->status == 400);
    CHECK(response->Header("Connection") == "close");
    CHECK(response->body.rfind(R"({"code":"malformed","msg":"malformed HTTP request: )", 0) == 0);
    CHECK_FALSE(connection.ReadResponse());  // the body was never run as a request
  }
  CheckServerHealthy(server.port());
}

TEST_CASE("§5.15 Transfer-Encoding chunked in any case is served") {
  TestServer server;
  for (const std::string_view coding : {"chunked", "CHUNKED", "Chunked"}) {
    INFO(coding);
    RawConnection connection(server.port());
    REQUIRE(connection.Send(ChunkedEchoRequest(coding, "chunky")));
    auto response = connection.ReadResponse();
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(TextOf(*response) == "chunky");
  }
}

TEST_CASE(
    "§5.16 an HTTP/1.1 request without Host or with two is malformed and closes the connection") {
  TestServer server;
  const std::string body = MakeEcho("no host").SerializeAsString();
  for (const std::string& hosts : {std::string(), std::string("Host: a\r\nHost: b\r\n")}) {
    INFO(hosts);
    RawConnection connection(server.port());
    std::string request("POST /twirp/twirpcpp.test.v1.Echo/Echo HTTP/1.1\r\n");
    request.append(hosts).append("Content-Type: application/protobuf\r\nContent-Length: ");
    request.append(std::to_string(body.size())).append("\r\n\r\n").append(body);
    REQUIRE(connection.Send(request));
    auto response = connection.ReadResponse();
    REQUIRE(response);
    CHECK(response->status == 400);
    CHECK(response->Header("Connection") == "close");
    CHECK(
        response->body ==
        R"({"code":"malformed","msg":"malformed HTTP request: missing or repeated Host header"})");
    CHECK(connection.WaitForClose(milliseconds(3000)));
  }
  // HTTP/1.0 has no Host requirement.
  RawConnection connection(server.port());
  REQUIRE(connection.Send(
      "POST /twirp/twirpcpp.test.v1.Echo/Echo HTTP/1.0\r\nContent-Type: application/protobuf\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body));
  auto response = connection.ReadResponse();
  REQUIRE(response);
  CHECK(response->status == 200);
}

TEST_CASE("§5.17 the answer to HEAD has the status and headers of GET but no body") {
  TestServer server;
  RawConnection connection(server.port());
  const std::string get = "GET /twirp/twirpcpp.test.v1.Echo/Echo HTTP/1.1\r\nHost: x\r\n\r\n";
  REQUIRE(connection.Send(get));
  auto get_response = connection.ReadResponse();
  REQUIRE(get_response);
  REQUIRE(get_response->status == 404);
  // HEAD, then a request on the same connection: body bytes after the HEAD
  // answer would be read as the start of the next response.
  REQUIRE(connection.Send("HEAD /twirp/twirpcpp.test.v1.Echo/Echo HTTP/1.1\r\nHost: x\r\n\r\n" +
                          EchoRequestBytes("after head")));
  auto head_response = connection.ReadResponse(/*to_head=*/true);
  REQUIRE(head_response);
  CHECK(head_response->status == 404);
  CHECK(head_response->Header("Content-Type") == "application/json");
  // GET's body, whose message and meta name the method.
  std::string get_body = get_response->body;
  for (auto pos = get_body.find("GET"); pos != std::string::npos; pos = get_body.find("GET", pos)) {
    get_body.replace(pos, 3, "HEAD");
  }
  CHECK(head_response->Header("Content-Length") == std::to_string(get_body.size()));
  CHECK(head_response->body.empty());
  auto next = connection.ReadResponse();
  REQUIRE(next);
  CHECK(next->status == 200);
  CHECK(TextOf(*next) == "after head");
}

TEST_CASE("Header fields over max_header_bytes are malformed and the connection closed") {
  ServerOptions options = TestOptions();
  options.max_header_bytes = 1024;
  TestServer server(options);
  RawConnection connection(server.port());
  REQUIRE(
      connection.Send(PostRequest(kEchoPath, kProto, "", {"X-Big: " + std::string(2000, 'b')})));
  auto response = connection.ReadResponse();
  REQUIRE(response);
  CHECK(response->status == 400);
  CHECK(response->body ==
        R"({"code":"malformed","msg":"request header fields exceed the limit of 1024 bytes"})");
  CHECK(connection.WaitForClose(milliseconds(3000)));
  CheckServerHealthy(server.port());
}

TEST_CASE("Unparseable HTTP is answered with malformed and the connection closed") {
  TestServer server;
  for (const char* garbage : {"NOT AN HTTP REQUEST\r\n\r\n", "POST / HTTP/9.9\r\n\r\n",
                              "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n"}) {
    INFO(garbage);
    RawConnection connection(server.port());
    REQUIRE(connection.Send(garbage));
    auto response = connection.ReadResponse();
    REQUIRE(response);
    CHECK(response->status == 400);
    CHECK(response->Header("Content-Type") == "application/json");
    CHECK(response->body.rfind(R"({"code":"malformed","msg":"malformed HTTP request: )", 0) == 0);
    CHECK(connection.WaitForClose(milliseconds(3000)));
  }
  CheckServerHealthy(server.port());
}

TEST_CASE("A client trickling its headers is disconnected once header_timeout has passed") {
  ServerOptions options = TestOptions();
  options.header_timeout = milliseconds(300);
  TestServer server(options);
  RawConnection connection(server.port());
  const auto start = Clock::now();
  REQUIRE(connection.Send("POST /twirp/twirpcpp.test.v1.Echo/Echo HTTP/1.1\r\n"));
  bool closed = false;
  while (!closed && Clock::now() - start < std::chrono::seconds(3)) {
    // One byte every 50 ms keeps the connection busy but never finishes.
    if (!connection.Send("X")) {
      closed = true;
      break;
    }
    closed = connection.WaitForClose(milliseconds(50));
  }
  const auto elapsed = Clock::now() - start;
  CHECK(closed);
  CHECK(elapsed >= milliseconds(250));
  CHECK(elapsed < milliseconds(1500));
  CheckServerHealthy(server.port());
}

TEST_CASE("A body slower than body_timeout gets the connection closed") {
  ServerOptions options = TestOptions();
  options.body_timeout = milliseconds(300);
  TestServer server(options);
  RawConnection connection(server.port());
  const auto start = Clock::now();
  REQUIRE(
      connection.Send("POST /twirp/twirpcpp.test.v1.Echo/Echo HTTP/1.1\r\nHost: x\r\n"
                      "Content-Type: application/protobuf\r\nContent-Length: 10\r\n\r\nab"));
  CHECK(connection.WaitForClose(milliseconds(3000)));
  CHECK(Clock::now() - start < milliseconds(1500));
}

TEST_CASE(
    "A silent new connection is closed after header_timeout, an idle kept-alive one after idle_timeout") {
  ServerOptions options = TestOptions();
  options.header_timeout = milliseconds(300);
  options.idle_timeout = milliseconds(600);
  TestServer server(options);
  {
    RawConnection silent(server.port());
    const auto start = Clock::now();
    CHECK(silent.WaitForClose(milliseconds(3000)));
    CHECK(Clock::now() - start >= milliseconds(250));
  }
  RawConnection connection(server.port());
  REQUIRE(connection.Send(EchoRequestBytes("one")));
  auto response = connection.ReadResponse();
  REQUIRE(response);
  CHECK(response->status == 200);
  const auto start = Clock::now();
  CHECK(connection.WaitForClose(milliseconds(3000)));
  const auto idle = Clock::now() - start;
  CHECK(idle >= milliseconds(500));
  CHECK(idle < milliseconds(2000));
}

TEST_CASE("Keep-alive: one connection carries many requests") {
  ServerOptions options = TestOptions();
  options.metrics.enabled = true;
  TestServer server(options);
  RawConnection connection(server.port());
  for (int i = 0; i < 50; ++i) {
    REQUIRE(connection.Send(EchoRequestBytes("n" + std::to_string(i))));
    auto response = connection.ReadResponse();
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(!response->Header("Connection"));
    CHECK(TextOf(*response) == "n" + std::to_string(i));
  }
  // Errors keep the connection too.
  REQUIRE(connection.Send(PostRequest("/nope", kProto, "")));
  auto error = connection.ReadResponse();
  REQUIRE(error);
  CHECK(error->status == 404);
  REQUIRE(connection.Send(EchoRequestBytes("last")));
  auto last = connection.ReadResponse();
  REQUIRE(last);
  CHECK(TextOf(*last) == "last");
  CHECK(server.server().metrics().Render().find("twirp_server_connections 1\n") !=
        std::string::npos);
}

TEST_CASE("Pipelined requests are answered in order") {
  TestServer server;
  RawConnection connection(server.port());
  // The first is the slowest: order must still be kept.
  REQUIRE(connection.Send(EchoRequestBytes("first", 200) + EchoRequestBytes("second", 0) +
                          PostRequest(kEchoPath, "application/json", R"({"text":"third"})")));
  auto first = connection.ReadResponse();
  auto second = connection.ReadResponse();
  auto third = connection.ReadResponse();
  REQUIRE(first);
  REQUIRE(second);
  REQUIRE(third);
  CHECK(TextOf(*first) == "first");
  CHECK(TextOf(*second) == "second");
  CHECK(third->Header("Content-Type") == "application/json");
  CHECK(third->body.find("third") != std::string::npos);
}

TEST_CASE(
    "Connection: close and HTTP/1.0 without keep-alive end the connection after the response") {
  TestServer server;
  {
    RawConnection connection(server.port());
    REQUIRE(connection.Send(PostRequest(kEchoPath, kProto, "", {"Connection: close"})));
    auto response = connection.ReadResponse();
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->Header("Connection") == "close");
    CHECK(connection.WaitForClose(milliseconds(2000)));
  }
  {
    RawConnection connection(server.port());
    REQUIRE(
        connection.Send("POST /twirp/twirpcpp.test.v1.Echo/Echo HTTP/1.0\r\n"
                        "Content-Type: application/protobuf\r\nContent-Length: 0\r\n\r\n"));
    auto response = connection.ReadResponse();
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(connection.WaitForClose(milliseconds(2000)));
  }
  {
    RawConnection connection(server.port());
    const std::string request =
        "POST /twirp/twirpcpp.test.v1.Echo/Echo HTTP/1.0\r\nConnection: keep-alive\r\n"
        "Content-Type: application/protobuf\r\nContent-Length: 0\r\n\r\n";
    REQUIRE(connection.Send(request));
    auto response = connection.ReadResponse();
    REQUIRE(response);
    CHECK(response->Header("Connection") == "keep-alive");
    REQUIRE(connection.Send(request));
    CHECK(connection.ReadResponse());
  }
}

TEST_CASE("Expect: 100-continue gets an interim 100 before the body is sent") {
  TestServer server;
  RawConnection connection(server.port());
  const std::string body = MakeEcho("continued").SerializeAsString();
  REQUIRE(
      connection.Send("POST /twirp/twirpcpp.test.v1.Echo/Echo HTTP/1.1\r\nHost: x\r\n"
                      "Content-Type: application/protobuf\r\nExpect: 100-continue\r\n"
                      "Content-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n"));
  auto interim = connection.ReadResponse();
  REQUIRE(interim);
  CHECK(interim->status == 100);
  REQUIRE(connection.Send(body));
  auto response = connection.ReadResponse();
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(TextOf(*response) == "continued");
}

TEST_CASE("Metrics count requests per method and outcome and are served as Prometheus text") {
  ServerOptions options = TestOptions();
  options.metrics.enabled = true;
  TestServer server(options);
  CHECK(server.PostEcho(MakeEcho("a"))->status == 200);
  CHECK(server.PostEcho(MakeEcho("b"))->status == 200);
  CHECK(server.PostEcho(MakeEcho("c", "not_found"))->status == 404);
  CHECK(server.PostEcho(MakeEcho("d"), kMakeHatPath)->status == 200);
  CHECK(server.Post("/twirp/nope.Nope/X", kProto, "")->status == 404);
  CHECK(server.Post(kEchoPath, "text/plain", "")->status == 404);

  const Metrics& metrics = server.server().metrics();
  CHECK(metrics.RequestCount("twirpcpp.test.v1.Echo", "Echo", "ok") == 2);
  CHECK(metrics.RequestCount("twirpcpp.test.v1.Echo", "Echo", "not_found") == 1);
  CHECK(metrics.RequestCount("twirpcpp.test.v1.Echo", "MakeHatV1", "ok") == 1);
  // The Content-Type error happened after the method was known.
  CHECK(metrics.RequestCount("twirpcpp.test.v1.Echo", "Echo", "bad_route") == 1);
  CHECK(metrics.RequestCount("", "", "bad_route") == 1);
  CHECK(metrics.RequestCount("twirpcpp.test.v1.Echo", "Nothing", "ok") == 0);

  auto scrape = RoundTrip(server.port(), BuildRequest("GET", "/metrics", {}, ""));
  REQUIRE(scrape);
  CHECK(scrape->status == 200);
  CHECK(scrape->Header("Content-Type")->rfind("text/plain; version=0.0.4", 0) == 0);
  const std::string& text = scrape->body;
  CHECK(
      text.find(
          R"(twirp_server_requests_total{service="twirpcpp.test.v1.Echo",method="Echo",code="ok"} 2)") !=
      std::string::npos);
  CHECK(text.find(R"(twirp_server_requests_total{service="",method="",code="bad_route"} 1)") !=
        std::string::npos);
  CHECK(
      text.find(
          R"(twirp_server_request_duration_seconds_count{service="twirpcpp.test.v1.Echo",method="Echo"} 4)") !=
      std::string::npos);
  CHECK(
      text.find(
          R"(twirp_server_request_duration_seconds_bucket{service="twirpcpp.test.v1.Echo",method="Echo",le="+Inf"} 4)") !=
      std::string::npos);
  CHECK(text.find("# TYPE twirp_server_connections gauge\ntwirp_server_connections ") !=
        std::string::npos);
}

TEST_CASE("§1.2 with metrics disabled GET /metrics is an ordinary bad_route") {
  TestServer server;
  auto response = RoundTrip(server.port(), BuildRequest("GET", "/metrics", {}, ""));
  REQUIRE(response);
  CHECK(response->status == 404);
  CHECK(
      response->body ==
      R"x({"code":"bad_route","msg":"unsupported method \"GET\" (only POST is allowed)","meta":{"twirp_invalid_route":"GET /metrics"}})x");
}

TEST_CASE(
    "Metrics on a listener of their own: only the metrics path there and none on the public port") {
  ServerOptions options = TestOptions();
  options.metrics.enabled = true;
  options.metrics.listen_address = "127.0.0.1";
  auto server = std::make_unique<TestServer>(options);
  const std::uint16_t metrics_port = server->server().metrics_port();
  REQUIRE(metrics_port != 0);
  REQUIRE(metrics_port != server->port());
  CheckServerHealthy(server->port());

  auto metrics = RoundTrip(metrics_port, BuildRequest("GET", "/metrics", {}, ""));
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
  CHECK(
      metrics->body.find(
          R"(twirp_server_requests_total{service="twirpcpp.test.v1.Echo",method="Echo",code="ok"} 1)") !=
      std::string::npos);
  // The public port has no metrics path: Twirp answers it (§1.2).
  auto public_metrics = RoundTrip(server->port(), BuildRequest("GET", "/metrics", {}, ""));
  REQUIRE(public_metrics);
  CHECK(public_metrics->status == 404);
  CHECK(public_metrics->body.find("twirp_server") == std::string::npos);
  // The metrics port serves nothing else, Twirp included.
  auto twirp = RoundTrip(metrics_port, EchoRequestBytes("wrong door"));
  REQUIRE(twirp);
  CHECK(twirp->status == 404);
  CHECK(
      twirp->body ==
      R"({"code":"bad_route","msg":"no handler for path \"/twirp/twirpcpp.test.v1.Echo/Echo\""})");

  server->server().Shutdown(milliseconds(1000));
  RawConnection after(metrics_port, milliseconds(200));
  CHECK(!after.connected());
}

TEST_CASE("Connections beyond max_connections are closed at once") {
  ServerOptions options = TestOptions();
  options.max_connections = 1;
  TestServer server(options);
  RawConnection first(server.port());
  REQUIRE(first.Send(EchoRequestBytes("one")));
  REQUIRE(first.ReadResponse());
  RawConnection second(server.port());
  CHECK(second.WaitForClose(milliseconds(2000)));
  REQUIRE(first.Send(EchoRequestBytes("two")));
  CHECK(first.ReadResponse());
}

TEST_CASE(
    "At the descriptor limit further connections are refused at once and a new client is served once some close") {
  // The server runs in a process of its own started with a soft limit of 64
  // and a hard one of 200: Start raises the soft limit to 200, and the server
  // keeps 25 descriptors in reserve. Without the cap it would run out, leave
  // the surplus connections queued unaccepted, and accept those (idle) first
  // when some close, so that a new client waits for header_timeout (10 s).
  int to_child[2];
  int from_child[2];
  REQUIRE(::pipe(to_child) == 0);
  REQUIRE(::pipe(from_child) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::dup2(to_child[0], STDIN_FILENO);
    ::dup2(from_child[1], STDOUT_FILENO);
    ::close(to_child[1]);
    ::close(from_child[0]);
    ::execl(TWIRPCPP_FD_LIMIT_SERVER, TWIRPCPP_FD_LIMIT_SERVER, "64", "200", nullptr);
    ::_exit(127);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  std::string line;
  char c;
  while (::read(from_child[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(from_child[0]);
  unsigned port = 0;
  unsigned long soft = 0;
  const bool started = std::sscanf(line.c_str(), "%u %lu", &port, &soft) == 2;
  auto stop_child = [&] {
    ::close(to_child[1]);
    int status = 0;
    ::waitpid(child, &status, 0);
    return status;
  };
  if (!started) stop_child();
  REQUIRE(started);
  CHECK(soft == 200);

  std::vector<std::unique_ptr<RawConnection>> connections;
  connections.reserve(260);
  for (int i = 0; i < 260; ++i) {
    connections.push_back(
        std::make_unique<RawConnection>(static_cast<std::uint16_t>(port), milliseconds(2000)));
  }
  std::this_thread::sleep_for(milliseconds(500));
  // Refused ones are closed by now; the others are held open, idle.
  std::vector<std::unique_ptr<RawConnection>> open;
  for (auto& connection : connections) {
    if (connection->connected() && !connection->WaitForClose(milliseconds(1))) {
      open.push_back(std::move(connection));
    }
  }
  CHECK(open.size() <= 175);
  CHECK(open.size() >= 100);

  // At the cap the accept loop does not spin: it sleeps until a connection comes.
  auto cpu_ticks = [&] {
    std::ifstream stat("/proc/" + std::to_string(child) + "/stat");
    std::string field;
    long ticks = 0;
    for (int i = 1; i <= 15 && stat >> field; ++i) {
      if (i == 14 || i == 15) ticks += std::stol(field);  // utime, stime
    }
    return ticks;
  };
  const long before = cpu_ticks();
  std::this_thread::sleep_for(milliseconds(500));
  CHECK(cpu_ticks() - before <= 10);  // clock ticks, 100 a second

  open.resize(open.size() - 20);
  std::this_thread::sleep_for(milliseconds(100));
  const auto start = Clock::now();
  auto response = RoundTrip(static_cast<std::uint16_t>(port), EchoRequestBytes("room again"));
  CHECK(Clock::now() - start < milliseconds(2000));
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(TextOf(*response) == "room again");
  open.clear();
  connections.clear();
  const int status = stop_child();
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

}  // namespace twirp::testing
