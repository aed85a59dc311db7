// The default client Transport: a bounded pool of HTTP/1.1 keep-alive
// connections to one origin, on Boost.Beast.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "twirpcpp/client.h"

namespace twirp::internal {

struct HttpTransportOptions {
  std::string host;         // name or address, without brackets
  std::string port;         // "80"
  std::string host_header;  // sent when a request carries no Host
  std::size_t max_connections = 64;
  std::chrono::milliseconds connect_timeout{10'000};
  std::size_t max_response_bytes = 64 * 1024 * 1024;
  std::chrono::milliseconds idle_timeout{90'000};
};

class PooledTransport : public Transport {
 public:
  // Closes the idle connections and stops the idle sweeper; connections in use
  // are closed when their call ends. Thread-safe.
  virtual void Shutdown() = 0;
};

// All pool state lives on a strand of `executor`; RoundTrip hops onto it and
// back, so callers may run on any executor.
std::shared_ptr<PooledTransport> MakeHttpTransport(const boost::asio::any_io_executor& executor,
                                                   HttpTransportOptions options);

}  // namespace twirp::internal
