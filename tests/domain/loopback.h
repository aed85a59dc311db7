// A foundation service on 127.0.0.1 port 0 and a twirp::Client for it, both
// torn down at scope exit.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "twirpcpp/client.h"
#include "twirpcpp/server.h"

namespace domain_test {

class Loopback {
 public:
  // `register_service` adds the service under test to the server.
  explicit Loopback(const std::function<void(twirp::Server&)>& register_service,
                    twirp::Encoding encoding = twirp::Encoding::kProtobuf)
      : server_(ServerOptionsForTests()) {
    register_service(server_);
    const auto error = server_.Listen("127.0.0.1", 0);
    REQUIRE_FALSE(error);
    server_.Start();
    twirp::ClientOptions options;
    options.encoding = encoding;
    // Every call in these tests is bounded.
    options.default_timeout = std::chrono::seconds(10);
    auto client = twirp::Client::Create("http://127.0.0.1:" + std::to_string(server_.port()),
                                        std::move(options));
    REQUIRE(client.ok());
    client_ = std::move(client).value();
  }
  ~Loopback() {
    client_.reset();
    server_.Shutdown(std::chrono::seconds(5));
    server_.Wait();
  }
  Loopback(const Loopback&) = delete;
  Loopback& operator=(const Loopback&) = delete;

  const std::shared_ptr<twirp::Client>& client() const { return client_; }
  twirp::Server& server() { return server_; }

 private:
  static twirp::ServerOptions ServerOptionsForTests() {
    twirp::ServerOptions options;
    options.worker_threads = 2;
    return options;
  }

  twirp::Server server_;
  std::shared_ptr<twirp::Client> client_;
};

}  // namespace domain_test
