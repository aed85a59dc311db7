// Plain HTTP handlers (Server::Handle) beside the Twirp routes: prefix matching,
// the request and response they see, failures, limits. Not part of the Twirp
// wire contract; the Twirp routes they leave alone are (§1.2-1.8).
#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>

#include "server_test_util.h"
#include "twirpcpp/http.h"

namespace twirp::testing {
namespace {

using std::chrono::milliseconds;

// Answers with its own name, so that a test sees which handler served a path.
HttpHandler Named(const std::string& name) {
  return [name](Context&, const ::twirp::HttpRequest& request) -> Awaitable<::twirp::HttpResponse> {
    co_return ::twirp::HttpResponse::Text(200, name + " " + request.path);
  };
}

class HandlerServer {
 public:
  explicit HandlerServer(const std::function<void(Server&)>& setup,
                         ServerOptions options = TestOptions())
      : server_(std::move(options)) {
    detail::AddService(server_, EchoRoutes());
    setup(server_);
    if (auto ec = server_.Listen("127.0.0.1", 0)) throw std::runtime_error(ec.message());
    server_.Start();
  }
  ~HandlerServer() { server_.Shutdown(milliseconds(0)); }
  std::uint16_t port() const { return server_.port(); }
  Server& server() { return server_; }
  std::optional<HttpResponse> Get(std::string_view target,
                                  const std::vector<std::string>& headers = {}) const {
    return RoundTrip(port(), BuildRequest("GET", target, headers, ""));
  }

