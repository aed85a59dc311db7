// The client's pooled connection (runtime/src/client/connection.h: write the
// request, read the response) over Beast's test::stream, failing its N-th read
// or write for every N until an exchange succeeds, as Beast's own tests use
// test::fail_count. The peer end reads the request and answers a canned
// response. Each failing exchange must end with the error client.h documents
// (§6.13): unavailable while no byte of the response has arrived, internal for a
// response cut off; the one that succeeds returns the response.
#include <array>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/_experimental/test/fail_count.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <catch2/catch.hpp>

#include "client/connection.h"
#include "test_stream_ops.h"

namespace twirp::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using internal::Attempt;
using TestConnection = internal::BasicConnection<beast::test::stream>;
using Ops = internal::StreamOps<beast::test::stream>;

constexpr std::size_t kMaxN = 2000;
constexpr std::string_view kRequestHead =
    "POST /twirp/twirpcpp.test.v1.Echo/Echo HTTP/1.1\r\nHost: test\r\n"
    "Content-Type: application/json\r\nContent-Length: 13\r\n\r\n";
constexpr std::string_view kRequestBody = R"({"text":"hi"})";
constexpr std::string_view kResponse =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Echo: hi\r\n"
    "Content-Length: 16\r\n\r\n{\"text\":\"hi:hi\"}";

// The server end: reads one request and answers kResponse; stops at the first
// error (the client closed its end).
asio::awaitable<void> Peer(beast::test::stream& peer, int& requests_read) {
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  auto [ec, n] =
      co_await http::async_read(peer, buffer, request, asio::as_tuple(asio::use_awaitable));
  if (ec) co_return;
  ++requests_read;
  CHECK(request.body() == kRequestBody);
  co_await asio::async_write(peer, asio::buffer(kResponse.data(), kResponse.size()),
                             asio::as_tuple(asio::use_awaitable));
}

struct Outcome {
  Attempt attempt;
  std::size_t response_bytes_read = 0;
  int requests_read = 0;
  bool finished = false;
};

Outcome RunExchange(std::size_t n, std::size_t read_size, std::size_t write_size) {
  asio::io_context ioc;
  beast::test::fail_count fc(n);
  beast::test::stream peer(ioc);
  Outcome out;
  TestConnection conn(ioc, fc);
  conn.stream.connect(peer);
  if (read_size > 0) conn.stream.read_size(read_size);
  if (write_size > 0) conn.stream.write_size(write_size);
  asio::co_spawn(ioc, Peer(peer, out.requests_read), asio::detached);
  const std::array<asio::const_buffer, 2> message = {
      asio::buffer(kRequestHead.data(), kRequestHead.size()),
      asio::buffer(kRequestBody.data(), kRequestBody.size())};
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        out.attempt = co_await internal::ExchangeOnce(conn, message, 1024);
        out.finished = true;
        // As the pool does after a failure: the peer sees EOF and stops.
        if (out.attempt.failure) Ops::Close(conn.stream);
      },
      asio::detached);
  ioc.run_for(std::chrono::seconds(10));
  out.response_bytes_read = conn.stream.nread_bytes();
  return out;
}

void RunUntilSuccess(std::size_t read_size, std::size_t write_size) {
  std::size_t unavailable = 0;
  std::size_t internal_errors = 0;
  for (std::size_t n = 0; n < kMaxN; ++n) {
    INFO("fail_count " << n);
    const Outcome out = RunExchange(n, read_size, write_size);
    REQUIRE(out.finished);
    REQUIRE(out.requests_read <= 1);
    if (!out.attempt.failure) {
      const TransportResponse& response = out.attempt.response;
      CHECK(out.requests_read == 1);
      CHECK(response.status == 200);
      CHECK(response.reason == "OK");
      CHECK(response.Header("X-Echo") == "hi");
      CHECK(response.body == R"({"text":"hi:hi"})");
      CHECK(out.attempt.keep_alive);
      CHECK(unavailable > 0);
      if (read_size > 0) CHECK(internal_errors > 0);
      return;
    }
    const internal::Failure& failure = *out.attempt.failure;
    const Error error = internal::ClassifyFailure(failure, /*was_canceled=*/false);
    INFO("phase " << failure.phase << ": " << error.msg());
    if (out.response_bytes_read == 0) {
      // Nothing of the response arrived: the call may be tried again.
      REQUIRE(error.code() == ErrorCode::kUnavailable);
      REQUIRE_FALSE(failure.response_started);
      // A failed write never got the whole request out (the resend rule).
      if (std::string_view(failure.phase) == "write request") {
        REQUIRE(failure.request_unsent);
        REQUIRE(out.requests_read == 0);
      }
      ++unavailable;
    } else {
      // A response cut off after its first byte.
      REQUIRE(error.code() == ErrorCode::kInternal);
      REQUIRE(failure.response_started);
      ++internal_errors;
    }
    CHECK(error.meta("cause") == failure.ec.message());
  }
  FAIL("no exchange succeeded below fail_count " << kMaxN);
}

TEST_CASE("§6.13 client connection failure injection: whole reads and writes") {
  RunUntilSuccess(0, 0);
}

TEST_CASE("§6.13 client connection failure injection: a few bytes per read and write") {
  RunUntilSuccess(5, 7);
}

}  // namespace
}  // namespace twirp::testing
