// Generated servers and clients talking over loopback: Register<Service>() routes
// what the generated client sends, by CamelCase and by literal names
// (wire-protocol.md §1.1, §1.7, §1.9, §1.10, §8.5).
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include "no_package.twirp.h"
#include "twirpcpp/error.h"
#include "twirpcpp/plugin/names/v1/names.twirp.h"

namespace {

namespace names = ::twirpcpp::plugin::names::v1;
using namespace std::chrono_literals;

names::class_ Answer(const std::string& method, const names::namespace_& request) {
  names::class_ response;
  response.set_this_(method + ":" + std::to_string(request.new_()));
  return response;
}

// Answers "<literal method name>:<request.new>", so that a test sees which
// handler ran; `delete` fails with not_found.
class NamesHandler final : public names::HaberdasherV1 {
 public:
  using Response = ::twirp::Awaitable<::twirp::Result<names::class_>>;
  Response MakeHatV1(::twirp::Context&, const names::namespace_& r) override {
    co_return Answer("MakeHat_v1", r);
  }
  Response MakeHat_V2(::twirp::Context&, const names::namespace_& r) override {
    co_return Answer("MakeHat_V2", r);
  }
  Response Get2Fa(::twirp::Context&, const names::namespace_& r) override {
    co_return Answer("get2fa", r);
  }
  Response Delete(::twirp::Context&, const names::namespace_&) override {
    co_return ::twirp::Error(::twirp::ErrorCode::kNotFound, "nothing to delete");
  }
  Response DeleteBlocking(::twirp::Context&, const names::namespace_& r) override {
    co_return Answer("DeleteBlocking", r);
  }
  Response XPrivate(::twirp::Context&, const names::namespace_& r) override {
    co_return Answer("_private", r);
  }
};

class LedgerHandler final : public names::LedgerBlocking {
 public:
  ::twirp::Result<names::class_> Ledger_(::twirp::Context&, const names::namespace_& r) override {
    return Answer("Ledger", r);
  }
};

class EchoHandler final : public ::EchoBlocking {
 public:
  ::twirp::Result<::Phrase> Say(::twirp::Context&, const ::Phrase& request) override {
    return request;
  }
};

// A server on 127.0.0.1:0 with every service above, shut down with the test.
class Fixture {
 public:
  Fixture() {
    names::RegisterHaberdasherV1(server_, std::make_shared<NamesHandler>());
    names::RegisterLedger(server_, std::make_shared<LedgerHandler>());
    RegisterEcho(server_, std::make_shared<EchoHandler>());
    if (auto ec = server_.Listen("127.0.0.1", 0)) throw std::runtime_error(ec.message());
    server_.Start();
  }
  ~Fixture() { server_.Shutdown(0ms); }

  std::string address() const { return "127.0.0.1:" + std::to_string(server_.port()); }

  std::shared_ptr<::twirp::Client> NewClient(::twirp::ClientOptions options = {}) const {
    auto client = ::twirp::Client::Create(address(), std::move(options));
    REQUIRE(client.ok());
    return *client;
  }

 private:
  ::twirp::Server server_;
};

names::namespace_ Request(int n) {
  names::namespace_ request;
  request.set_new_(n);
  return request;
}

::twirp::CallOptions Bounded() { return ::twirp::CallOptions{}.WithTimeout(5s); }

void CheckEveryMethod(names::HaberdasherV1Client& client) {
  auto v1 = client.MakeHatV1Blocking(Request(1), Bounded());
  REQUIRE(v1.ok());
  CHECK(v1->this_() == "MakeHat_v1:1");
  auto v2 = client.MakeHat_V2Blocking(Request(2), Bounded());
  REQUIRE(v2.ok());
  CHECK(v2->this_() == "MakeHat_V2:2");
  auto fa = client.Get2FaBlocking(Request(3), Bounded());
  REQUIRE(fa.ok());
  CHECK(fa->this_() == "get2fa:3");
  auto deleted = client.DeleteBlocking_(Request(4), Bounded());
  REQUIRE_FALSE(deleted.ok());
  CHECK(deleted.error().code() == ::twirp::ErrorCode::kNotFound);
  CHECK(deleted.error().msg() == "nothing to delete");
  auto delete_blocking = client.DeleteBlockingBlocking(Request(5), Bounded());
  REQUIRE(delete_blocking.ok());
  CHECK(delete_blocking->this_() == "DeleteBlocking:5");
  auto x = client.XPrivateBlocking(Request(6), Bounded());
  REQUIRE(x.ok());
  CHECK(x->this_() == "_private:6");
}

}  // namespace

TEST_CASE("§1.7 §1.9 §1.10 the generated client reaches every generated route by CamelCase names") {
  Fixture fixture;
  names::HaberdasherV1Client client(fixture.NewClient());
  CheckEveryMethod(client);
}

TEST_CASE(
    "§1.7 §1.10 with literal URLs the generated client reaches the same routes by proto names") {
  Fixture fixture;
  ::twirp::ClientOptions options;
  options.literal_urls = true;
  names::HaberdasherV1Client client(fixture.NewClient(options));
  CheckEveryMethod(client);
}

TEST_CASE("a blocking service is served, including a method renamed for a C++ clash") {
  Fixture fixture;
  names::LedgerClient client(fixture.NewClient());
  auto result = client.Ledger_Blocking(Request(7), Bounded());
  REQUIRE(result.ok());
  CHECK(result->this_() == "Ledger:7");
}

TEST_CASE("§1.1 §8.5 a service without a package is served and called without one") {
  Fixture fixture;
  ::EchoClient client(fixture.NewClient());
  ::Phrase phrase;
  phrase.set_text("hello");
  auto result = client.SayBlocking(phrase, Bounded());
  REQUIRE(result.ok());
  CHECK(result->text() == "hello");
}

TEST_CASE("the generated client's coroutine form is co_awaited on the caller's executor") {
  Fixture fixture;
  boost::asio::io_context io;
  auto client = ::twirp::Client::Create(io.get_executor(), fixture.address());
  REQUIRE(client.ok());
  names::HaberdasherV1Client haberdasher(*client);
  auto call = [&]() -> ::twirp::Awaitable<::twirp::Result<names::class_>> {
    co_return co_await haberdasher.MakeHatV1(Request(8), Bounded());
  };
  auto future = boost::asio::co_spawn(io, call, boost::asio::use_future);
  // The client's pool keeps the io_context busy (idle connections), so run it
  // until the call completes rather than until it runs out of work.
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (future.wait_for(0s) != std::future_status::ready &&
         std::chrono::steady_clock::now() < give_up) {
    io.run_one_for(100ms);
  }
  REQUIRE(future.wait_for(0s) == std::future_status::ready);
  auto result = future.get();
  REQUIRE(result.ok());
  CHECK(result->this_() == "MakeHat_v1:8");
}
