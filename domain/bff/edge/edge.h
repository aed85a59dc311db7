// What every BFF does at the edge, before and after its own endpoints
// (docs/domain-rules.md, "Edge rules"): who the client is (its address, and the
// country only a trusted proxy may state), rate limits, inbound headers meant
// for internal tiers dropped, Cache-Control on every answer, and error bodies
// that name nothing internal but carry a request id found in the BFF's log.
// The mobile BFF uses it now; the creator BFF will too.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options/options_description.hpp>

#include "edge/rate_limiter.h"
#include "twirpcpp/http.h"

namespace bff::edge {

// An IPv4 or IPv6 network: "10.0.0.0/8", "::1/128", or one address.
struct Cidr {
  std::array<std::uint8_t, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
  int prefix_bits = 0;                   // of the 128

  static std::optional<Cidr> Parse(std::string_view text);
  // `address` as HttpRequest::remote_address gives it; false when not an address.
  bool Contains(std::string_view address) const;
};

struct EdgeOptions {
  std::vector<Cidr> trusted_proxies;  // whose X-Country counts; none by default
  RateLimit per_token{10, 50};
  RateLimit per_address{50, 200};
  int failed_signins_per_minute = 10;  // 0: no limit
  // max-age of an anonymous read's answer.
  std::chrono::seconds public_max_age{30};
};

// The flags of EdgeOptions, for a BFF's main and for reference-system, which
// passes them on: --trusted-proxies CIDR,..., --rate-limit-token RPS:BURST,
// --rate-limit-address RPS:BURST, --rate-limit-signin PER_MINUTE (0 turns one off).
struct EdgeFlags {
  std::string trusted_proxies;
  std::string rate_limit_token = "10:50";
  std::string rate_limit_address = "50:200";
  int rate_limit_signin = 10;

  void AddTo(boost::program_options::options_description& description);
  // Checks the flags (a message on stderr naming `name` when one is wrong).
  bool Apply(std::string_view name, EdgeOptions& options) const;
  // The flags as given, to pass on to a child process.
  std::vector<std::string> Args() const;
};

// "RPS:BURST" or "0".
std::optional<RateLimit> ParseRateLimit(std::string_view text);

// A request id: 16 hex digits, new for every call, no lock.
std::string NewRequestId();

// The app's error shape: {"error":{"code","message","requestId"}}, never cached.
twirp::HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message,
                                  std::string_view request_id);

// The header fields an app may not send because internal tiers read them
// (X-Country unless from a trusted proxy, X-Request-Id, X-Degraded, Twirp-Timeout-Ms).
bool IsInternalHeader(std::string_view name);

class Edge {
 public:
  // `name` prefixes the log lines (the process name).
  Edge(std::string_view name, EdgeOptions options);

  // Before anything else: 429 with Retry-After when the client's address, or
  // its bearer token, is over its limit.
  std::optional<twirp::HttpResponse> Admit(const twirp::HttpRequest& request,
                                           std::optional<std::string_view> bearer_token);

  // `request` without the internal header fields, when it had any (else
  // nullopt, and `request` is used as it is). A trusted proxy's X-Country is kept.
  std::optional<twirp::HttpRequest> StripInternalHeaders(const twirp::HttpRequest& request) const;

  // 429 when the address has used up its failed sign-ins, before Authenticate.
  std::optional<twirp::HttpResponse> CheckSignIn(const twirp::HttpRequest& request);
  // Authenticate said the token is not valid.
  void SignInFailed(const twirp::HttpRequest& request);

  bool IsTrustedProxy(std::string_view address) const;

  // An error of an upstream, as the app sees it: `status` and `code` with a
  // fixed message; the upstream's own text goes to the log with the request id.
  twirp::HttpResponse UpstreamError(int status, std::string_view code, std::string_view message,
                                    std::string_view upstream_detail) const;

  // Cache-Control of a successful answer: `private, no-store` for anything
  // viewer-specific, `public, max-age=N` for an anonymous read.
  void SetCacheControl(twirp::HttpResponse& response, bool viewer_specific) const;

  const EdgeOptions& options() const { return options_; }
  std::size_t bucket_count() const {
    return per_token_.size() + per_address_.size() + signins_.size();
  }

 private:
  std::string name_;
  EdgeOptions options_;
  RateLimiter per_token_;
  RateLimiter per_address_;
  RateLimiter signins_;
  std::string public_cache_control_;
};

}  // namespace bff::edge
