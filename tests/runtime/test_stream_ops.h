// StreamOps (runtime/src/common/stream_ops.h) for Beast's test::stream, so that
// the server's Session and the client's connection can run over it with a
// fail_count, as Beast's own tests drive its algorithms. test::stream has no
// timers: timeouts are no-ops, and the tests end every exchange by closing a
// stream instead, so nothing waits for ever.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <boost/beast/_experimental/test/stream.hpp>

#include "common/stream_ops.h"

namespace twirp::internal {

template <>
struct StreamOps<boost::beast::test::stream> {
  using Stream = boost::beast::test::stream;

  static void ExpiresAfter(Stream&, std::chrono::steady_clock::duration) {}
  static void ExpiresAt(Stream&, std::chrono::steady_clock::time_point) {}
  static void ExpiresNever(Stream&) {}
  // test::stream cancels only by closing: pending reads end, and the peer
  // reads EOF.
  static void Cancel(Stream& stream) { stream.close(); }
  static void ShutdownSend(Stream& stream) { stream.close(); }
  static void ShutdownBoth(Stream& stream) { stream.close(); }
  static void Close(Stream& stream) { stream.close(); }
  static std::size_t Available(Stream& stream) { return stream.buffer().size(); }
  static std::string RemoteAddress(const Stream&) { return {}; }
};

}  // namespace twirp::internal
