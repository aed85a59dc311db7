#include "server/session.h"

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>

#include "codec/go_text.h"
#include "common/ascii.h"
#include "server/plain_call.h"

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

// Why the header of `request` cannot be framed safely, or null when it can.
// Beast only honours a Transfer-Encoding whose last coding is "chunked" and
// otherwise reads a request without Content-Length as bodiless, so anything
// else (another coding, a list, a Transfer-Encoding beside Content-Length) could
// leave a body on the connection to be read as the next request: a proxy in
// front may frame the same bytes differently (docs/wire-protocol.md §5.15).
const char* CheckFraming(const BeastRequest& request) {
  if (const auto te = request.find(http::field::transfer_encoding); te != request.end()) {
    if (!EqualsIgnoreCase(te->value(), "chunked") ||
        request.count(http::field::transfer_encoding) != 1) {
      return "unsupported Transfer-Encoding";
    }
    if (request.find(http::field::content_length) != request.end()) {
      return "Transfer-Encoding and Content-Length together";
    }
  }
  // RFC 9112 §3.2: exactly one Host in HTTP/1.1, at most one before (§5.16).
  const std::size_t hosts = request.count(http::field::host);
  if (hosts > 1 || (hosts == 0 && request.version() >= 11)) {
    return "missing or repeated Host header";
  }
  return nullptr;
}

}  // namespace

Session::Session(ServerCore& core, asio::ip::tcp::socket socket, bool metrics_only)
    : core_(core), stream_(std::move(socket)), metrics_only_(metrics_only) {
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
  if (core_.stopping.load()) co_return co_await ReadArrived();
  idle_ = true;
  // A new connection must start its request as promptly as it must finish the
  // headers; a kept-alive one may wait idle_timeout for the next.
  stream_.expires_after(first ? core_.options.header_timeout : core_.options.idle_timeout);
  auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), kUseTuple);
  idle_ = false;
  // RequestShutdown cancels the wait, but bytes may have reached the socket
  // before the cancel did (§5.19).
  if (ec == asio::error::operation_aborted && core_.stopping.load()) {
    co_return co_await ReadArrived();
  }
  if (ec) co_return false;
  buffer_.commit(n);
  co_return true;
}

asio::awaitable<bool> Session::ReadArrived() {
  // Shutdown closes a connection only between requests: bytes of one that the
  // kernel already holds are the start of a request to answer (§5.19).
  beast::error_code ec;
  if (stream_.socket().available(ec) == 0 || ec) co_return false;
  stream_.expires_after(core_.options.header_timeout);
  auto [read_ec, n] = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), kUseTuple);
  if (read_ec) co_return false;
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

  // Usually the whole request came with its first bytes (AwaitRequestStart):
  // parsing it from the buffer here saves Beast's read operations, which
  // would only re-post themselves through the strand to find it done.
  beast::error_code header_ec = ParseBuffered(/*header_only=*/true);
  if (!header_ec && !parser_->is_header_done()) {
    stream_.expires_after(options.header_timeout);
    auto [ec, n] = co_await http::async_read_header(stream_, buffer_, *parser_, kUseTuple);
    header_ec = ec;
  }
  request_start_ = std::chrono::steady_clock::now();
  if (header_ec) {
    co_await FailRead(header_ec);
    co_return false;
  }
  if (const char* framing_error = CheckFraming(parser_->get())) {
    co_await WriteTransportError(
        MalformedError(std::string("malformed HTTP request: ") + framing_error));
    co_await LingeringClose();
    co_return false;
  }
  if (!parser_->is_done()) {
    if (const auto expect = parser_->get()[http::field::expect];
        EqualsIgnoreCase(expect, "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      stream_.expires_after(options.write_timeout);
      auto [ec, n] = co_await asio::async_write(
          stream_, asio::buffer(kContinue.data(), kContinue.size()), kUseTuple);
      if (ec) co_return false;
    }
    beast::error_code body_ec = ParseBuffered(/*header_only=*/false);
    if (!body_ec && !parser_->is_done()) {
      stream_.expires_after(options.body_timeout);
      auto [ec, n] = co_await http::async_read(stream_, buffer_, *parser_, kUseTuple);
      body_ec = ec;
    }
    if (body_ec) {
      co_await FailRead(body_ec);
      co_return false;
    }
  }
  co_return true;
}

