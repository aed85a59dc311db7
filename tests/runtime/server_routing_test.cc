// Routing, content types, encodings and error bodies of the server, over real
// sockets (wire-protocol.md §1, §2, §4).
#include <catch2/catch.hpp>

#include <google/protobuf/util/json_util.h>

#include "server_test_util.h"

namespace twirp::testing {
namespace {

constexpr std::string_view kProto = "application/protobuf";
constexpr std::string_view kJson = "application/json";

// The exact body Go writes for a router error (§1.5, §4.12).
std::string BadRouteBody(std::string_view msg_json, std::string_view route) {
  return R"({"code":"bad_route","msg":")" + std::string(msg_json) +
         R"(","meta":{"twirp_invalid_route":")" + std::string(route) + R"("}})";
}

void CheckBadRoute(const std::optional<HttpResponse>& response, std::string_view msg_json,
                   std::string_view route) {
  REQUIRE(response);
  CHECK(response->status == 404);
  CHECK(response->Header("Content-Type") == "application/json");
  CHECK(response->Header("Content-Length") == std::to_string(response->body.size()));
  CHECK(response->body == BadRouteBody(msg_json, route));
}

std::string EchoBody(std::string text) { return MakeEcho(std::move(text)).SerializeAsString(); }

EchoResponse ParseProto(const HttpResponse& response) {
  EchoResponse message;
  REQUIRE(message.ParseFromString(response.body));
  return message;
}

}  // namespace

TEST_CASE("§4.1 every error code is sent with its HTTP status and Go's exact JSON body") {
  TestServer server;
  const std::vector<std::pair<std::string, int>> table = {{"canceled", 408},
                                                          {"unknown", 500},
                                                          {"invalid_argument", 400},
                                                          {"malformed", 400},
                                                          {"deadline_exceeded", 408},
                                                          {"not_found", 404},
                                                          {"bad_route", 404},
                                                          {"already_exists", 409},
                                                          {"permission_denied", 403},
                                                          {"unauthenticated", 401},
                                                          {"resource_exhausted", 429},
                                                          {"failed_precondition", 412},
                                                          {"aborted", 409},
                                                          {"out_of_range", 400},
                                                          {"unimplemented", 501},
                                                          {"internal", 500},
                                                          {"unavailable", 503},
                                                          {"data_loss", 500}};
  REQUIRE(table.size() == static_cast<std::size_t>(kErrorCodeCount));
  for (const auto& [code, status] : table) {
    INFO(code);
    auto response = server.PostEcho(MakeEcho("failed", code));
    REQUIRE(response);
    CHECK(response->status == status);
    // §2.4: errors are JSON whatever the request codec.
    CHECK(response->Header("Content-Type") == "application/json");
    CHECK(response->Header("Content-Length") == std::to_string(response->body.size()));
    CHECK(response->body == R"({"code":")" + code + R"(","msg":"failed"})");
  }
}

TEST_CASE("§1.2 a method other than POST is bad_route with Go's message") {
  TestServer server;
  auto response = RoundTrip(server.port(),
                            BuildRequest("GET", kEchoPath, {"Content-Type: application/json"}, ""));
  CheckBadRoute(response, R"(unsupported method \"GET\" (only POST is allowed))",
                "GET /twirp/twirpcpp.test.v1.Echo/Echo");
  // Go compares the method case-sensitively.
  response = RoundTrip(server.port(),
                       BuildRequest("post", kEchoPath, {"Content-Type: application/json"}, "{}"));
  CheckBadRoute(response, R"(unsupported method \"post\" (only POST is allowed))",
                "post /twirp/twirpcpp.test.v1.Echo/Echo");
}