 private:
  Server server_;
};

}  // namespace

TEST_CASE(
    "A handler prefix ending in '/' serves its subtree, any other prefix only its exact path") {
  HandlerServer server([](Server& s) {
    s.Handle("/api/", Named("api-tree"));
    s.Handle("/api/v1/special", Named("special"));
    s.Handle("/health", Named("health"));
  });
  CHECK(server.Get("/api/x/y")->body == "api-tree /api/x/y");
  CHECK(server.Get("/api/")->body == "api-tree /api/");
  // The longest matching prefix wins, whatever the registration order.
  CHECK(server.Get("/api/v1/special")->body == "special /api/v1/special");
  CHECK(server.Get("/api/v1/special/more")->body == "api-tree /api/v1/special/more");
  CHECK(server.Get("/health")->body == "health /health");
  // Not the exact path: the request is Twirp's, and Twirp answers bad_route.
  auto sub = server.Get("/health/x");
  REQUIRE(sub);
  CHECK(sub->status == 404);
  CHECK(sub->body.find(R"("code":"bad_route")") != std::string::npos);
  auto bare = server.Get("/api");
  REQUIRE(bare);
  CHECK(bare->status == 404);
}

TEST_CASE("§1.2 with handlers registered, Twirp paths still reach the Twirp routes") {
  HandlerServer server([](Server& s) { s.Handle("/api/", Named("api")); });
  auto response = RoundTrip(server.port(), PostRequest(kEchoPath, "application/protobuf",
                                                       MakeEcho("twirp").SerializeAsString()));
  REQUIRE(response);
  CHECK(response->status == 200);
  EchoResponse message;
  REQUIRE(message.ParseFromString(response->body));
  CHECK(message.text() == "twirp");
}

TEST_CASE("A handler sees method, target, decoded path, query, headers and body") {
  HandlerServer server([](Server& s) {
    s.Handle("/echo/",
             [](Context& ctx, const ::twirp::HttpRequest& r) -> Awaitable<::twirp::HttpResponse> {
               std::string out;
               out += "method=" + std::string(r.method) + "\n";
               out += "target=" + std::string(r.target) + "\n";
               out += "path=" + r.path + "\n";
               out += "query=" + std::string(r.query) + "\n";
               out += "ids=" + r.QueryParam("ids").value_or("<none>") + "\n";
               out += "name=" + r.QueryParam("name").value_or("<none>") + "\n";
               out += "missing=" + r.QueryParam("missing").value_or("<none>") + "\n";
               out += "header=" + std::string(r.Header("x-country").value_or("<none>")) + "\n";
               out +=
                   "ctx-header=" + std::string(ctx.request_header("X-Country").value_or("<none>")) +
                   "\n";
               out += "body=" + std::string(r.body);
               ::twirp::HttpResponse response = ::twirp::HttpResponse::Text(201, std::move(out));
               response.headers.emplace_back("X-Handler", "yes");
               co_return response;
             });
  });
  auto response = RoundTrip(server.port(), BuildRequest("PUT", "/echo/a%20b/c?ids=1%2C2,3&name=x+y",
                                                        {"X-Country: DE"}, "hello"));
  REQUIRE(response);
  CHECK(response->status == 201);
  CHECK(response->Header("Content-Type") == "text/plain; charset=utf-8");
  CHECK(response->Header("X-Handler") == "yes");
  CHECK(response->body ==
        "method=PUT\ntarget=/echo/a%20b/c?ids=1%2C2,3&name=x+y\npath=/echo/a b/c\n"
        "query=ids=1%2C2,3&name=x+y\nids=1,2,3\nname=x y\nmissing=<none>\n"
        "header=DE\nctx-header=DE\nbody=hello");
}

TEST_CASE("A handler sees the peer's address over a socket and none in process") {
  HandlerServer server([](Server& s) {
    s.Handle("/peer",
             [](Context&, const ::twirp::HttpRequest& r) -> Awaitable<::twirp::HttpResponse> {
               co_return ::twirp::HttpResponse::Text(200, "peer=" + r.remote_address);
             });
  });
  auto response = server.Get("/peer");
  REQUIRE(response);
  CHECK(response->body == "peer=127.0.0.1");
}

TEST_CASE("A handler's response headers from the Context are sent, framing headers are not") {
  HandlerServer server([](Server& s) {
    s.Handle("/h",
             [](Context& ctx, const ::twirp::HttpRequest&) -> Awaitable<::twirp::HttpResponse> {
               (void)ctx.SetResponseHeader("X-From-Context", "1");
               ::twirp::HttpResponse response = ::twirp::HttpResponse::Json(200, R"({"ok":true})");
               response.headers.emplace_back("Content-Length", "999");
               response.headers.emplace_back("Content-Type", "text/html");
               response.headers.emplace_back("Connection", "close");
               co_return response;
             });
  });
  RawConnection connection(server.port());
  REQUIRE(connection.Send(BuildRequest("GET", "/h", {}, "")));
  auto response = connection.ReadResponse();
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->Header("X-From-Context") == "1");
  CHECK(response->Header("Content-Type") == "application/json");
  CHECK(response->HeaderCount("Content-Type") == 1);
  CHECK(response->Header("Content-Length") == "11");
  CHECK(response->body == R"({"ok":true})");
  // The connection stays open for the next request.
  REQUIRE(connection.Send(BuildRequest("GET", "/h", {}, "")));
  auto again = connection.ReadResponse();
  REQUIRE(again);
  CHECK(again->status == 200);
}

