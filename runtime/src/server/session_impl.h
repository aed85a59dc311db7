// The member bodies of BasicSession (server/session.h), for the translation
// units that instantiate it: session.cc over beast::tcp_stream, and the
// failure-injection tests over Beast's test::stream (docs/architecture.md).
#pragma once

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
#include "common/stream_ops.h"
#include "server/plain_call.h"
#include "server/session.h"

namespace twirp::internal {

namespace session_detail {

inline constexpr auto kUseTuple = boost::asio::as_tuple(boost::asio::use_awaitable);
inline constexpr std::size_t kReadChunk = 16 * 1024;
// How long, and how much, a closing connection keeps discarding client input.
inline constexpr std::chrono::milliseconds kMaxLinger{1000};
inline constexpr std::size_t kMaxLingerBytes = 4 * 1024 * 1024;

}  // namespace session_detail

// Why the header of `request` cannot be framed safely, or null when it can
// (session.cc).
const char* CheckFraming(const BeastRequest& request);

template <class Stream>
BasicSession<Stream>::BasicSession(ServerCore& core, Stream stream, bool metrics_only)
    : core_(core), stream_(std::move(stream)), metrics_only_(metrics_only) {
  core_.metrics.ConnectionOpened();
}

template <class Stream>
BasicSession<Stream>::~BasicSession() {
  core_.metrics.ConnectionClosed();
  core_.SessionEnded(this);
}

template <class Stream>
void BasicSession<Stream>::Start() {
  core_.SessionStarted(this, weak_from_this());
  boost::asio::co_spawn(
      stream_.get_executor(), [self = self()] { return self->Run(); }, boost::asio::detached);
}

template <class Stream>
void BasicSession<Stream>::RequestShutdown() {
  boost::asio::dispatch(stream_.get_executor(), [self = self()] {
    // A busy session sees core_.stopping when it writes its response.
    if (self->idle_) Ops::Cancel(self->stream_);
  });
}

template <class Stream>
void BasicSession<Stream>::Close() {
  boost::asio::dispatch(stream_.get_executor(), [self = self()] { Ops::Close(self->stream_); });
}

template <class Stream>
boost::asio::awaitable<void> BasicSession<Stream>::Run() {
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
  Ops::ShutdownSend(stream_);
  Ops::Close(stream_);
}

template <class Stream>
boost::asio::awaitable<bool> BasicSession<Stream>::AwaitRequestStart(bool first) {
  if (buffer_.size() > 0) co_return true;  // a pipelined request is already here
  if (core_.stopping.load()) co_return co_await ReadArrived();
  idle_ = true;
  // A new connection must start its request as promptly as it must finish the
  // headers; a kept-alive one may wait idle_timeout for the next.
  Ops::ExpiresAfter(stream_, first ? core_.options.header_timeout : core_.options.idle_timeout);
  auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(session_detail::kReadChunk),
                                                  session_detail::kUseTuple);
  idle_ = false;
  // RequestShutdown cancels the wait, but bytes may have reached the socket
  // before the cancel did (§5.19).
  if (ec == boost::asio::error::operation_aborted && core_.stopping.load()) {
    co_return co_await ReadArrived();
  }
  if (ec) co_return false;
  buffer_.commit(n);
  co_return true;
}

template <class Stream>
boost::asio::awaitable<bool> BasicSession<Stream>::ReadArrived() {
  // Shutdown closes a connection only between requests: bytes of one that the
  // kernel already holds are the start of a request to answer (§5.19).
  if (Ops::Available(stream_) == 0) co_return false;
  Ops::ExpiresAfter(stream_, core_.options.header_timeout);
  auto [read_ec, n] = co_await stream_.async_read_some(buffer_.prepare(session_detail::kReadChunk),
                                                       session_detail::kUseTuple);
  if (read_ec) co_return false;
  buffer_.commit(n);
  co_return true;
}