TEST_CASE("§1.5 an unknown service or method is bad_route no handler for path") {
  TestServer server;
  CheckBadRoute(server.Post("/twirp/twirpcpp.test.v1.Nope/Echo", kProto, ""),
                R"(no handler for path \"/twirp/twirpcpp.test.v1.Nope/Echo\")",
                "POST /twirp/twirpcpp.test.v1.Nope/Echo");
  CheckBadRoute(server.Post("/twirp/twirpcpp.test.v1.Echo/Nope", kProto, ""),
                R"(no handler for path \"/twirp/twirpcpp.test.v1.Echo/Nope\")",
                "POST /twirp/twirpcpp.test.v1.Echo/Nope");
  // The package part is literal: a service without its package is unknown.
  CheckBadRoute(server.Post("/twirp/Echo/Echo", kProto, ""),
                R"(no handler for path \"/twirp/Echo/Echo\")", "POST /twirp/Echo/Echo");
  CheckBadRoute(server.Post("/", kProto, ""), R"(no handler for path \"/\")", "POST /");
}

TEST_CASE("§1.6 a trailing slash or an extra segment is bad_route") {
  TestServer server;
  // The last part (empty) is the method, "Echo" the service: unknown.
  CheckBadRoute(server.Post("/twirp/twirpcpp.test.v1.Echo/Echo/", kProto, ""),
                R"(no handler for path \"/twirp/twirpcpp.test.v1.Echo/Echo/\")",
                "POST /twirp/twirpcpp.test.v1.Echo/Echo/");
  CheckBadRoute(
      server.Post("/x/twirp/twirpcpp.test.v1.Echo/Echo", kProto, ""),
      R"(invalid path prefix \"/x/twirp\", expected \"/twirp\", on path \"/x/twirp/twirpcpp.test.v1.Echo/Echo\")",
      "POST /x/twirp/twirpcpp.test.v1.Echo/Echo");
  CheckBadRoute(
      server.Post("/twirpcpp.test.v1.Echo/Echo", kProto, ""),
      R"(invalid path prefix \"\", expected \"/twirp\", on path \"/twirpcpp.test.v1.Echo/Echo\")",
      "POST /twirpcpp.test.v1.Echo/Echo");
  // §1.12: a doubled slash is a different prefix too.
  CheckBadRoute(
      server.Post("//twirp/twirpcpp.test.v1.Echo/Echo", kProto, ""),
      R"(invalid path prefix \"//twirp\", expected \"/twirp\", on path \"//twirp/twirpcpp.test.v1.Echo/Echo\")",
      "POST //twirp/twirpcpp.test.v1.Echo/Echo");
}

TEST_CASE("§1.1 a custom prefix /a/b is served and the default one refused") {
  ServerOptions options = TestOptions();
  options.prefix = "/a/b";
  TestServer server(options);
  auto ok = server.Post("/a/b/twirpcpp.test.v1.Echo/Echo", kProto, EchoBody("hi"));
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(ParseProto(*ok).text() == "hi");
  CheckBadRoute(
      server.Post(kEchoPath, kProto, ""),
      R"(invalid path prefix \"/twirp\", expected \"/a/b\", on path \"/twirp/twirpcpp.test.v1.Echo/Echo\")",
      "POST /twirp/twirpcpp.test.v1.Echo/Echo");
}

TEST_CASE("§1.1 an empty prefix serves /<pkg>.<Service>/<Method>") {
  ServerOptions options = TestOptions();
  options.prefix = "";
  TestServer server(options);
  auto ok = server.Post("/twirpcpp.test.v1.Echo/Echo", kProto, EchoBody("hi"));
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CheckBadRoute(
      server.Post(kEchoPath, kProto, ""),
      R"(invalid path prefix \"/twirp\", expected \"\", on path \"/twirp/twirpcpp.test.v1.Echo/Echo\")",
      "POST /twirp/twirpcpp.test.v1.Echo/Echo");
}