beast::error_code Session::ParseBuffered(bool header_only) {
  // What http::async_read_header (eager off) and http::async_read (eager on)
  // do with buffered bytes before they touch the socket.
  parser_->eager(!header_only);
  beast::error_code ec;
  while (buffer_.size() > 0 && !(header_only ? parser_->is_header_done() : parser_->is_done())) {
    const std::size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == http::error::need_more) return {};
    if (ec) return ec;
    if (used == 0) break;
  }
  return ec;
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
  const BeastRequest& request = parser_->get();
  std::optional<std::string> path = Router::DecodePath(request.target());
  if (!path) {
    co_await WriteTransportError(
        MalformedError("invalid request target " + GoQuote(request.target())));
    co_return false;
  }
  if (metrics_only_) {
    // An internal listener: the metrics path and nothing else, no Twirp.
    if (const HttpHandler* handler = core_.metrics_handlers.Find(*path)) {
      co_await ServeHttpHandler(core_, *this, request, std::move(*path), *handler, start,
                                stream_.get_executor());
    } else {
      const Error error(ErrorCode::kBadRoute, "no handler for path " + GoQuote(*path));
      co_await WriteResponse(HttpStatus(error.code()), ContentType(Encoding::kJson), error.ToJson(),
                             {});
    }
    co_return keep_alive_;
  }
  co_await ServeRequest(core_, *this, request, std::move(*path), start, stream_.get_executor());
  co_return keep_alive_;
}

asio::awaitable<void> Session::WriteTransportError(Error error) {
  force_close_ = true;
  core_.metrics.Record(*core_.metrics.unrouted(), error.code(),
                       std::chrono::steady_clock::now() - request_start_);
  co_await WriteResponse(HttpStatus(error.code()), ContentType(Encoding::kJson), error.ToJson(),
                         {});
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

std::string Session::RemoteAddress() const {
  beast::error_code ec;
  const auto endpoint = stream_.socket().remote_endpoint(ec);
  if (ec) return {};
  // An IPv4 client of a dual-stack listener is an IPv4-mapped IPv6 address:
  // answered as the IPv4 address it is.
  const asio::ip::address address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

Awaitable<WriteOutcome> Session::WriteResponse(int status, std::string_view content_type,
                                               std::string body,
                                               const Context::HeaderList& headers) {
  // The Context refuses CR, LF and NUL, but plain handlers return their headers
  // directly, and neither checks names. Such a field would let whoever chose it
  // write header lines or a whole second response. The response is replaced,
  // not trimmed: the handler's answer is broken (docs/wire-protocol.md §5.18).
  static const Context::HeaderList kNoHeaders;
  const Context::HeaderList* fields = &headers;
  if (!std::all_of(headers.begin(), headers.end(), [](const auto& field) {
        return IsSafeHeaderField(field.first, field.second);
      })) {
    status = HttpStatus(ErrorCode::kInternal);
    content_type = ContentType(Encoding::kJson);
    body = InternalError("invalid response header").ToJson();
    fields = &kNoHeaders;
  }
  const bool header_done = parser_ && parser_->is_header_done();
  const unsigned version = header_done ? parser_->get().version() : 11;
  keep_alive_ =
      !force_close_ && header_done && parser_->get().keep_alive() && !core_.stopping.load();

  // The status line and header block exactly as Beast's serializer writes
  // http::response<string_body> after set(Content-Type), content_length() and
  // keep_alive() (those replace any field of the same name), but into one
  // string: Beast's serializer walks nested buffer-sequence views that cost
  // more CPU than the rest of the request (docs/performance.md).
  std::string head;
  head.reserve(128 + content_type.size());
  head.append("HTTP/").append(1, static_cast<char>('0' + version / 10)).append(".");
  head.append(1, static_cast<char>('0' + version % 10)).append(" ");
  head.append(std::to_string(status)).append(" ");
  const auto reason = http::obsolete_reason(static_cast<http::status>(status));
  head.append(reason.data(), reason.size()).append("\r\n");
  for (const auto& [name, value] : *fields) {
    // Framing is the server's: these would contradict the response's own.
    if (EqualsIgnoreCase(name, "Connection") || EqualsIgnoreCase(name, "Transfer-Encoding") ||
        EqualsIgnoreCase(name, "Content-Type") || EqualsIgnoreCase(name, "Content-Length")) {
      continue;
    }
    head.append(name).append(": ").append(value).append("\r\n");
  }
  head.append("Content-Type: ").append(content_type).append("\r\n");
  head.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  // keep_alive(): HTTP/1.1 is persistent unless it says close, 1.0 the reverse.
  if (version >= 11 && !keep_alive_) head.append("Connection: close\r\n");
  if (version < 11 && keep_alive_) head.append("Connection: keep-alive\r\n");
  head.append("\r\n");

  // RFC 9110 §9.3.2: the answer to HEAD is GET's without the content, its
  // Content-Length included (§5.17).
  const bool head_request = header_done && parser_->get().method() == http::verb::head;
  stream_.expires_after(core_.options.write_timeout);
  const std::array<asio::const_buffer, 2> message = {
      asio::buffer(head), asio::buffer(body.data(), head_request ? 0 : body.size())};
  auto [ec, written] = co_await asio::async_write(stream_, message, kUseTuple);
  WriteOutcome outcome;
  if (ec) {
    keep_alive_ = false;
    outcome.error = ec;
    outcome.body_bytes_written = written > head.size() ? written - head.size() : 0;
  }
  co_return outcome;
}

}  // namespace twirp::internal
