#include "client/connection_pool.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>

#include "client/connection.h"
#include "common/ascii.h"

namespace twirp::internal {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Strand = net::strand<net::any_io_executor>;

constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);

using Connection = TcpConnection;
using Ops = StreamOps<beast::tcp_stream>;

// A caller queued for a connection slot. The releaser hands over either an idle
// connection or, when it closed its own, the right to open one (conn null).
struct Waiter {
  explicit Waiter(const Strand& strand) : timer(strand) {}
  net::steady_timer timer;
  bool granted = false;
  std::unique_ptr<Connection> conn;
};

void Close(Connection& conn) {
  Ops::ShutdownBoth(conn.stream);
  Ops::Close(conn.stream);
}

// A connection back in the pool for less than this is taken without the
// StillUsable check: that check is a syscall per call under load. A server that
// closes a connection this soon after answering, without Connection: close, fails
// a non-idempotent call written to it (Exchange), as Go's net/http does.
constexpr std::chrono::milliseconds kTrustedIdle{1};

// Whether an idle connection can still carry a request: a FIN (server closed
// it while idle) or unsolicited bytes both mean it cannot. Non-blocking peek.
bool StillUsable(Connection& conn) {
  auto& socket = conn.stream.socket();
  if (!socket.is_open()) return false;
  char byte;
  ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

Error WithSocketCause(Error error, const beast::error_code& ec) {
  std::string cause = ec.message();
  return std::move(error)
      .WithMeta("cause", cause)
      .WithCause(std::string(ec.category().name()) + ": " + cause);
}

Error DeadlineError() { return DeadlineExceededError("failed to do request: deadline exceeded"); }
Error CanceledCallError() { return CanceledError("failed to do request: call canceled"); }

// The request line and header block, as Beast's serializer would write the
// message after prepare_payload(): Host first unless the request has one, the
// fields in order, Content-Length last. Written by hand because Beast's
// serializer walks nested buffer-sequence views that cost more CPU per request
// than the rest of the call together (docs/performance.md). The header fields
// must have passed IsSafeHeaderField.
std::string SerializeHead(const TransportRequest& request, std::string_view host_header) {
  std::string head;
  head.reserve(256);
  head.append(request.method).append(" ").append(request.target).append(" HTTP/1.1\r\n");
  if (!request.Header("Host")) head.append("Host: ").append(host_header).append("\r\n");
  for (const auto& [name, value] : request.headers) {
    // The body's length is the transport's (prepare_payload replaces any other).
    if (EqualsIgnoreCase(name, "Content-Length")) continue;
    head.append(name).append(": ").append(value).append("\r\n");
  }
  // prepare_payload: a length for any body, and for an empty one where the
  // method implies a body.
  const std::string_view method = request.method;
  if (!request.body.empty() || method == "POST" || method == "PUT" || method == "OPTIONS") {
    head.append("Content-Length: ").append(std::to_string(request.body.size())).append("\r\n");
  }
  head.append("\r\n");
  return head;
}

class HttpTransport final : public PooledTransport,
                            public std::enable_shared_from_this<HttpTransport> {
 public:
  HttpTransport(const net::any_io_executor& executor, HttpTransportOptions options)
      : strand_(net::make_strand(executor)), options_(std::move(options)), sweeper_(strand_) {
    options_.max_connections = std::max<std::size_t>(options_.max_connections, 1);
  }

  Awaitable<Result<TransportResponse>> RoundTrip(TransportRequest request) override {
    // The caller's cancellation slot reaches the spawned coroutine through co_spawn.
    co_return co_await net::co_spawn(strand_, shared_from_this()->Exchange(std::move(request)),
                                     net::use_awaitable);
  }

  void Shutdown() override {
    net::post(strand_, [self = shared_from_this()] {
      self->shut_down_ = true;
      for (auto& conn : self->idle_) Close(*conn);
      self->open_ -= self->idle_.size();
      self->idle_.clear();
      self->sweeper_.cancel();
    });
  }

 private:
  // Runs on strand_.
  Awaitable<Result<TransportResponse>> Exchange(TransportRequest request) {
    auto self = shared_from_this();  // the pool outlives its calls
    co_await net::this_coro::throw_if_cancelled(false);
    const std::optional<Clock::time_point> deadline = request.deadline;

    // The client checked its own headers, but a request_prepared hook or a
    // caller of the transport may have added some since: none may write a
    // header line or a second request of its own.
    for (const auto& [name, value] : request.headers) {
      if (!IsSafeHeaderField(name, value)) {
        co_return Error(ErrorCode::kInvalidArgument, "invalid header field \"" + name + "\"");
      }
    }
    const std::string head = SerializeHead(request, options_.host_header);
    const std::array<net::const_buffer, 2> message = {net::buffer(head), net::buffer(request.body)};

    if (Canceled(co_await net::this_coro::cancellation_state)) co_return CanceledCallError();
    if (Expired(deadline)) co_return DeadlineError();

    // An idle connection is taken without another coroutine frame: the common
    // case once the pool is warm.
    std::unique_ptr<Connection> conn = TakeIdle();
    if (!conn) {
      Result<std::unique_ptr<Connection>> acquired = co_await Acquire(deadline);
      if (!acquired.ok()) co_return std::move(acquired).error();
      conn = std::move(acquired).value();
    }
    bool reused = conn != nullptr;

    for (;;) {
      if (!conn) {
        Result<std::unique_ptr<Connection>> connected = co_await Connect(deadline);
        if (!connected.ok()) {
          FreeSlot();
          co_return std::move(connected).error();
        }
        conn = std::move(connected).value();
      }
      // Every read and write is bounded by the call's deadline.
      if (deadline) {
        Ops::ExpiresAt(conn->stream, *deadline);
      } else {
        Ops::ExpiresNever(conn->stream);
      }
      Attempt attempt = co_await ExchangeOnce(*conn, message, options_.max_response_bytes);
      if (!attempt.failure) {
        Release(std::move(conn), attempt.keep_alive);
        co_return std::move(attempt.response);
      }
      Close(*conn);
      conn.reset();
      const bool was_canceled = Canceled(co_await net::this_coro::cancellation_state);
      if (reused && MaySendAgain(*attempt.failure, was_canceled, deadline, request.idempotent)) {
        reused = false;  // once only: the next attempt is on a fresh connection
        continue;
      }
      FreeSlot();
      co_return ClassifyFailure(*attempt.failure, was_canceled);
    }
  }

  static bool Canceled(const net::cancellation_state& state) {
    return state.cancelled() != net::cancellation_type::none;
  }
  static bool Expired(const std::optional<Clock::time_point>& deadline) {
    return deadline && Clock::now() >= *deadline;
  }

  // A reused connection that fails before any byte of the response is most
  // likely one the server closed while idle, but a written request may also
  // have run before the server dropped it: only a request that never got out
  // whole, or one of an idempotent method, is sent once more on a fresh
  // connection (keeping this slot). The rule is at the top of client.h.
  static bool MaySendAgain(const Failure& failure, bool was_canceled,
                           const std::optional<Clock::time_point>& deadline, bool idempotent) {
    return !failure.response_started && !was_canceled && failure.ec != beast::error::timeout &&
           !Expired(deadline) && (failure.request_unsent || idempotent);
  }

  // The most recently used idle connection that can still carry a request, or
  // nullptr when there is none; closes the unusable ones it meets.
  std::unique_ptr<Connection> TakeIdle() {
    while (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      const Clock::duration idle_for = Clock::now() - conn->idle_since;
      if (idle_for < options_.idle_timeout && (idle_for < kTrustedIdle || StillUsable(*conn))) {
        return conn;
      }
      Close(*conn);
      --open_;
    }
    return nullptr;
  }

  // An idle connection, or nullptr with a slot reserved for a new one.
  Awaitable<Result<std::unique_ptr<Connection>>> Acquire(
      std::optional<Clock::time_point> deadline) {
    for (;;) {
      if (std::unique_ptr<Connection> conn = TakeIdle()) co_return std::move(conn);
      if (open_ < options_.max_connections) {
        ++open_;
        co_return std::unique_ptr<Connection>();
      }
      Waiter waiter(strand_);
      if (deadline) {
        waiter.timer.expires_at(*deadline);
      } else {
        waiter.timer.expires_at(Clock::time_point::max());
      }
      waiters_.push_back(&waiter);
      co_await waiter.timer.async_wait(kNoThrow);
      if (waiter.granted) co_return std::move(waiter.conn);
      std::erase(waiters_, &waiter);
      auto state = co_await net::this_coro::cancellation_state;
      if (state.cancelled() != net::cancellation_type::none) co_return CanceledCallError();
      if (deadline && Clock::now() >= *deadline) co_return DeadlineError();
    }
  }

  Awaitable<Result<std::unique_ptr<Connection>>> Connect(
      std::optional<Clock::time_point> deadline) {
    tcp::resolver resolver(strand_);
    auto [resolve_ec, endpoints] =
        co_await resolver.async_resolve(options_.host, options_.port, kNoThrow);
    if (resolve_ec) {
      co_return WithSocketCause(UnavailableError("failed to do request: lookup " + options_.host +
                                                 ": " + resolve_ec.message()),
                                resolve_ec);
    }
    auto conn = std::make_unique<Connection>(strand_);
    Clock::time_point connect_deadline = Clock::now() + options_.connect_timeout;
    bool deadline_first = deadline && *deadline <= connect_deadline;
    Ops::ExpiresAt(conn->stream, deadline_first ? *deadline : connect_deadline);
    auto [connect_ec, endpoint] = co_await conn->stream.async_connect(endpoints, kNoThrow);
    if (connect_ec) {
      auto state = co_await net::this_coro::cancellation_state;
      if (state.cancelled() != net::cancellation_type::none) {
        co_return WithSocketCause(CanceledCallError(), connect_ec);
      }
      if (connect_ec == beast::error::timeout) {
        if (deadline_first) co_return WithSocketCause(DeadlineError(), connect_ec);
        co_return WithSocketCause(UnavailableError("failed to do request: connect to " +
                                                   options_.host_header + ": timed out"),
                                  connect_ec);
      }
      co_return WithSocketCause(
          UnavailableError("failed to do request: connect to " + options_.host_header + ": " +
                           connect_ec.message()),
          connect_ec);
    }
    beast::error_code ignored;
    conn->stream.socket().set_option(tcp::no_delay(true), ignored);
    co_return std::move(conn);
  }

  // Returns a connection after a successful exchange.
  void Release(std::unique_ptr<Connection> conn, bool keep_alive) {
    if (!keep_alive || shut_down_) {
      Close(*conn);
      FreeSlot();
      return;
    }
    if (!waiters_.empty()) {
      Grant(std::move(conn));
      return;
    }
    conn->idle_since = Clock::now();
    idle_.push_back(std::move(conn));
    StartSweeper();
  }

  // A slot's connection was closed (or never opened): a waiter may open one.
  void FreeSlot() {
    if (!waiters_.empty() && !shut_down_) {
      Grant(nullptr);
    } else {
      --open_;
    }
  }

  void Grant(std::unique_ptr<Connection> conn) {
    Waiter* waiter = waiters_.front();
    waiters_.pop_front();
    waiter->granted = true;
    waiter->conn = std::move(conn);
    waiter->timer.cancel();
  }

  void StartSweeper() {
    if (sweeping_ || shut_down_) return;
    sweeping_ = true;
    net::co_spawn(strand_, Sweep(shared_from_this()), net::detached);
  }

  // Closes connections idle for idle_timeout. idle_ is ordered oldest first.
  static Awaitable<void> Sweep(std::shared_ptr<HttpTransport> self) {
    while (!self->idle_.empty() && !self->shut_down_) {
      self->sweeper_.expires_at(self->idle_.front()->idle_since + self->options_.idle_timeout);
      co_await self->sweeper_.async_wait(kNoThrow);
      Clock::time_point now = Clock::now();
      while (!self->idle_.empty() && !self->shut_down_ &&
             now - self->idle_.front()->idle_since >= self->options_.idle_timeout) {
        Close(*self->idle_.front());
        self->idle_.erase(self->idle_.begin());
        self->FreeSlot();
      }
    }
    self->sweeping_ = false;
  }

  Strand strand_;
  HttpTransportOptions options_;
  std::vector<std::unique_ptr<Connection>> idle_;  // oldest first
  std::size_t open_ = 0;                           // connecting, busy and idle
  std::deque<Waiter*> waiters_;
  net::steady_timer sweeper_;
  bool sweeping_ = false;
  bool shut_down_ = false;
};

}  // namespace