TEST_CASE("§1.7-1.8 literal and CamelCase method names are accepted, lowerCamel is not") {
  TestServer server;
  for (const char* path :
       {"/twirp/twirpcpp.test.v1.Echo/Make_hat_v1", "/twirp/twirpcpp.test.v1.Echo/MakeHatV1"}) {
    INFO(path);
    auto response = server.Post(path, kProto, EchoBody("hat"));
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(ParseProto(*response).text() == "hat");
  }
  for (const char* method : {"makeHatV1", "make_hat_v1", "MAKEHATV1", "Makehatv1"}) {
    const std::string path = "/twirp/twirpcpp.test.v1.Echo/" + std::string(method);
    CheckBadRoute(server.Post(path, kProto, ""), R"(no handler for path \")" + path + R"(\")",
                  "POST " + path);
  }
  // The service part is case-sensitive too.
  CheckBadRoute(server.Post("/twirp/twirpcpp.test.v1.echo/Echo", kProto, ""),
                R"(no handler for path \"/twirp/twirpcpp.test.v1.echo/Echo\")",
                "POST /twirp/twirpcpp.test.v1.echo/Echo");
}

TEST_CASE("§1.4 checks run in Go's order: method, service, prefix, method name, Content-Type") {
  TestServer server;
  // Wrong HTTP method wins over everything else.
  CheckBadRoute(
      RoundTrip(server.port(), BuildRequest("PUT", "/x/twirpcpp.test.v1.Nope/Nope", {}, "")),
      R"(unsupported method \"PUT\" (only POST is allowed))", "PUT /x/twirpcpp.test.v1.Nope/Nope");
  // Unknown service before a wrong prefix.
  CheckBadRoute(server.Post("/x/twirpcpp.test.v1.Nope/Echo", "text/plain", ""),
                R"(no handler for path \"/x/twirpcpp.test.v1.Nope/Echo\")",
                "POST /x/twirpcpp.test.v1.Nope/Echo");
  // Wrong prefix before an unknown method.
  CheckBadRoute(
      server.Post("/x/twirpcpp.test.v1.Echo/Nope", "text/plain", ""),
      R"(invalid path prefix \"/x\", expected \"/twirp\", on path \"/x/twirpcpp.test.v1.Echo/Nope\")",
      "POST /x/twirpcpp.test.v1.Echo/Nope");
  // Unknown method before a bad Content-Type.
  CheckBadRoute(server.Post("/twirp/twirpcpp.test.v1.Echo/Nope", "text/plain", ""),
                R"(no handler for path \"/twirp/twirpcpp.test.v1.Echo/Nope\")",
                "POST /twirp/twirpcpp.test.v1.Echo/Nope");
}

TEST_CASE(
    "§2.1-2.2 Content-Type selects the codec; anything else is bad_route with the raw header") {
  TestServer server;
  const std::string route = "POST " + std::string(kEchoPath);
  CheckBadRoute(RoundTrip(server.port(), BuildRequest("POST", kEchoPath, {}, "")),
                R"(unexpected Content-Type: \"\")", route);
  CheckBadRoute(server.Post(kEchoPath, "application/x-protobuf", ""),
                R"(unexpected Content-Type: \"application/x-protobuf\")", route);
  CheckBadRoute(server.Post(kEchoPath, "text/json; charset=\"utf-8\"", ""),
                R"(unexpected Content-Type: \"text/json; charset=\\\"utf-8\\\"\")", route);

  auto json = server.Post(kEchoPath, "Application/JSON; charset=utf-8", R"({"text":"x"})");
  REQUIRE(json);
  CHECK(json->status == 200);
  CHECK(json->Header("Content-Type") == "application/json");
  auto proto = server.Post(kEchoPath, " application/PROTOBUF ;x=y", EchoBody("x"));
  REQUIRE(proto);
  CHECK(proto->status == 200);
  CHECK(proto->Header("Content-Type") == "application/protobuf");
}

