// What the server's Session and the client's pooled connection need from a
// stream beyond Asio's AsyncReadStream and AsyncWriteStream: timeouts, cancel,
// half-close, close and a peek at what has arrived. Both are templates on the
// stream (as Beast's examples are) so that tests can run them over Beast's
// test::stream with failure injection (docs/architecture.md); production uses
// beast::tcp_stream, whose specialization is here. Each call is inline and
// resolved at compile time: nothing per request is added to the hot path.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace twirp::internal {

// Specialized for every stream type a Session or connection is instantiated with.
template <class Stream>
struct StreamOps;

template <>
struct StreamOps<boost::beast::tcp_stream> {
  using Stream = boost::beast::tcp_stream;

  static void ExpiresAfter(Stream& stream, std::chrono::steady_clock::duration timeout) {
    stream.expires_after(timeout);
  }
  static void ExpiresAt(Stream& stream, std::chrono::steady_clock::time_point deadline) {
    stream.expires_at(deadline);
  }
  static void ExpiresNever(Stream& stream) { stream.expires_never(); }
  // Ends the pending operations with operation_aborted.
  static void Cancel(Stream& stream) { stream.cancel(); }
  static void ShutdownSend(Stream& stream) {
    boost::system::error_code ignored;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  }
  static void ShutdownBoth(Stream& stream) {
    boost::system::error_code ignored;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  }
  static void Close(Stream& stream) {
    boost::system::error_code ignored;
    stream.socket().close(ignored);
  }
  // Bytes that can be read without waiting; 0 on error.
  static std::size_t Available(Stream& stream) {
    boost::system::error_code ec;
    const std::size_t n = stream.socket().available(ec);
    return ec ? 0 : n;
  }
  // The peer's IP address as text, "" when the socket has none (closed).
  static std::string RemoteAddress(const Stream& stream) {
    boost::system::error_code ec;
    const auto endpoint = stream.socket().remote_endpoint(ec);
    if (ec) return {};
    // An IPv4 client of a dual-stack listener is an IPv4-mapped IPv6 address:
    // answered as the IPv4 address it is.
    const boost::asio::ip::address address = endpoint.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
      return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6())
          .to_string();
    }
    return address.to_string();
  }
};

}  // namespace twirp::internal
