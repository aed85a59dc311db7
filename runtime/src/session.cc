#include "session.h"

#include <algorithm>
#include <array>
#include <limits>
#include <sstream>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "go_quote.h"

namespace twirp::internal {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kReadChunk = 16 * 1024;
// How long, and how much, a closing connection keeps discarding client input.
constexpr std::chrono::milliseconds kMaxLinger{1000};
constexpr std::size_t kMaxLingerBytes = 4 * 1024 * 1024;

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return beast::iequals(a, b);
}

}  // namespace

Session::Session(ServerCore& core, asio::ip::tcp::socket socket)
    : core_(core), stream_(std::move(socket)) {
  core_.metrics.ConnectionOpened();
}

Session::~Session() {
  core_.metrics.ConnectionClosed();
  core_.SessionEnded(this);
}

void Session::Start() {
  core_.SessionStarted(this, weak_from_this());
  asio::co_spawn(
      stream_.get_executor(), [self = shared_from_this()] { return self->Run(); }, asio::detached);
}

void Session::RequestShutdown() {
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    // A busy session sees core_.stopping when it writes its response.
    if (self->idle_) self->stream_.cancel();
  });
}

void Session::Close() {
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->stream_.socket().close(ec);
  });
}

asio::awaitable<void> Session::Run() {
  try {
    bool first = true;
    while (co_await AwaitRequestStart(first)) {
      first = false;
      if (!co_await ReadRequest()) break;
      if (!co_await HandleRequest(request_start_)) break;
    }
  } catch (...) {
    // Nothing a client sends may take the server down: drop the connection.
  }
  beast::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream_.socket().close(ec);
}

asio::awaitable<bool> Session::AwaitRequestStart(bool first) {
  if (buffer_.size() > 0) co_return true;  // a pipelined request is already here
  if (core_.stopping.load()) co_return false;
  idle_ = true;
  // A new connection must start its request as promptly as it must finish the
  // headers; a kept-alive one may wait idle_timeout for the next.
  stream_.expires_after(first ? core_.options.header_timeout : core_.options.idle_timeout);
  auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), kUseTuple);
  idle_ = false;
  if (ec) co_return false;
  buffer_.commit(n);
  co_return true;
}

asio::awaitable<bool> Session::ReadRequest() {
  const ServerOptions& options = core_.options;
  force_close_ = false;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  parser_->body_limit(options.max_body_bytes);

  stream_.expires_after(options.header_timeout);
  auto [header_ec, header_n] = co_await http::async_read_header(stream_, buffer_, *parser_, kUseTuple);
  request_start_ = std::chrono::steady_clock::now();
  if (header_ec) {
    co_await FailRead(header_ec);
    co_return false;
  }
  if (!parser_->is_done()) {
    if (const auto expect = parser_->get()[http::field::expect]; EqualsNoCase(expect, "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      stream_.expires_after(options.write_timeout);
      auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()), kUseTuple);
      if (ec) co_return false;
    }
    stream_.expires_after(options.body_timeout);
    auto [body_ec, body_n] = co_await http::async_read(stream_, buffer_, *parser_, kUseTuple);
    if (body_ec) {
      co_await FailRead(body_ec);
      co_return false;
    }
  }
  co_return true;
}

asio::awaitable<void> Session::FailRead(beast::error_code ec) {
  // The client went away or was too slow: there is no one to answer.
  if (ec.category() != http::make_error_code(http::error::end_of_stream).category() ||
      ec == http::error::end_of_stream || ec == http::error::partial_message) {
    co_return;
  }
  const ServerOptions& options = core_.options;
  std::string msg;
  if (ec == http::error::body_limit) {
    msg = "request body exceeds the limit of " + std::to_string(options.max_body_bytes) + " bytes";
  } else if (ec == http::error::header_limit) {
    msg = "request header fields exceed the limit of " + std::to_string(options.max_header_bytes) +
          " bytes";
  } else {
    msg = "malformed HTTP request: " + ec.message();
  }
  co_await WriteTransportError(MalformedError(std::move(msg)));
  co_await LingeringClose();
}

asio::awaitable<bool> Session::HandleRequest(std::chrono::steady_clock::time_point start) {
  const HttpRequest& request = parser_->get();
  const std::optional<std::string> path = Router::DecodePath(request.target());
  const MetricsOptions& metrics = core_.options.metrics;
  if (metrics.enabled && path && *path == metrics.path && request.method() == http::verb::get) {
    co_await WriteResponse(200, "text/plain; version=0.0.4; charset=utf-8", core_.metrics.Render(), {});
    co_return keep_alive_;
  }
  if (!path) {
    co_await WriteTransportError(
        MalformedError("invalid request target " + GoQuote(request.target())));
    co_return false;
  }
  RequestCall call(core_, *this, request, *path, start, stream_.get_executor());
  co_await call.Run();
  co_return keep_alive_;
}

asio::awaitable<void> Session::WriteTransportError(Error error) {
  force_close_ = true;
  core_.metrics.Record(*core_.metrics.unrouted(), error.code(),
                       std::chrono::steady_clock::now() - request_start_);
  co_await WriteResponse(HttpStatus(error.code()), ContentType(Encoding::kJson), error.ToJson(), {});
}

asio::awaitable<void> Session::LingeringClose() {
  beast::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream_.expires_after(std::min(kMaxLinger, core_.options.header_timeout));
  std::array<char, 16 * 1024> discard;
  std::size_t total = 0;
  while (total < kMaxLingerBytes) {
    auto [read_ec, n] = co_await stream_.async_read_some(asio::buffer(discard), kUseTuple);
    if (read_ec) break;
    total += n;
  }
  stream_.socket().close(ec);
}

Awaitable<WriteOutcome> Session::WriteResponse(int status, std::string_view content_type,
                                               std::string body,
                                               const Context::HeaderList& headers) {
  const bool header_done = parser_ && parser_->is_header_done();
  http::response<http::string_body> response;
  response.version(header_done ? parser_->get().version() : 11);
  response.result(static_cast<unsigned>(status));
  for (const auto& [name, value] : headers) {
    // Framing is the server's: these would contradict the response's own.
    if (EqualsNoCase(name, "Connection") || EqualsNoCase(name, "Transfer-Encoding")) continue;
    response.insert(name, value);
  }
  response.set(http::field::content_type, content_type);
  response.body() = std::move(body);
  response.content_length(response.body().size());
  keep_alive_ = !force_close_ && header_done && parser_->get().keep_alive() && !core_.stopping.load();
  response.keep_alive(keep_alive_);

  stream_.expires_after(core_.options.write_timeout);
  auto [ec, written] = co_await http::async_write(stream_, response, kUseTuple);
  WriteOutcome outcome;
  if (ec) {
    keep_alive_ = false;
    outcome.error = ec;
    std::ostringstream header;
    header << response.base();
    const std::size_t header_size = header.str().size();
    outcome.body_bytes_written = written > header_size ? written - header_size : 0;
  }
  co_return outcome;
}

}  // namespace twirp::internal
