// The Twirp client runtime: a pooled HTTP/1.1 client that generated clients call
// through. One twirp::Client per base URL; many generated clients may share it.
//
// CONTRACT (filled in by the client work): the names below are what generated code
// and users rely on. The client implementation may add members, not rename these.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "twirpcpp/awaitable.h"
#include "twirpcpp/codec.h"
#include "twirpcpp/context.h"
#include "twirpcpp/result.h"

namespace twirp {

// Options for one call.
struct CallOptions {
  // The call fails with deadline_exceeded when it has not completed by then.
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

struct ClientOptions {
  Encoding encoding = Encoding::kProtobuf;
  // Normalised as Go does: "twirp", "/twirp/" -> "/twirp"; "" for none.
  std::string prefix = "/twirp";
  // Send literal proto names instead of Go CamelCase (WithClientLiteralURLs).
  bool literal_urls = false;
  // ... (pool size, timeouts, limits, hooks, interceptors, transport)
};

class Client;

}  // namespace twirp
