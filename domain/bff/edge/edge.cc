#include "edge/edge.h"

#include <algorithm>
#include <charconv>
#include <iostream>
#include <random>
#include <sstream>

#include <boost/asio/ip/address.hpp>
#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "common/ascii.h"

namespace bff::edge {

namespace po = boost::program_options;
using twirp::HttpRequest;
using twirp::HttpResponse;

namespace {

std::optional<std::array<std::uint8_t, 16>> AddressBytes(std::string_view text, bool& is_v4) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  is_v4 = address.is_v4();
  if (is_v4) {
    return boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, address.to_v4()).to_bytes();
  }
  return address.to_v6().to_bytes();
}

template <typename Number>
bool ParseNumber(std::string_view text, Number& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::vector<std::string_view> SplitList(std::string_view text) {
  std::vector<std::string_view> parts;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) parts.push_back(part);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return parts;
}

HttpResponse TooManyRequests(std::chrono::seconds retry_after, std::string_view message) {
  HttpResponse response = ErrorResponse(429, "resource_exhausted", message, NewRequestId());
  response.headers.emplace_back("Retry-After", std::to_string(retry_after.count()));
  return response;
}

}  // namespace

std::optional<Cidr> Cidr::Parse(std::string_view text) {
  const auto slash = text.find('/');
  bool is_v4 = false;
  const auto bytes = AddressBytes(text.substr(0, slash), is_v4);
  if (!bytes) return std::nullopt;
  const int width = is_v4 ? 32 : 128;
  int bits = width;
  if (slash != std::string_view::npos &&
      (!ParseNumber(text.substr(slash + 1), bits) || bits < 0 || bits > width)) {
    return std::nullopt;
  }
  Cidr cidr;
  cidr.bytes = *bytes;
  cidr.prefix_bits = bits + (128 - width);
  return cidr;
}

bool Cidr::Contains(std::string_view address) const {
  bool is_v4 = false;
  const auto peer = AddressBytes(address, is_v4);
  if (!peer) return false;
  for (int bit = 0; bit < prefix_bits; ++bit) {
    const auto byte = static_cast<std::size_t>(bit / 8);
    const int mask = 0x80 >> (bit % 8);
    if (((*peer)[byte] & mask) != (bytes[byte] & mask)) return false;
  }
  return true;
}

std::optional<RateLimit> ParseRateLimit(std::string_view text) {
  if (text == "0") return RateLimit{};
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  RateLimit limit;
  if (!ParseNumber(text.substr(0, colon), limit.per_second) ||
      !ParseNumber(text.substr(colon + 1), limit.burst) || limit.per_second < 0 ||
      limit.burst < 0 || (limit.per_second > 0) != (limit.burst >= 1)) {
    return std::nullopt;
  }
  return limit;
}

void EdgeFlags::AddTo(po::options_description& description) {
  description.add_options()("trusted-proxies", po::value(&trusted_proxies),
                            "CIDR,... of the edge proxies whose X-Country counts (default none)")(
      "rate-limit-token", po::value(&rate_limit_token)->default_value(rate_limit_token),
      "requests per second and burst per bearer token, RPS:BURST (0: no limit)")(
      "rate-limit-address", po::value(&rate_limit_address)->default_value(rate_limit_address),
      "requests per second and burst per client address, RPS:BURST (0: no limit)")(
      "rate-limit-signin", po::value(&rate_limit_signin)->default_value(rate_limit_signin),
      "failed sign-ins per minute per client address (0: no limit)");
}

bool EdgeFlags::Apply(std::string_view name, EdgeOptions& options) const {
  options.trusted_proxies.clear();
  for (const std::string_view part : SplitList(trusted_proxies)) {
    const auto cidr = Cidr::Parse(part);
    if (!cidr) {
      std::cerr << name << ": --trusted-proxies: \"" << part << "\" is not an address or CIDR\n";
      return false;
    }
    options.trusted_proxies.push_back(*cidr);
  }
  const auto token = ParseRateLimit(rate_limit_token);
  const auto address = ParseRateLimit(rate_limit_address);
  if (!token || !address) {
    std::cerr << name << ": --rate-limit-token and --rate-limit-address want RPS:BURST "
              << "(BURST at least 1) or 0\n";
    return false;
  }
  if (rate_limit_signin < 0) {
    std::cerr << name << ": --rate-limit-signin must be 0 or more\n";
    return false;
  }
  options.per_token = *token;
  options.per_address = *address;
  options.failed_signins_per_minute = rate_limit_signin;
  return true;
}

