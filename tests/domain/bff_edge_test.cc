// The edge duties every BFF shares (domain/bff/edge), without a network:
// token buckets, their bounds in memory, trusted proxies, internal headers,
// error bodies (docs/domain-rules.md, "Edge rules").
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "edge/edge.h"
#include "edge/rate_limiter.h"

namespace {

using bff::edge::Cidr;
using bff::edge::Edge;
using bff::edge::EdgeOptions;
using bff::edge::RateLimit;
using bff::edge::RateLimiter;
using std::chrono::milliseconds;
using std::chrono::seconds;

const RateLimiter::Clock::time_point kStart{seconds(1'000)};

twirp::HttpRequest From(std::string address,
                        std::vector<std::pair<std::string_view, std::string_view>> headers = {}) {
  twirp::HttpRequest request;
  request.method = "GET";
  request.path = "/mobile/v1/tracks/1";
  request.remote_address = std::move(address);
  request.headers = std::move(headers);
  return request;
}

}  // namespace

TEST_CASE("A token bucket lets a burst through then one request per refill and says when") {
  RateLimiter limiter(RateLimit{.per_second = 2, .burst = 3});
  for (int i = 0; i < 3; ++i) CHECK_FALSE(limiter.Acquire("alice", kStart));
  const auto wait = limiter.Acquire("alice", kStart);
  REQUIRE(wait);
  CHECK(*wait == seconds(1));
  // Another key has a bucket of its own.
  CHECK_FALSE(limiter.Acquire("bob", kStart));
  // Half a second refills one token at 2/s.
  CHECK_FALSE(limiter.Acquire("alice", kStart + milliseconds(500)));
  CHECK(limiter.Acquire("alice", kStart + milliseconds(500)));
}

TEST_CASE("A slow refill answers a Retry-After of the whole wait rounded up") {
  RateLimiter limiter(RateLimit{.per_second = 10.0 / 60, .burst = 10});
  for (int i = 0; i < 10; ++i) limiter.Charge("10.0.0.1", kStart);
  CHECK_FALSE(limiter.Empty("10.0.0.2", kStart));
  const auto wait = limiter.Empty("10.0.0.1", kStart);
  REQUIRE(wait);
  CHECK(*wait == seconds(6));
}

TEST_CASE("A limit of 0 is off: every request is admitted and no bucket is kept") {
  RateLimiter limiter(RateLimit{});
  for (int i = 0; i < 1'000; ++i) CHECK_FALSE(limiter.Acquire("alice", kStart));
  CHECK(limiter.size() == 0);
}

TEST_CASE("Idle buckets are evicted once they would be full again") {
  RateLimiter limiter(RateLimit{.per_second = 10, .burst = 50});
  for (int i = 0; i < 1'000; ++i) limiter.Acquire("token-" + std::to_string(i), kStart);
  CHECK(limiter.size() == 1'000);
  // Burst / rate = 5 s later every bucket is full again: the same as none.
  // The keys seen since are kept, the idle ones are gone.
  const auto later = kStart + seconds(5);
  for (int i = 0; i < 1'000; ++i) limiter.Acquire("new-" + std::to_string(i), later);
  CHECK(limiter.size() == 1'000);
}

TEST_CASE("A flood of distinct keys keeps the buckets within their capacity") {
  RateLimiter limiter(RateLimit{.per_second = 10, .burst = 50}, 1'600);
  for (int i = 0; i < 100'000; ++i) {
    limiter.Acquire("forged-" + std::to_string(i), kStart + milliseconds(i / 100));
  }
  CHECK(limiter.size() <= 1'600);
}

TEST_CASE("Rate limits parse as RPS:BURST or 0 and refuse anything else") {
  CHECK(bff::edge::ParseRateLimit("10:50")->per_second == 10);
  CHECK(bff::edge::ParseRateLimit("0.5:1")->burst == 1);
  CHECK_FALSE(bff::edge::ParseRateLimit("0")->enabled());
  CHECK_FALSE(bff::edge::ParseRateLimit("10"));
  CHECK_FALSE(bff::edge::ParseRateLimit("10:0"));
  CHECK_FALSE(bff::edge::ParseRateLimit("-1:5"));
  CHECK_FALSE(bff::edge::ParseRateLimit("x:5"));
}

TEST_CASE("A trusted proxy range matches IPv4 and IPv6 peers by prefix") {
  const auto v4 = Cidr::Parse("10.1.0.0/16");
  REQUIRE(v4);
  CHECK(v4->Contains("10.1.200.3"));
  CHECK_FALSE(v4->Contains("10.2.0.1"));
  CHECK_FALSE(v4->Contains("::1"));
  CHECK_FALSE(v4->Contains(""));
  const auto one = Cidr::Parse("127.0.0.1");
  REQUIRE(one);
  CHECK(one->Contains("127.0.0.1"));
  CHECK_FALSE(one->Contains("127.0.0.2"));
  const auto v6 = Cidr::Parse("fd00::/8");
  REQUIRE(v6);
  CHECK(v6->Contains("fd12::5"));
  CHECK_FALSE(v6->Contains("fe80::1"));
  CHECK_FALSE(Cidr::Parse("10.0.0.0/33"));
  CHECK_FALSE(Cidr::Parse("example.com"));
}

TEST_CASE("X-Country counts only from a trusted proxy: from anyone else it is dropped") {
  EdgeOptions options;
  options.trusted_proxies = {*Cidr::Parse("10.0.0.0/8")};
  const Edge edge("test-bff", options);
  const auto stripped = edge.StripInternalHeaders(
      From("192.0.2.7", {{"x-country", "FR"}, {"Accept", "*/*"}, {"X-Request-Id", "mine"}}));
  REQUIRE(stripped);
  CHECK_FALSE(stripped->Header("X-Country"));
  CHECK_FALSE(stripped->Header("X-Request-Id"));
  CHECK(stripped->Header("Accept") == "*/*");

  const auto proxied = edge.StripInternalHeaders(
      From("10.9.8.7", {{"X-Country", "FR"}, {"Twirp-Timeout-Ms", "1"}, {"X-Degraded", "x"}}));
  REQUIRE(proxied);
  CHECK(proxied->Header("X-Country") == "FR");
  CHECK_FALSE(proxied->Header("Twirp-Timeout-Ms"));
  CHECK_FALSE(proxied->Header("X-Degraded"));
  // Nothing to strip: no copy.
  CHECK_FALSE(edge.StripInternalHeaders(From("192.0.2.7", {{"Accept", "*/*"}})));
}

TEST_CASE("Over the address limit the edge answers 429 with Retry-After in the app's error shape") {
  EdgeOptions options;
  options.per_address = RateLimit{.per_second = 1, .burst = 2};
  Edge edge("test-bff", options);
  CHECK_FALSE(edge.Admit(From("192.0.2.7"), std::nullopt));
  CHECK_FALSE(edge.Admit(From("192.0.2.7"), std::nullopt));
  const auto limited = edge.Admit(From("192.0.2.7"), std::nullopt);
  REQUIRE(limited);
  CHECK(limited->status == 429);
  bool retry_after = false;
  for (const auto& [name, value] : limited->headers) retry_after |= name == "Retry-After";
  CHECK(retry_after);
  const auto body = nlohmann::json::parse(limited->body);
  CHECK(body.at("error").at("code") == "resource_exhausted");
  CHECK(body.at("error").at("requestId").get<std::string>().size() == 16);
  // Another address is not limited by this one.
  CHECK_FALSE(edge.Admit(From("192.0.2.8"), std::nullopt));
}

TEST_CASE("Failed sign-ins past the limit are refused before the next sign-in") {
  EdgeOptions options;
  options.failed_signins_per_minute = 3;
  Edge edge("test-bff", options);
  const auto request = From("192.0.2.7");
  for (int i = 0; i < 3; ++i) {
    CHECK_FALSE(edge.CheckSignIn(request));
    edge.SignInFailed(request);
  }
  const auto limited = edge.CheckSignIn(request);
  REQUIRE(limited);
  CHECK(limited->status == 429);
  CHECK_FALSE(edge.CheckSignIn(From("192.0.2.8")));
}