Error ClassifyFailure(const Failure& failure, bool was_canceled) {
  const auto& ec = failure.ec;
  if (was_canceled) return WithSocketCause(CanceledCallError(), ec);
  if (ec == beast::error::timeout) return WithSocketCause(DeadlineError(), ec);
  if (ec == http::error::body_limit || ec == http::error::header_limit) {
    return WithSocketCause(
        InternalError("failed to read response: response larger than max_response_bytes"), ec);
  }
  if (!failure.response_started) {
    // The connection dropped before the server said anything: unavailable, a
    // retry may succeed (Go: internal "failed to do request").
    return WithSocketCause(UnavailableError(std::string("failed to do request: ") + failure.phase +
                                            ": " + ec.message()),
                           ec);
  }
  return WithSocketCause(InternalError("failed to read response: " + ec.message()), ec);
}

// The pool's connections: compiled here once.
template Awaitable<Attempt> ExchangeOnce(TcpConnection& conn,
                                         const std::array<net::const_buffer, 2>& message,
                                         std::size_t max_response_bytes);

std::shared_ptr<PooledTransport> MakeHttpTransport(const boost::asio::any_io_executor& executor,
                                                   HttpTransportOptions options) {
  return std::make_shared<HttpTransport>(executor, std::move(options));
}

}  // namespace twirp::internal