std::vector<std::string> EdgeFlags::Args() const {
  std::vector<std::string> args = {"--rate-limit-token",   rate_limit_token,
                                   "--rate-limit-address", rate_limit_address,
                                   "--rate-limit-signin",  std::to_string(rate_limit_signin)};
  if (!trusted_proxies.empty()) args.insert(args.end(), {"--trusted-proxies", trusted_proxies});
  return args;
}

std::string NewRequestId() {
  // One generator per thread: no lock, and ids of different threads do not
  // repeat each other because each is seeded on its own.
  thread_local std::mt19937_64 generator{std::random_device{}()};
  constexpr std::string_view kHex = "0123456789abcdef";
  std::uint64_t value = generator();
  std::string id(16, '0');
  for (char& c : id) {
    c = kHex[value & 0xf];
    value >>= 4;
  }
  return id;
}

HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message,
                           std::string_view request_id) {
  const nlohmann::json body = {
      {"error", {{"code", code}, {"message", message}, {"requestId", request_id}}}};
  HttpResponse response = HttpResponse::Json(status, body.dump());
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("X-Request-Id", std::string(request_id));
  return response;
}

bool IsInternalHeader(std::string_view name) {
  using domain::EqualsIgnoringAsciiCase;
  return EqualsIgnoringAsciiCase(name, "x-country") ||
         EqualsIgnoringAsciiCase(name, "x-request-id") ||
         EqualsIgnoringAsciiCase(name, "x-degraded") ||
         EqualsIgnoringAsciiCase(name, "twirp-timeout-ms");
}

Edge::Edge(std::string_view name, EdgeOptions options)
    : name_(name),
      options_(std::move(options)),
      per_token_(options_.per_token),
      per_address_(options_.per_address),
      signins_(options_.failed_signins_per_minute > 0
                   ? RateLimit{options_.failed_signins_per_minute / 60.0,
                               static_cast<double>(options_.failed_signins_per_minute)}
                   : RateLimit{}),
      public_cache_control_("public, max-age=" + std::to_string(options_.public_max_age.count())) {}

std::optional<HttpResponse> Edge::Admit(const HttpRequest& request,
                                        std::optional<std::string_view> bearer_token) {
  const auto now = RateLimiter::Clock::now();
  if (auto wait = per_address_.Acquire(request.remote_address, now)) {
    return TooManyRequests(*wait, "too many requests from this address");
  }
  if (bearer_token && !bearer_token->empty()) {
    if (auto wait = per_token_.Acquire(*bearer_token, now)) {
      return TooManyRequests(*wait, "too many requests for this session");
    }
  }
  return std::nullopt;
}

bool Edge::IsTrustedProxy(std::string_view address) const {
  return std::ranges::any_of(options_.trusted_proxies,
                             [&](const Cidr& cidr) { return cidr.Contains(address); });
}

std::optional<HttpRequest> Edge::StripInternalHeaders(const HttpRequest& request) const {
  const auto drop = [&](std::string_view name) {
    if (!IsInternalHeader(name)) return false;
    return !domain::EqualsIgnoringAsciiCase(name, "x-country") ||
           !IsTrustedProxy(request.remote_address);
  };
  bool any = false;
  for (const auto& [name, value] : request.headers) any = any || drop(name);
  if (!any) return std::nullopt;
  HttpRequest stripped = request;
  std::erase_if(stripped.headers, [&](const auto& field) { return drop(field.first); });
  return stripped;
}

std::optional<HttpResponse> Edge::CheckSignIn(const HttpRequest& request) {
  if (auto wait = signins_.Empty(request.remote_address, RateLimiter::Clock::now())) {
    return TooManyRequests(*wait, "too many failed sign-ins from this address");
  }
  return std::nullopt;
}

void Edge::SignInFailed(const HttpRequest& request) {
  signins_.Charge(request.remote_address, RateLimiter::Clock::now());
}

HttpResponse Edge::UpstreamError(int status, std::string_view code, std::string_view message,
                                 std::string_view upstream_detail) const {
  const std::string request_id = NewRequestId();
  // One line, so that the id in the app's error finds it.
  std::ostringstream line;
  line << name_ << ": request " << request_id << ": " << status << " " << code << ": "
       << upstream_detail << "\n";
  std::cerr << line.str() << std::flush;
  return ErrorResponse(status, code, message, request_id);
}

void Edge::SetCacheControl(HttpResponse& response, bool viewer_specific) const {
  response.headers.emplace_back("Cache-Control",
                                viewer_specific ? "private, no-store" : public_cache_control_);
}

}  // namespace bff::edge
