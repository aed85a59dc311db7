// The Twirp client runtime: a pooled HTTP/1.1 client that generated clients call
// through. One twirp::Client per base URL; many generated clients may share it.
//
// Generated clients (<Service>Client) wrap a shared twirp::Client; users create
// the Client, set its options, and call through the generated code.
//
// Failures a call reports besides the server's own Twirp errors (wire-protocol.md §6):
//   unavailable        connection refused, DNS failure, connect timeout, or the
//                      connection dropped before any byte of the response arrived
//                      (Go says internal "failed to do request"; a retry may succeed,
//                      so we say unavailable). Meta `cause` holds the socket error.
//   deadline_exceeded  the call's deadline passed (Go: internal, §6.14).
//   canceled           the call was cancelled through Asio's cancellation slot
//                      (Go: internal "aborted because context was done").
//   internal           everything else: a response cut off after its first byte, a
//                      malformed or oversized response (max_response_bytes), an
//                      undecodable 200 body (§6.15), a failed hook.
//   invalid_argument   a CallOptions header the framework owns (§6.2).
//
// A request is sent at most once, as Go's net/http never sends a POST again once
// it has written it, except:
//   - when it provably never reached the server: the pooled connection was seen
//     closed before the write (a FIN on the idle socket), or the write itself
//     failed before the whole request was out. It goes once on a fresh connection.
//   - when its method is idempotent in the proto (option idempotency_level =
//     NO_SIDE_EFFECTS or IDEMPOTENT) and a reused connection dropped before any byte
//     of the response: it is sent once more on a fresh connection (unlike Go,
//     docs/differences.md).
// Otherwise a connection that drops after the request was written fails the call
// with unavailable, whether or not the server ran the handler: the caller, who
// knows what the call does, decides whether to try again.
//
// Circuit breaker (opt in: ClientOptions::circuit_breaker). One Client talks to
// one upstream, so its breaker is that upstream's. It counts, among calls that
// reached the round trip:
//   failures   unavailable or deadline_exceeded from the transport (refused,
//              connect timeout, dropped, the call's deadline passed while waiting
//              for a connection or an answer), and a bare HTTP 502/503/504 (not
//              a Twirp error: a proxy saying the upstream is not there).
//   successes  every other answer from the server, Twirp errors included: a
//              not_found proves the upstream is alive, and so does its own
//              unavailable, which a tier says about an upstream of its own
//              (counting that would open the breaker on a healthy service).
//   neither    the caller's cancellation, a response cut off or too large, and
//              whatever fails before sending (a refused header, a failed hook,
//              a deadline already passed): they say nothing about the upstream.
// After failure_threshold failures in a row it opens: for open_duration every
// call fails at once with unavailable, meta circuit_breaker=open, with no
// connection attempt and no wait (hooks.error still runs). Then it is half-open:
// one call at a time goes through as a probe (the others still fail at once);
// a success closes it, a failure opens it for another open_duration. A probe
// still out after a whole open_duration is given up on and another may start.
// Closed, it costs an atomic load or two per call: no lock, no allocation.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "twirpcpp/awaitable.h"
#include "twirpcpp/codec.h"
#include "twirpcpp/context.h"
#include "twirpcpp/hooks.h"
#include "twirpcpp/interceptor.h"
#include "twirpcpp/result.h"
#include "twirpcpp/transport.h"

namespace twirp {

namespace detail {
struct MethodNames;
class ClientAccess;
}  // namespace detail

// Options for one call.
struct CallOptions {
  // The call fails with deadline_exceeded when it has not completed by then. The
  // server is told the milliseconds left (Twirp-Timeout-Ms, wire-protocol.md §5.14).
  std::optional<Clock::time_point> deadline;
  // Extra request headers for this call (Accept, Content-Type and Twirp-Version
  // are the framework's and are refused).
  std::vector<std::pair<std::string, std::string>> headers;
  // If set, receives the response's header fields (success or error).
  std::vector<std::pair<std::string, std::string>>* response_headers = nullptr;