template <class Stream>
boost::asio::awaitable<bool> BasicSession<Stream>::ReadRequest() {
  const ServerOptions& options = core_.options;
  force_close_ = false;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  parser_->body_limit(options.max_body_bytes);

  // Usually the whole request came with its first bytes (AwaitRequestStart):
  // parsing it from the buffer here saves Beast's read operations, which
  // would only re-post themselves through the strand to find it done.
  boost::beast::error_code header_ec = ParseBuffered(/*header_only=*/true);
  if (!header_ec && !parser_->is_header_done()) {
    Ops::ExpiresAfter(stream_, options.header_timeout);
    auto [ec, n] = co_await boost::beast::http::async_read_header(stream_, buffer_, *parser_,
                                                                  session_detail::kUseTuple);
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
    if (const auto expect = parser_->get()[boost::beast::http::field::expect];
        EqualsIgnoreCase(expect, "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      Ops::ExpiresAfter(stream_, options.write_timeout);
      auto [ec, n] = co_await boost::asio::async_write(
          stream_, boost::asio::buffer(kContinue.data(), kContinue.size()),
          session_detail::kUseTuple);
      if (ec) co_return false;
    }
    boost::beast::error_code body_ec = ParseBuffered(/*header_only=*/false);
    if (!body_ec && !parser_->is_done()) {
      Ops::ExpiresAfter(stream_, options.body_timeout);
      auto [ec, n] = co_await boost::beast::http::async_read(stream_, buffer_, *parser_,
                                                             session_detail::kUseTuple);
      body_ec = ec;
    }
    if (body_ec) {
      co_await FailRead(body_ec);
      co_return false;
    }
  }
  co_return true;
}

template <class Stream>
boost::beast::error_code BasicSession<Stream>::ParseBuffered(bool header_only) {
  // What boost::beast::http::async_read_header (eager off) and boost::beast::http::async_read
  // (eager on) do with buffered bytes before they touch the socket.
  parser_->eager(!header_only);
  boost::beast::error_code ec;
  while (buffer_.size() > 0 && !(header_only ? parser_->is_header_done() : parser_->is_done())) {
    const std::size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == boost::beast::http::error::need_more) return {};
    if (ec) return ec;
    if (used == 0) break;
  }
  return ec;
}

template <class Stream>
boost::asio::awaitable<void> BasicSession<Stream>::FailRead(boost::beast::error_code ec) {
  // The client went away or was too slow: there is no one to answer.
  if (ec.category() != boost::beast::http::make_error_code(boost::beast::http::error::end_of_stream)
                           .category() ||
      ec == boost::beast::http::error::end_of_stream ||
      ec == boost::beast::http::error::partial_message) {
    co_return;
  }
  const ServerOptions& options = core_.options;
  std::string msg;
  if (ec == boost::beast::http::error::body_limit) {
    msg = "request body exceeds the limit of " + std::to_string(options.max_body_bytes) + " bytes";
  } else if (ec == boost::beast::http::error::header_limit) {
    msg = "request header fields exceed the limit of " + std::to_string(options.max_header_bytes) +
          " bytes";
  } else {
    msg = "malformed HTTP request: " + ec.message();
  }
  co_await WriteTransportError(MalformedError(std::move(msg)));
  co_await LingeringClose();
}

template <class Stream>
boost::asio::awaitable<bool> BasicSession<Stream>::HandleRequest(
    std::chrono::steady_clock::time_point start) {
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

template <class Stream>
boost::asio::awaitable<void> BasicSession<Stream>::WriteTransportError(Error error) {
  force_close_ = true;
  core_.metrics.Record(*core_.metrics.unrouted(), error.code(),
                       std::chrono::steady_clock::now() - request_start_);
  co_await WriteResponse(HttpStatus(error.code()), ContentType(Encoding::kJson), error.ToJson(),
                         {});
}

template <class Stream>
boost::asio::awaitable<void> BasicSession<Stream>::LingeringClose() {
  Ops::ShutdownSend(stream_);
  Ops::ExpiresAfter(stream_, std::min(session_detail::kMaxLinger, core_.options.header_timeout));
  std::array<char, 16 * 1024> discard;
  std::size_t total = 0;
  while (total < session_detail::kMaxLingerBytes) {
    auto [read_ec, n] =
        co_await stream_.async_read_some(boost::asio::buffer(discard), session_detail::kUseTuple);
    if (read_ec) break;
    total += n;
  }
  Ops::Close(stream_);
}

template <class Stream>
std::string BasicSession<Stream>::RemoteAddress() const {
  return Ops::RemoteAddress(stream_);
}

template <class Stream>
Awaitable<WriteOutcome> BasicSession<Stream>::WriteResponse(int status,
                                                            std::string_view content_type,
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
  // boost::beast::http::response<string_body> after set(Content-Type), content_length() and
  // keep_alive() (those replace any field of the same name), but into one
  // string: Beast's serializer walks nested buffer-sequence views that cost
  // more CPU than the rest of the request (docs/performance.md).
  std::string head;
  head.reserve(128 + content_type.size());
  head.append("HTTP/").append(1, static_cast<char>('0' + version / 10)).append(".");
  head.append(1, static_cast<char>('0' + version % 10)).append(" ");
  head.append(std::to_string(status)).append(" ");
  const auto reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
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
  const bool head_request =
      header_done && parser_->get().method() == boost::beast::http::verb::head;
  Ops::ExpiresAfter(stream_, core_.options.write_timeout);
  const std::array<boost::asio::const_buffer, 2> message = {
      boost::asio::buffer(head), boost::asio::buffer(body.data(), head_request ? 0 : body.size())};
  auto [ec, written] =
      co_await boost::asio::async_write(stream_, message, session_detail::kUseTuple);
  WriteOutcome outcome;
  if (ec) {
    keep_alive_ = false;
    outcome.error = ec;
    outcome.body_bytes_written = written > head.size() ? written - head.size() : 0;
  }
  co_return outcome;
}

}  // namespace twirp::internal
