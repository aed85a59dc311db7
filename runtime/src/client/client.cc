#include "twirpcpp/client.h"

#include <algorithm>
#include <charconv>
#include <exception>
#include <thread>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/system/system_error.hpp>

#include "client/circuit_breaker.h"
#include "client/connection_pool.h"
#include "client/error_decoding.h"
#include "codec/message_codec.h"
#include "common/ascii.h"
#include "common/context_access.h"
#include "common/message_types.h"
#include "common/timeout_header.h"
#include "twirpcpp/detail/method_names.h"
#include "twirpcpp/version.h"

namespace twirp {
namespace {

using detail::ContextAccess;
using internal::EqualsIgnoreCase;

namespace net = boost::asio;

constexpr std::string_view kUserAgent = "twirpcpp/" TWIRPCPP_VERSION_STRING;
constexpr std::string_view kTwirpVersion = "v8.1.3";

std::optional<std::string_view> FindHeader(
    const std::vector<std::pair<std::string, std::string>>& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

// Header names the framework sets. Go refuses the first three (§6.2); the
// transport computes Content-Length from the body.
Result<void> CheckUserHeaders(const std::vector<std::pair<std::string, std::string>>& headers) {
  for (const auto& [name, value] : headers) {
    for (std::string_view reserved :
         {"Accept", "Content-Type", "Twirp-Version", "Content-Length"}) {
      if (EqualsIgnoreCase(name, reserved)) {
        return Error(ErrorCode::kInvalidArgument,
                     "provided header cannot set " + std::string(reserved));
      }
    }
    // Nothing may inject header lines.
    if (!internal::IsSafeHeaderField(name, value)) {
      return Error(ErrorCode::kInvalidArgument, "invalid header field \"" + name + "\"");
    }
  }
  return Ok();
}

// path.Clean of an absolute path, as Go's path.Join("/", prefix) does (§1.11):
// "twirp", "/twirp/", "//twirp" -> "/twirp"; "" and "/" -> "" (no prefix).
std::string NormalizePrefix(std::string_view prefix) {
  std::vector<std::string_view> parts;
  std::size_t pos = 0;
  while (pos <= prefix.size()) {
    std::size_t slash = prefix.find('/', pos);
    if (slash == std::string_view::npos) slash = prefix.size();
    std::string_view part = prefix.substr(pos, slash - pos);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    pos = slash + 1;
  }
  std::string out;
  for (std::string_view part : parts) {
    out += '/';
    out += part;
  }
  return out;
}

struct BaseUrl {
  std::string host;  // without brackets
  std::string port;
  std::string host_header;  // authority as given
  std::string path;         // without trailing '/'
  std::string url;          // normalised, for display
};

Result<BaseUrl> ParseBaseUrl(std::string_view url) {
  auto invalid = [&](std::string_view why) {
    return Error(ErrorCode::kInvalidArgument,
                 "invalid base URL \"" + std::string(url) + "\": " + std::string(why));
  };
  std::string_view rest = url;
  if (std::size_t scheme_end = rest.find("://"); scheme_end != std::string_view::npos) {
    std::string_view scheme = rest.substr(0, scheme_end);
    if (EqualsIgnoreCase(scheme, "https")) {
      return invalid("https is not supported (only http://); terminate TLS in a proxy");
    }
    if (!EqualsIgnoreCase(scheme, "http")) return invalid("only http:// is supported");
    rest.remove_prefix(scheme_end + 3);
  }
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return invalid("a query or fragment is not allowed");
  }
  std::size_t path_start = rest.find('/');
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path = path_start == std::string_view::npos ? "" : rest.substr(path_start);
  if (authority.empty()) return invalid("no host");
  if (authority.find('@') != std::string_view::npos) return invalid("user info is not supported");

  BaseUrl out;
  std::string_view host = authority;
  std::string_view port;
  if (authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return invalid("unterminated IPv6 address");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return invalid("bad port");
      port = after.substr(1);
    }
  } else if (std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return invalid("no host");
  unsigned port_number = 80;
  if (!port.empty()) {
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), port_number);
    if (ec != std::errc() || end != port.data() + port.size() || port_number == 0 ||
        port_number > 65535) {
      return invalid("bad port");
    }
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);  // unlike Go (§1.12)
  out.host = std::string(host);
  out.port = std::to_string(port_number);
  out.host_header = std::string(authority);
  out.path = std::string(path);
  out.url = "http://" + out.host_header + out.path;
  return out;
}