  // Options that carry a server request's deadline on to a downstream call.
  static CallOptions From(const Context& ctx) {
    CallOptions options;
    options.deadline = ctx.deadline();
    return options;
  }
  CallOptions& WithTimeout(std::chrono::milliseconds timeout) {
    deadline = Clock::now() + timeout;
    return *this;
  }
};

// See "Circuit breaker" at the top of this file.
struct CircuitBreakerOptions {
  // Failures in a row that open the breaker (at least 1).
  int failure_threshold = 5;
  // How long it stays open before one probe call is let through.
  std::chrono::milliseconds open_duration{1'000};
};

struct ClientOptions {
  Encoding encoding = Encoding::kProtobuf;
  // Normalised as Go does: "twirp", "/twirp/" -> "/twirp"; "" for none.
  std::string prefix = "/twirp";
  // Send literal proto names instead of Go CamelCase (WithClientLiteralURLs).
  bool literal_urls = false;

  // Open connections to the server at most; further callers wait for one to be
  // free rather than open more (the wait counts against their deadline).
  std::size_t max_connections = 64;
  // Establishing one connection (resolve + connect), also bounded by the deadline.
  std::chrono::milliseconds connect_timeout{10'000};
  // Deadline of calls whose CallOptions set none; nullopt waits forever.
  std::optional<std::chrono::milliseconds> default_timeout;
  // A larger response (header or body) fails the call with internal and closes
  // the connection.
  std::size_t max_response_bytes = 64 * 1024 * 1024;
  // A pooled connection unused this long is closed (Go's IdleConnTimeout).
  std::chrono::milliseconds idle_timeout{90'000};
  // Sent with every request (Go's WithHTTPRequestHeaders); Accept, Content-Type,
  // Twirp-Version and Content-Length are refused at creation.
  std::vector<std::pair<std::string, std::string>> headers;
  // nullopt: no breaker; every call goes to the transport.
  std::optional<CircuitBreakerOptions> circuit_breaker;

  ClientHooks hooks;
  // Wrap the whole call, hooks included; the first is outermost (§5.7, §6.16).
  // The Context carries package, CamelCase service and method names, deadline
  // and the caller's executor.
  std::vector<Interceptor> interceptors;

  // null: the built-in connection pool. Pool options above are then unused.
  std::shared_ptr<Transport> transport;
};

class Client {
 public:
  // A client for `base_url` ("http://host:port", "host:port", "http://host/base/"):
  // http:// is added when there is no scheme; a trailing '/' is dropped (unlike
  // Go, §1.12, which would send "//twirp"). https and other schemes are refused
  // (invalid_argument): terminate TLS in a proxy. Runs on an io_context with one
  // thread that the client owns.
  static Result<std::shared_ptr<Client>> Create(std::string_view base_url,
                                                ClientOptions options = {});
  // The same, running on `executor` (e.g. a server handler's ctx.executor()).
  // The pool serializes its work on a strand of it.
  static Result<std::shared_ptr<Client>> Create(boost::asio::any_io_executor executor,
                                                std::string_view base_url,
                                                ClientOptions options = {});

  // Closes idle connections; with an owned io_context, stops its thread. Calls
  // still in flight must have finished.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const ClientOptions& options() const;
  // "http://host:port/base" without a trailing slash.
  const std::string& base_url() const;
  const boost::asio::any_io_executor& executor() const;

 private:
  // Generated clients call through detail::ClientAccess (twirpcpp/detail/client_call.h).
  friend class detail::ClientAccess;

  // The URL path a method is posted to: <base path><prefix>/<pkg>.<Service>/<Method>.
  std::string Path(const detail::MethodNames& method) const;
  // Runs one call: interceptors, hooks, encode, round trip, decode into `response`.
  // `request`, `response`, `method` must outlive the returned awaitable.
  Awaitable<Result<void>> Call(const detail::MethodNames& method,
                               const google::protobuf::Message& request,
                               google::protobuf::Message& response, CallOptions options);
  // Call() co_spawned on executor() and waited for. Never call it from a thread
  // running executor() (with an owned io_context, its only thread): it would wait
  // for itself.
  Result<void> CallBlocking(const detail::MethodNames& method,
                            const google::protobuf::Message& request,
                            google::protobuf::Message& response, CallOptions options);

  struct Impl;
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace twirp
