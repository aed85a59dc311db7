// URL building of twirp::Client (wire-protocol.md §1.1, §1.10-1.12).
#include <catch2/catch.hpp>

#include "client_test_util.h"
#include "fake_http_server.h"

namespace twirp::testing {
namespace {

std::string PathFor(const std::string& base, ClientOptions options,
                    const detail::MethodNames& method = kMakeHatMethod) {
  auto client = Client::Create(base, std::move(options));
  REQUIRE(client.ok());
  return detail::ClientAccess::Path(**client, method);
}

ClientOptions WithPrefix(std::string prefix) {
  ClientOptions options;
  options.prefix = std::move(prefix);
  return options;
}

TEST_CASE("§1.10 the client sends Go CamelCase service and method names") {
  CHECK(PathFor("http://127.0.0.1:1", {}) == "/twirp/twirpcpp.test.v1.Echo/MakeHatV1");
}

TEST_CASE("§1.10 literal_urls sends the literal proto names") {
  ClientOptions options;
  options.literal_urls = true;
  CHECK(PathFor("http://127.0.0.1:1", options) == "/twirp/twirpcpp.test.v1.Echo/Make_hat_v1");
}

TEST_CASE("§1.1 without a proto package the route is <prefix>/<Service>/<Method>") {
  constexpr detail::MethodNames kNoPackage{"", "Svc_x", "SvcX", "do_it", "DoIt"};
  CHECK(PathFor("http://127.0.0.1:1", {}, kNoPackage) == "/twirp/SvcX/DoIt");
}

TEST_CASE("§1.11-1.12 the prefix is normalised as Go's path.Join(\"/\", prefix)") {
  CHECK(PathFor("http://h:1", WithPrefix("twirp")) == "/twirp/twirpcpp.test.v1.Echo/MakeHatV1");
  CHECK(PathFor("http://h:1", WithPrefix("/twirp/")) == "/twirp/twirpcpp.test.v1.Echo/MakeHatV1");
  CHECK(PathFor("http://h:1", WithPrefix("//a//b/")) == "/a/b/twirpcpp.test.v1.Echo/MakeHatV1");
  CHECK(PathFor("http://h:1", WithPrefix("/a/./c/../b")) == "/a/b/twirpcpp.test.v1.Echo/MakeHatV1");
  CHECK(PathFor("http://h:1", WithPrefix("")) == "/twirpcpp.test.v1.Echo/MakeHatV1");
  CHECK(PathFor("http://h:1", WithPrefix("/")) == "/twirpcpp.test.v1.Echo/MakeHatV1");
}

TEST_CASE("§1.12 (deliberate difference) a base URL ending in '/' does not produce //twirp") {
  CHECK(PathFor("http://h:1/", {}) == "/twirp/twirpcpp.test.v1.Echo/MakeHatV1");
  CHECK(PathFor("http://h:1/base/", {}) == "/base/twirp/twirpcpp.test.v1.Echo/MakeHatV1");
  CHECK(PathFor("http://h:1/base", {}) == "/base/twirp/twirpcpp.test.v1.Echo/MakeHatV1");
}

TEST_CASE("§1.11 a base URL without scheme gets http://") {
  auto client = Client::Create("127.0.0.1:8080/x/");
  REQUIRE(client.ok());
  CHECK((*client)->base_url() == "http://127.0.0.1:8080/x");
  auto ipv6 = Client::Create("[::1]:8080");
  REQUIRE(ipv6.ok());
  CHECK((*ipv6)->base_url() == "http://[::1]:8080");
}

TEST_CASE("§1.11 only http:// is supported: https is refused at creation, clearly") {
  auto https = Client::Create("https://example.com");
  REQUIRE_FALSE(https.ok());
  CHECK(https.error().code() == ErrorCode::kInvalidArgument);
  CHECK_THAT(https.error().msg(), Catch::Contains("https is not supported"));
  CHECK_FALSE(Client::Create("ftp://example.com").ok());
  CHECK_FALSE(Client::Create("http://").ok());
  CHECK_FALSE(Client::Create("http://h:99999").ok());
  CHECK_FALSE(Client::Create("http://h:1/x?y=1").ok());
}

TEST_CASE("§6.2 base headers may not set Accept, Content-Type or Twirp-Version") {
  for (const char* name : {"Accept", "content-type", "Twirp-Version"}) {
    ClientOptions options;
    options.headers = {{name, "x"}};
    auto client = Client::Create("http://h:1", options);
    REQUIRE_FALSE(client.ok());
    CHECK(client.error().code() == ErrorCode::kInvalidArgument);
  }
}

TEST_CASE(
    "§1.1 §1.12 the request reaches <base path><prefix>/<pkg>.<Service>/<Method> on the wire") {
  FakeHttpServer server([](const RecordedRequest&) { return HttpReply(200, "OK", EchoBody("x")); });
  std::string url = server.url().substr(std::string("http://").size()) + "/base/";  // no scheme
  ClientOptions options;
  options.prefix = "api/";
  auto client = MakeClient(url, options);
  auto result = Echo(client, EchoRequest());
  REQUIRE(result.ok());
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].target == "/base/api/twirpcpp.test.v1.Echo/Echo");
}

}  // namespace
}  // namespace twirp::testing