// §5.14: the server learns what is left of the deadline, rounded down; under
// 1 ms left the call is as good as expired and fails before it is sent.
Result<void> AddTimeoutHeader(TransportRequest& request,
                              const std::optional<Clock::time_point>& deadline) {
  if (!deadline) return Ok();
  std::optional<std::string> timeout = internal::TimeoutHeaderValue(*deadline - Clock::now());
  if (!timeout) return DeadlineExceededError("failed to do request: deadline exceeded");
  // A value the caller set on purpose stays.
  if (!request.Header(internal::kTimeoutHeader)) {
    request.headers.emplace_back(internal::kTimeoutHeader, std::move(*timeout));
  }
  return Ok();
}

struct OwnedLoop {
  net::io_context io{1};
  net::executor_work_guard<net::io_context::executor_type> guard{io.get_executor()};
  std::thread thread;
};

}  // namespace

std::optional<std::string_view> TransportRequest::Header(std::string_view name) const {
  return FindHeader(headers, name);
}

std::optional<std::string_view> TransportResponse::Header(std::string_view name) const {
  return FindHeader(headers, name);
}

struct Client::Impl {
  ClientOptions options;
  BaseUrl url;
  std::string prefix;  // normalised
  std::unique_ptr<OwnedLoop> loop;
  net::any_io_executor executor;
  std::shared_ptr<Transport> transport;
  std::shared_ptr<internal::PooledTransport> pool;    // when transport is ours
  Interceptor interceptor;                            // the chain of options.interceptors
  internal::JsonTypes json_types;                     // filled by the first JSON call of each type
  std::unique_ptr<internal::CircuitBreaker> breaker;  // when options.circuit_breaker

  Awaitable<Result<void>> Send(Context& ctx, const google::protobuf::Message& request,
                               google::protobuf::Message& response, CallOptions& call,
                               std::string path, bool idempotent);
  // The round trip, through the breaker when there is one; a non-200 answer is
  // the error it means. Fills `response_headers` when the server answered.
  Awaitable<Result<TransportResponse>> Exchange(
      TransportRequest request, std::vector<std::pair<std::string, std::string>>* response_headers);
};

Result<std::shared_ptr<Client>> Client::Create(std::string_view base_url, ClientOptions options) {
  auto loop = std::make_unique<OwnedLoop>();
  net::any_io_executor executor = loop->io.get_executor();
  Result<std::shared_ptr<Client>> client = Create(executor, base_url, std::move(options));
  if (!client.ok()) return client;
  OwnedLoop* raw = loop.get();
  raw->thread = std::thread([raw] { raw->io.run(); });
  (*client)->impl_->loop = std::move(loop);
  return client;
}

Result<std::shared_ptr<Client>> Client::Create(boost::asio::any_io_executor executor,
                                               std::string_view base_url, ClientOptions options) {
  Result<BaseUrl> url = ParseBaseUrl(base_url);
  if (!url.ok()) return std::move(url).error();
  if (Result<void> checked = CheckUserHeaders(options.headers); !checked.ok()) {
    return std::move(checked).error();
  }
  auto impl = std::make_unique<Impl>();
  impl->url = std::move(url).value();
  impl->prefix = NormalizePrefix(options.prefix);
  impl->executor = std::move(executor);
  impl->interceptor = ChainInterceptors(options.interceptors);
  if (options.transport) {
    impl->transport = options.transport;
  } else {
    internal::HttpTransportOptions pool_options;
    pool_options.host = impl->url.host;
    pool_options.port = impl->url.port;
    pool_options.host_header = impl->url.host_header;
    pool_options.max_connections = options.max_connections;
    pool_options.connect_timeout = options.connect_timeout;
    pool_options.max_response_bytes = options.max_response_bytes;
    pool_options.idle_timeout = options.idle_timeout;
    impl->pool = internal::MakeHttpTransport(impl->executor, std::move(pool_options));
    impl->transport = impl->pool;
  }
  if (options.circuit_breaker) {
    impl->breaker = std::make_unique<internal::CircuitBreaker>(*options.circuit_breaker);
  }
  impl->options = std::move(options);
  return std::shared_ptr<Client>(new Client(std::move(impl)));
}

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Client::~Client() {
  if (impl_->pool) impl_->pool->Shutdown();
  if (impl_->loop) {
    // Run until the pool's pending work (the shutdown, closing sockets) is done.
    impl_->loop->guard.reset();
    if (impl_->loop->thread.get_id() == std::this_thread::get_id()) {
      // Destroyed from its own loop thread (a continuation dropped the last
      // reference): it cannot join itself; stop and let the thread finish alone.
      impl_->loop->io.stop();
      impl_->loop->thread.detach();
      (void)impl_->loop.release();  // still in use by the running thread
      return;
    }
    impl_->loop->thread.join();
  }
}

