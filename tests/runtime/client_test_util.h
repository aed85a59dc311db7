// Shared pieces of the client tests: method names of the test service and a way
// to run a coroutine to completion on a fresh io_context (the caller's executor,
// distinct from the client's own).
#pragma once

#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "twirpcpp/detail/client_call.h"
#include "twirpcpp/test/v1/wire.pb.h"

namespace twirp::testing {

using twirpcpp::test::v1::EchoRequest;
using twirpcpp::test::v1::EchoResponse;

inline constexpr detail::MethodNames kEchoMethod{"twirpcpp.test.v1", "Echo", "Echo", "Echo",
                                                 "Echo"};
inline constexpr detail::MethodNames kMakeHatMethod{"twirpcpp.test.v1", "Echo", "Echo",
                                                    "Make_hat_v1", "MakeHatV1"};

// The same method as if its proto marked it idempotency_level = IDEMPOTENT.
inline constexpr detail::MethodNames kEchoIdempotentMethod{
    "twirpcpp.test.v1", "Echo", "Echo", "Echo", "Echo", /*idempotent=*/true};

template <class T>
T RunSync(Awaitable<T> awaitable) {
  boost::asio::io_context io;
  auto future = boost::asio::co_spawn(io, std::move(awaitable), boost::asio::use_future);
  io.run();
  return future.get();
}

inline Result<EchoResponse> Echo(std::shared_ptr<Client> client, const EchoRequest& request,
                                 CallOptions options = {}) {
  return RunSync(detail::CallUnary<EchoRequest, EchoResponse>(std::move(client), kEchoMethod,
                                                              request, std::move(options)));
}

inline Result<EchoResponse> EchoIdempotent(std::shared_ptr<Client> client,
                                           const EchoRequest& request, CallOptions options = {}) {
  return RunSync(detail::CallUnary<EchoRequest, EchoResponse>(
      std::move(client), kEchoIdempotentMethod, request, std::move(options)));
}

inline std::shared_ptr<Client> MakeClient(const std::string& url, ClientOptions options = {}) {
  auto client = Client::Create(url, std::move(options));
  if (!client.ok()) throw std::runtime_error("Client::Create: " + client.error().msg());
  return std::move(client).value();
}

inline std::string EchoBody(std::string_view text) {
  EchoResponse response;
  response.set_text(std::string(text));
  return response.SerializeAsString();
}

}  // namespace twirp::testing
