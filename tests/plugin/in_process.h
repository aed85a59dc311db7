// A server and a client in one process, joined by Server::InProcessTransport(),
// for tests of generated clients that need no socket.
#pragma once

#include <chrono>
#include <memory>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include "twirpcpp/client.h"
#include "twirpcpp/server.h"

namespace twirp::testing {

// A server that listens nowhere (start it once its services are registered),
// and a twirp::Client on `io` that reaches it in process.
struct InProcess {
  explicit InProcess(boost::asio::io_context& io,
                     ::twirp::Encoding encoding = ::twirp::Encoding::kProtobuf) {
    ::twirp::ClientOptions options;
    options.encoding = encoding;
    options.transport = server.InProcessTransport();
    auto created = ::twirp::Client::Create(io.get_executor(), "http://in-process", options);
    REQUIRE(created.ok());
    client = std::move(created).value();
  }
  ~InProcess() { server.Shutdown(std::chrono::milliseconds(0)); }

  ::twirp::Server server;
  std::shared_ptr<::twirp::Client> client;
};

template <class T>
T Run(boost::asio::io_context& io, ::twirp::Awaitable<T> awaitable) {
  auto future = boost::asio::co_spawn(io, std::move(awaitable), boost::asio::use_future);
  io.restart();
  io.run();
  return future.get();
}

}  // namespace twirp::testing