const ClientOptions& Client::options() const { return impl_->options; }
const std::string& Client::base_url() const { return impl_->url.url; }
const boost::asio::any_io_executor& Client::executor() const { return impl_->executor; }

std::string Client::Path(const detail::MethodNames& method) const {
  bool literal = impl_->options.literal_urls;
  std::string path = impl_->url.path + impl_->prefix + "/";
  if (!method.package.empty()) {
    path += method.package;
    path += '.';
  }
  path += literal ? method.service : method.service_camel;
  path += '/';
  path += literal ? method.method : method.method_camel;
  return path;
}

Awaitable<Result<void>> Client::Call(const detail::MethodNames& method,
                                     const google::protobuf::Message& request,
                                     google::protobuf::Message& response, CallOptions options) {
  Impl& impl = *impl_;
  if (!options.deadline && impl.options.default_timeout) {
    options.deadline = Clock::now() + *impl.options.default_timeout;
  }
  Context ctx;
  ContextAccess::SetNames(ctx, method.package, method.service_camel);
  ContextAccess::SetMethodName(ctx, method.method_camel);
  ContextAccess::SetDeadline(ctx, options.deadline);
  ContextAccess::SetExecutor(ctx, co_await net::this_coro::executor);
  std::string path = Path(method);

  const google::protobuf::Descriptor* request_type = request.GetDescriptor();
  const google::protobuf::Descriptor* response_type = response.GetDescriptor();
  // The innermost stage: hooks, encode, round trip, decode (Go's call<Method>).
  Method send = [&](Context& c, const google::protobuf::Message& req,
                    google::protobuf::Message& resp) -> Awaitable<Result<void>> {
    if (Result<void> typed = internal::CheckMessageTypes(req, request_type, resp, response_type);
        !typed.ok()) {
      co_return typed;
    }
    co_return co_await impl.Send(c, req, resp, options, path, method.idempotent);
  };
  if (!impl.interceptor) co_return co_await send(ctx, request, response);
  co_return co_await impl.interceptor(ctx, request, response, send);
}

Awaitable<Result<void>> Client::Impl::Send(Context& ctx, const google::protobuf::Message& request,
                                           google::protobuf::Message& response, CallOptions& call,
                                           std::string path, bool idempotent) {
  auto fail = [&](Error error) {
    if (options.hooks.error) options.hooks.error(ctx, error);
    return error;
  };
  const bool json = options.encoding == Encoding::kJson;

  if (Result<void> checked = CheckUserHeaders(call.headers); !checked.ok()) {
    co_return fail(std::move(checked).error());
  }
  Result<std::string> body =
      internal::Encode(request, options.encoding, kClientJsonWriteOptions, &json_types);
  if (!body.ok()) {
    co_return fail(InternalError(std::string("failed to marshal ") + (json ? "json" : "proto") +
                                 " request: " + body.error().msg()));
  }

  TransportRequest http_request;
  http_request.target = std::move(path);
  http_request.deadline = call.deadline;
  http_request.idempotent = idempotent;
  const std::string_view content_type = ContentType(options.encoding);
  // Built in place: an initializer list would copy every string once more.
  http_request.headers.reserve(6 + options.headers.size() + call.headers.size());
  http_request.headers.emplace_back("Host", url.host_header);
  http_request.headers.emplace_back("User-Agent", kUserAgent);
  http_request.headers.emplace_back("Content-Type", content_type);
  http_request.headers.emplace_back("Accept", content_type);
  http_request.headers.emplace_back("Twirp-Version", kTwirpVersion);
  // A user's Host (virtual hosting behind a proxy) or User-Agent replaces ours.
  auto add_user_headers = [&](const std::vector<std::pair<std::string, std::string>>& headers) {
    for (const auto& header : headers) {
      if (EqualsIgnoreCase(header.first, "Host")) {
        http_request.headers[0].second = header.second;
      } else if (EqualsIgnoreCase(header.first, "User-Agent")) {
        http_request.headers[1].second = header.second;
      } else {
        http_request.headers.push_back(header);
      }
    }
  };
  add_user_headers(options.headers);
  add_user_headers(call.headers);
  http_request.body = std::move(body).value();

  if (options.hooks.request_prepared) {
    if (Result<void> prepared = options.hooks.request_prepared(ctx, http_request); !prepared.ok()) {
      co_return fail(std::move(prepared).error());
    }
  }
  if (Result<void> timed = AddTimeoutHeader(http_request, call.deadline); !timed.ok()) {
    co_return fail(std::move(timed).error());
  }

  Result<TransportResponse> exchanged =
      co_await Exchange(std::move(http_request), call.response_headers);
  if (!exchanged.ok()) co_return fail(std::move(exchanged).error());
  TransportResponse& http_response = exchanged.value();
  // §6.4, §6.15: decoded with the client's codec whatever the Content-Type.
  if (Result<void> decoded =
          internal::Decode(http_response.body, options.encoding, response, &json_types);
      !decoded.ok()) {
    co_return fail(InternalError(std::string("failed to unmarshal ") + (json ? "json" : "proto") +
                                 " response: " + decoded.error().msg()));
  }
  if (options.hooks.response_received) options.hooks.response_received(ctx);
  co_return Ok();
}

