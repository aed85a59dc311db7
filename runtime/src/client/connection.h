// One HTTP/1.1 connection of the client's pool and one request/response
// exchange on it: write the request, read the response. A template on the
// stream (as Beast's examples are) so that tests can run the exchange over
// Beast's test::stream with failure injection (docs/architecture.md); the pool
// (connection_pool.cc) instantiates it once, over beast::tcp_stream, and owns
// the resend rule at the top of twirpcpp/client.h.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include "common/stream_ops.h"
#include "twirpcpp/awaitable.h"
#include "twirpcpp/context.h"
#include "twirpcpp/error.h"
#include "twirpcpp/transport.h"

namespace twirp::internal {

template <class Stream>
struct BasicConnection {
  template <class... Args>
  explicit BasicConnection(Args&&... args) : stream(std::forward<Args>(args)...) {}
  Stream stream;
  boost::beast::flat_buffer buffer;
  Clock::time_point idle_since;
};

// What went wrong on one attempt, before it is decided whether to retry.
struct Failure {
  boost::beast::error_code ec;
  const char* phase = "";         // "write request", "read response"
  bool response_started = false;  // any byte of the response arrived
  bool request_unsent = false;    // the write failed before the whole request was out
};

// One exchange: the response, or why there is none.
struct Attempt {
  std::optional<Failure> failure;
  TransportResponse response;  // when !failure
  bool keep_alive = false;     // when !failure: the connection may carry another request
};

// The call's error for a failed attempt that is not sent again (client.h).
Error ClassifyFailure(const Failure& failure, bool was_canceled);

// Response header block limit; the body limit is max_response_bytes.
inline constexpr std::size_t kMaxResponseHeaderBytes = 1024 * 1024;

// Writes `message` (the serialized request, `message_size` bytes) on `conn` and
// reads the response. The caller has set the stream's deadline.
template <class Stream>
Awaitable<Attempt> ExchangeOnce(BasicConnection<Stream>& conn,
                                const std::array<boost::asio::const_buffer, 2>& message,
                                std::size_t max_response_bytes) {
  namespace http = boost::beast::http;
  constexpr auto kNoThrow = boost::asio::as_tuple(boost::asio::use_awaitable);
  Attempt attempt;
  auto [write_ec, written] = co_await boost::asio::async_write(conn.stream, message, kNoThrow);
  if (write_ec) {
    attempt.failure =
        Failure{write_ec, "write request", false, written < boost::asio::buffer_size(message)};
    co_return attempt;
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_response_bytes);
  parser.header_limit(
      static_cast<std::uint32_t>(std::min(max_response_bytes, kMaxResponseHeaderBytes)));
  auto [read_ec, read] = co_await http::async_read(conn.stream, conn.buffer, parser, kNoThrow);
  if (read_ec) {
    attempt.failure =
        Failure{read_ec, "read response", parser.got_some() || conn.buffer.size() > 0, false};
    co_return attempt;
  }
  auto response = parser.release();
  // Connection: close, a body delimited by EOF, or bytes past the response
  // (which would corrupt the next one) all end the connection.
  attempt.keep_alive = response.keep_alive() && !response.need_eof() && conn.buffer.size() == 0;
  TransportResponse& out = attempt.response;
  out.status = static_cast<int>(response.result_int());
  out.reason = std::string(response.reason());
  for (const auto& field : response) {
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(response.body());
  co_return attempt;
}

using TcpConnection = BasicConnection<boost::beast::tcp_stream>;
extern template Awaitable<Attempt> ExchangeOnce(
    TcpConnection& conn, const std::array<boost::asio::const_buffer, 2>& message,
    std::size_t max_response_bytes);

}  // namespace twirp::internal