TEST_CASE(
    "§1.3 the path is percent-decoded, the query ignored, absolute-form reduced to its path") {
  TestServer server;
  auto decoded =
      server.Post("/twirp/twirpcpp.test.v1.Echo/%45cho?x=1&y=%zz", kProto, EchoBody("d"));
  REQUIRE(decoded);
  CHECK(decoded->status == 200);
  auto absolute =
      server.Post("http://127.0.0.1/twirp/twirpcpp.test.v1.Echo/Echo", kProto, EchoBody("a"));
  REQUIRE(absolute);
  CHECK(absolute->status == 200);
  // The route meta and msg show the decoded path, quoted as Go's %q does.
  CheckBadRoute(server.Post("/twirp/a%01%22b/Echo", kProto, ""),
                R"(no handler for path \"/twirp/a\\x01\\\"b/Echo\")",
                R"(POST /twirp/a\u0001\"b/Echo)");
  // An invalid escape is not a Twirp path at all.
  auto invalid = server.Post("/twirp/%zz/Echo", kProto, "");
  REQUIRE(invalid);
  CHECK(invalid->status == 400);
  CHECK(invalid->body ==
        R"({"code":"malformed","msg":"invalid request target \"/twirp/%zz/Echo\""})");
}

TEST_CASE("§2.3 protobuf end to end: 200, exact Content-Type, Content-Length") {
  TestServer server;
  EchoRequest request = MakeEcho("hello");
  request.mutable_payload()->set_int64_value(-5);
  request.mutable_payload()->add_numbers(7);
  auto response = server.PostEcho(request);
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->Header("Content-Type") == "application/protobuf");
  CHECK(response->HeaderCount("Content-Type") == 1);
  CHECK(response->Header("Content-Length") == std::to_string(response->body.size()));
  const EchoResponse echoed = ParseProto(*response);
  CHECK(echoed.text() == "hello");
  CHECK(echoed.payload().int64_value() == -5);
  CHECK(echoed.payload().numbers_size() == 1);
}

TEST_CASE("§2.3 JSON end to end: 200, exact Content-Type, Content-Length, proto names") {
  TestServer server;
  auto response = server.Post(kEchoPath, kJson, R"({"text":"hi","payload":{"int64Value":"9"}})");
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->Header("Content-Type") == "application/json");
  CHECK(response->Header("Content-Length") == std::to_string(response->body.size()));
  CHECK(response->body.find(R"("int64_value":"9")") != std::string::npos);
  EchoResponse echoed;
  REQUIRE(google::protobuf::util::JsonStringToMessage(response->body, &echoed).ok());
  CHECK(echoed.text() == "hi");
  CHECK(echoed.payload().int64_value() == 9);
}

TEST_CASE(
    "§2.5 §2.10 an empty protobuf body is the default message; an all-default reply is empty") {
  TestServer server;
  auto response = server.Post(kEchoPath, kProto, "");
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->Header("Content-Length") == "0");
  CHECK(response->body.empty());
}

TEST_CASE("§2.6 an undecodable protobuf body is malformed with Go's message and no meta") {
  TestServer server;
  auto response = server.Post(kEchoPath, kProto, std::string("\xff\xff\xff\xff", 4));
  REQUIRE(response);
  CHECK(response->status == 400);
  CHECK(response->Header("Content-Type") == "application/json");
  CHECK(response->body ==
        R"({"code":"malformed","msg":"the protobuf request could not be decoded"})");
}

TEST_CASE("§2.8 an empty, null, non-object or invalid JSON body is malformed") {
  TestServer server;
  for (const char* body : {"", "   ", "null", "[]", "42", "not json", R"({"text":)"}) {
    INFO(body);
    auto response = server.Post(kEchoPath, kJson, body);
    REQUIRE(response);
    CHECK(response->status == 400);
    CHECK(response->body ==
          R"({"code":"malformed","msg":"the json request could not be decoded"})");
  }
}

TEST_CASE("(deliberate difference from §2.7) bytes after the JSON value are malformed") {
  TestServer server;
  for (const char* body : {R"({"text":"a"}xyz)", "{}garbage", "{}{}"}) {
    INFO(body);
    auto response = server.Post(kEchoPath, kJson, body);
    REQUIRE(response);
    CHECK(response->status == 400);
    CHECK(response->body ==
          R"({"code":"malformed","msg":"the json request could not be decoded"})");
  }
  auto response = server.Post(kEchoPath, kJson, "{\"text\":\"a\"} \r\n\t");
  REQUIRE(response);
  CHECK(response->status == 200);
}

}  // namespace twirp::testing