Awaitable<Result<TransportResponse>> Client::Impl::Exchange(
    TransportRequest request, std::vector<std::pair<std::string, std::string>>* response_headers) {
  using Outcome = internal::CircuitBreaker::Outcome;
  internal::CircuitBreaker::Ticket ticket;
  if (breaker) {
    ticket = breaker->Admit();
    if (!ticket.admitted) {
      co_return UnavailableError("failed to do request: circuit breaker is open")
          .WithMeta("circuit_breaker", "open");
    }
  }
  auto record = [&](Outcome outcome) {
    if (breaker) breaker->Record(ticket, outcome);
  };

  Result<TransportResponse> round_trip = InternalError("transport did not answer");
  try {
    round_trip = co_await transport->RoundTrip(std::move(request));
  } catch (const boost::system::system_error& e) {
    record(Outcome::kIgnored);
    // The caller's coroutine was cancelled before or while the transport ran.
    if (e.code() == net::error::operation_aborted) {
      co_return CanceledError("failed to do request: call canceled").WithCause(e.what());
    }
    co_return InternalError(std::string("failed to do request: ") + e.what());
  } catch (const std::exception& e) {
    record(Outcome::kIgnored);
    co_return InternalError(std::string("failed to do request: ") + e.what());
  }
  if (!round_trip.ok()) {
    const ErrorCode code = round_trip.error().code();
    record(code == ErrorCode::kUnavailable || code == ErrorCode::kDeadlineExceeded
               ? Outcome::kFailure
               : Outcome::kIgnored);
    co_return round_trip;
  }
  if (response_headers) *response_headers = round_trip->headers;
  if (round_trip->status != 200) {
    // §6.3-6.12: redirects are not followed; every non-200 is an error.
    // "" reason: Go quotes net/http's StatusText, not the phrase received.
    Error error = internal::ErrorFromHttpResponse(round_trip->status, "", round_trip->body,
                                                  round_trip->Header("Location").value_or(""));
    // A Twirp error, even unavailable, is the upstream answering (a tier may say
    // unavailable about its own upstream: counting it would open this breaker on a
    // healthy service); a proxy's bare 502/503/504 says the upstream is not there.
    const bool from_proxy = error.code() == ErrorCode::kUnavailable &&
                            error.meta("http_error_from_intermediary") == "true";
    record(from_proxy ? Outcome::kFailure : Outcome::kSuccess);
    co_return error;
  }
  record(Outcome::kSuccess);
  co_return round_trip;
}

Result<void> Client::CallBlocking(const detail::MethodNames& method,
                                  const google::protobuf::Message& request,
                                  google::protobuf::Message& response, CallOptions options) {
  try {
    return net::co_spawn(impl_->executor, Call(method, request, response, std::move(options)),
                         net::use_future)
        .get();
  } catch (const std::exception& e) {
    return InternalError(std::string("client call failed: ") + e.what());
  }
}

}  // namespace twirp