TEST_CASE("§5.18 a handler's header with CR or LF or a non-token name makes the response a 500") {
  for (const auto& field :
       std::vector<std::pair<std::string, std::string>>{{"X-Evil", "a\r\nSet-Cookie: x"},
                                                        {"X-Evil", "a\nb"},
                                                        {"X-Evil", std::string("a\0b", 3)},
                                                        {"X Evil", "a"},
                                                        {"X-Evil:", "a"},
                                                        {"", "a"}}) {
    // Plain variables: clang-tidy's clang cannot capture a structured binding in a lambda.
    const std::string& name = field.first;
    const std::string& value = field.second;
    INFO(name << ": " << value);
    HandlerServer server([name, value](Server& s) {
      s.Handle(
          "/h",
          [name, value](Context&, const ::twirp::HttpRequest&) -> Awaitable<::twirp::HttpResponse> {
            ::twirp::HttpResponse response = ::twirp::HttpResponse::Text(200, "fine");
            response.headers.emplace_back("X-Good", "1");
            response.headers.emplace_back(name, value);
            co_return response;
          });
    });
    RawConnection connection(server.port());
    REQUIRE(connection.Send(BuildRequest("GET", "/h", {}, "")));
    auto response = connection.ReadResponse();
    REQUIRE(response);
    CHECK(response->status == 500);
    CHECK(response->body == R"({"code":"internal","msg":"invalid response header"})");
    CHECK(response->HeaderCount("Set-Cookie") == 0);
    CHECK(response->HeaderCount("X-Good") == 0);
    // Nothing the handler wrote follows the answer: the next one is clean.
    REQUIRE(connection.Send(BuildRequest("GET", "/h", {}, "")));
    auto again = connection.ReadResponse();
    REQUIRE(again);
    CHECK(again->status == 500);
  }
}

TEST_CASE("A handler that throws is answered with a 500 internal error and the server carries on") {
  HandlerServer server([](Server& s) {
    s.Handle("/boom",
             [](Context&, const ::twirp::HttpRequest&) -> Awaitable<::twirp::HttpResponse> {
               throw std::runtime_error("kaboom");
               co_return ::twirp::HttpResponse{};
             });
    // Throws before its coroutine even starts.
    s.Handle("/eager",
             [](Context&, const ::twirp::HttpRequest&) -> Awaitable<::twirp::HttpResponse> {
               throw std::runtime_error("eager");
             });
    s.Handle("/bad-status",
             [](Context&, const ::twirp::HttpRequest&) -> Awaitable<::twirp::HttpResponse> {
               co_return ::twirp::HttpResponse::Text(1000, "");
             });
  });
  for (const char* path : {"/boom", "/eager"}) {
    INFO(path);
    auto response = server.Get(path);
    REQUIRE(response);
    CHECK(response->status == 500);
    CHECK(response->Header("Content-Type") == "application/json");
    CHECK(response->body == R"({"code":"internal","msg":"Internal service panic"})");
  }
  auto bad = server.Get("/bad-status");
  REQUIRE(bad);
  CHECK(bad->status == 500);
  CHECK(bad->body.find(R"("code":"internal")") != std::string::npos);
  auto healthy = server.Get("/boom/not-a-handler");
  REQUIRE(healthy);
  CHECK(healthy->status == 404);
}

TEST_CASE("The server's body limit applies to handler requests") {
  std::atomic<int> calls{0};
  ServerOptions options = TestOptions();
  options.max_body_bytes = 16;
  HandlerServer server(
      [&calls](Server& s) {
        s.Handle(
            "/upload",
            [&calls](Context&, const ::twirp::HttpRequest&) -> Awaitable<::twirp::HttpResponse> {
              ++calls;
              co_return ::twirp::HttpResponse::Text(200, "ok");
            });
      },
      options);
  auto response =
      RoundTrip(server.port(), BuildRequest("POST", "/upload", {}, std::string(100, 'x')));
  REQUIRE(response);
  CHECK(response->status == 400);
  CHECK(response->body.find(R"("code":"malformed")") != std::string::npos);
  CHECK(calls == 0);
}

TEST_CASE("A handler request carries the server's request deadline and can await on its executor") {
  ServerOptions options = TestOptions();
  options.request_deadline = milliseconds(5000);
  HandlerServer server(
      [](Server& s) {
        s.Handle("/slow",
                 [](Context& ctx, const ::twirp::HttpRequest&) -> Awaitable<::twirp::HttpResponse> {
                   boost::asio::steady_timer timer(ctx.executor());
                   timer.expires_after(milliseconds(20));
                   co_await timer.async_wait(boost::asio::use_awaitable);
                   co_return ::twirp::HttpResponse::Text(200, ctx.deadline() ? "deadline" : "none");
                 });
      },
      options);
  auto response = server.Get("/slow");
  REQUIRE(response);
  CHECK(response->body == "deadline");
}

TEST_CASE("Hooks are Twirp's only: a handler request runs none of them") {
  Recorder recorder;
  ServerOptions options = TestOptions();
  options.hooks.request_received = [&recorder](Context&) -> Result<void> {
    recorder.Add("received");
    return Ok();
  };
  options.hooks.response_sent = [&recorder](Context&) { recorder.Add("sent"); };
  HandlerServer server([](Server& s) { s.Handle("/plain", Named("plain")); }, options);
  CHECK(server.Get("/plain")->status == 200);
  // A Twirp request afterwards on the same server does run them.
  CHECK(RoundTrip(server.port(),
                  PostRequest(kEchoPath, "application/protobuf", MakeEcho("x").SerializeAsString()))
            ->status == 200);
  REQUIRE(recorder.WaitFor("sent"));
  CHECK(recorder.events() == std::vector<std::string>{"received", "sent"});
}

TEST_CASE("The metrics endpoint is a plain handler: GET only, and its path cannot be taken twice") {
  ServerOptions options = TestOptions();
  options.metrics.enabled = true;
  HandlerServer server(
      [](Server& s) {
        CHECK_THROWS_AS(s.Handle("/metrics", Named("mine")), std::logic_error);
        s.Handle("/metrics/extra", Named("extra"));
      },
      options);
  auto scrape = server.Get("/metrics");
  REQUIRE(scrape);
  CHECK(scrape->status == 200);
  CHECK(scrape->body.find("twirp_server_connections") != std::string::npos);
  auto post = RoundTrip(server.port(), BuildRequest("POST", "/metrics", {}, ""));
  REQUIRE(post);
  CHECK(post->status == 405);
  CHECK(post->Header("Allow") == "GET");
  CHECK(server.Get("/metrics/extra")->body == "extra /metrics/extra");
}

TEST_CASE("Handle refuses a prefix without a leading '/', a duplicate, and calls after Start") {
  Server server(TestOptions());
  CHECK_THROWS_AS(server.Handle("api/", Named("x")), std::logic_error);
  CHECK_THROWS_AS(server.Handle("", Named("x")), std::logic_error);
  server.Handle("/a/", Named("a"));
  CHECK_THROWS_AS(server.Handle("/a/", Named("again")), std::logic_error);
  REQUIRE_FALSE(server.Listen("127.0.0.1", 0));
  server.Start();
  CHECK_THROWS_AS(server.Handle("/b", Named("late")), std::logic_error);
  server.Shutdown(milliseconds(0));
}

TEST_CASE("A handler request is answered during a graceful shutdown with Connection: close") {
  HandlerServer* self = nullptr;
  Recorder recorder;
  HandlerServer server([&](Server& s) {
    s.Handle("/stop",
             [&](Context& ctx, const ::twirp::HttpRequest&) -> Awaitable<::twirp::HttpResponse> {
               recorder.Add("in handler");
               boost::asio::steady_timer timer(ctx.executor());
               timer.expires_after(milliseconds(200));
               co_await timer.async_wait(boost::asio::use_awaitable);
               co_return ::twirp::HttpResponse::Text(200, "done");
             });
  });
  self = &server;
  RawConnection connection(server.port());
  REQUIRE(connection.Send(BuildRequest("GET", "/stop", {}, "")));
  REQUIRE(recorder.WaitFor("in handler"));
  std::thread stopper([self] { self->server().Shutdown(std::chrono::seconds(5)); });
  auto response = connection.ReadResponse();
  stopper.join();
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->body == "done");
  CHECK(response->Header("Connection") == "close");
}

}  // namespace twirp::testing
